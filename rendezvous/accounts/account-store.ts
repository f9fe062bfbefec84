// Storage of accounts, devices, one-time codes, verified discovery identifiers and access logs. Adapters
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
  /** How long waiting mail for the account's devices is kept, if the owner chose less than the plan's. */
  mailRetentionMs?: number
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

export type IdentifierKind = 'email' | 'phone'

/** What a one-time code is for; an account has at most one pending code per purpose. */
export type CodePurpose = 'link' | 'verify:email' | 'verify:phone'

export interface OneTimeCodeRecord {
  accountId: string
  purpose: CodePurpose
  /** Digest of the code (one-time-code.ts); the code itself is never stored. */
  digest: Uint8Array
  /** Verification: the discovery hash of the identifier the code was sent to. */
  target?: Uint8Array
  expiresAt: number
  /** Wrong guesses left before the code is deleted. */
  attempts: number
}

/** The outcome of one guess at an account's pending code. */
export type CodeAttempt =
  | { outcome: 'accepted', target?: Uint8Array }
  | { outcome: 'wrong', attemptsLeft: number }
  | { outcome: 'expired' }
  | { outcome: 'none' }

export interface VerifiedIdentifier {
  kind: IdentifierKind
  /** Salted discovery hash (protocol/account/identifiers.ts). */
  hash: Uint8Array
  verifiedAt: number
}

export type AccountPatch = Partial<Pick<AccountRecord, 'email' | 'phone' | 'displayName' | 'avatar' | 'bio' | 'restricted' | 'marketingOptOut' | 'policyVersionAccepted' | 'mailRetentionMs'>>

/** What `babacloud admin block` refuses: one PeerId, or every address in a CIDR prefix. */
export type BlockKind = 'peer' | 'prefix'

export interface BlockRecord {
  kind: BlockKind
  /** A PeerId, or a prefix in canonical CIDR form (`203.0.113.0/24`, `2001:db8::/32`). */
  value: string
  /** The operator's own note; never shown to the blocked peer. */
  reason?: string
  blockedAt: number
}

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

  /** Stores a one-time code, replacing the account's pending one for the same purpose. */
  putCode(code: OneTimeCodeRecord): Promise<void>
  /**
   * One guess, atomically (several instances may share the store): a matching digest takes the code
   * (single use), a wrong one uses up an attempt and the last attempt deletes it; an expired code is
   * deleted and reported as such.
   */
  tryCode(accountId: string, purpose: CodePurpose, digest: Uint8Array, now: number): Promise<CodeAttempt>
  deleteCode(accountId: string, purpose: CodePurpose): Promise<void>
  /** Deletes codes that expired at or before `now`; returns how many. */
  purgeCodes(now: number): Promise<number>

  /**
   * Makes `hash` the account's discoverable identifier of `kind`, replacing its earlier one. The
   * newest proof of control wins: another account that had verified the same hash loses it.
   */
  setVerifiedIdentifier(accountId: string, kind: IdentifierKind, hash: Uint8Array, at: number): Promise<void>
  dropVerifiedIdentifier(accountId: string, kind: IdentifierKind): Promise<void>
  listVerifiedIdentifiers(accountId: string): Promise<VerifiedIdentifier[]>
  /** Which of these hashes are verified identifiers of accounts that have not restricted processing. */
  findIdentifiers(hashes: Uint8Array[]): Promise<Array<{ hash: Uint8Array, username: string }>>

  logAccess(record: AccessRecord): Promise<void>
  listAccess(peerIds: string[]): Promise<AccessRecord[]>
  /** Deletes access records older than `before`; returns how many. */
  purgeAccessBefore(before: number): Promise<number>

  getSetting(key: string): Promise<Uint8Array | undefined>
  /** Stores a node-wide setting unless it is set already: the first writer wins, across instances. */
  setSetting(key: string, value: Uint8Array): Promise<void>
  /** Devices linked to any account (operator stats). */
  countDevices(): Promise<number>
  /** Operator blocks, oldest first; a running node re-reads them (rendezvous/limits/blocklist.ts). */
  listBlocks(): Promise<BlockRecord[]>
  /** False when the same block was there already (its reason is then left as it was). */
  addBlock(block: BlockRecord): Promise<boolean>
  /** False when there was no such block. */
  removeBlock(kind: BlockKind, value: string): Promise<boolean>
  close(): Promise<void>
}
