// Storage of accounts, devices, link codes, discovery identifiers and access logs. Adapters
// implement this contract (SQLite embedded; see test/compliance for the shared suite).

export interface AccountRecord {
  id: string
  username: string
  email?: string
  phone?: string
  displayName?: string
  avatar?: Uint8Array
  bio?: string
  createdAt: number
  updatedAt: number
  /** When the age check passed; the birth date itself is never stored. */
  ageCheckedAt: number
  restricted: boolean
  marketingOptOut: boolean
  policyVersionAccepted: number
}

export interface DeviceRecord {
  peerId: string
  accountId: string
  type: string
  os: string
  clientVersion: string
  linkedAt: number
  lastSeenAt: number
}

export interface AccessRecord {
  peerId: string
  ip: string
  at: number
}

export type AccountPatch = Partial<Pick<AccountRecord, 'email' | 'phone' | 'displayName' | 'avatar' | 'bio' | 'restricted' | 'marketingOptOut' | 'policyVersionAccepted'>>

export interface AccountStore {
  /** Creates the account with its first device; ALREADY_EXISTS if the username or device is taken. */
  createAccount(account: AccountRecord, device: DeviceRecord): Promise<void>
  getAccount(id: string): Promise<AccountRecord | undefined>
  getAccountByUsername(username: string): Promise<AccountRecord | undefined>
  getAccountByDevice(peerId: string): Promise<AccountRecord | undefined>
  /** Fields set to `undefined` in the patch are erased. */
  updateAccount(id: string, patch: AccountPatch, now: number): Promise<void>
  /** Removes the account and everything linked to it: devices, codes, identifiers, access logs. */
  deleteAccount(id: string): Promise<void>
  listAccounts(): Promise<AccountRecord[]>

  listDevices(accountId: string): Promise<DeviceRecord[]>
  addDevice(device: DeviceRecord): Promise<void>
  removeDevice(peerId: string): Promise<void>
  touchDevice(peerId: string, at: number): Promise<void>

  /** Stores a one-time code (by digest) that links a device to the account until it expires. */
  putLinkCode(digest: Uint8Array, accountId: string, expiresAt: number): Promise<void>
  /** Returns the account the code belongs to and deletes the code; undefined if unknown or expired. */
  takeLinkCode(digest: Uint8Array, now: number): Promise<string | undefined>

  /** Replaces the account's discovery identifiers (salted hashes of its email and phone). */
  setIdentifiers(accountId: string, hashes: Uint8Array[]): Promise<void>
  /** Which of these hashes belong to accounts that have not restricted processing. */
  findIdentifiers(hashes: Uint8Array[]): Promise<Array<{ hash: Uint8Array, username: string }>>

  logAccess(record: AccessRecord): Promise<void>
  listAccess(peerIds: string[]): Promise<AccessRecord[]>
  /** Deletes access records older than `before`; returns how many. */
  purgeAccessBefore(before: number): Promise<number>

  getSetting(key: string): Promise<Uint8Array | undefined>
  /** Stores a node-wide setting unless it is set already: the first writer wins, across instances. */
  setSetting(key: string, value: Uint8Array): Promise<void>
  close(): Promise<void>
}
