// Storage of published prekeys (public halves only) on the rendezvous. Adapters implement this
// contract; SQLite is the embedded one. Handing out a one-time prekey is one atomic take, so two
// concurrent fetches never receive the same key.

/** A prekey with its Ed25519 signature by the owner's identity key (signed X25519, or ML-KEM). */
export interface SignedKey {
  id: number
  publicKey: Uint8Array
  signature: Uint8Array
}

/** An unsigned one-time X25519 prekey. */
export interface OneTimeKey {
  id: number
  publicKey: Uint8Array
}

/** One publish from a device; every signature was verified by the service before it gets here. */
export interface PrekeyUpload {
  /** Replaces the current signed prekey. */
  signedPrekey?: SignedKey
  /** Replaces the current last-resort ML-KEM prekey. */
  pqLastResort?: SignedKey
  oneTime: OneTimeKey[]
  pqOneTime: SignedKey[]
  /** Drop the one-time keys held so far (the device lost or regenerated their private halves). */
  replaceOneTime: boolean
}

export interface PrekeyCounts {
  oneTime: number
  pqOneTime: number
  /** Both the signed prekey and the last-resort ML-KEM prekey are present: a bundle can be built. */
  hasBundle: boolean
}

/** What one fetch takes out of the store: the parts of one bundle. */
export interface TakenBundle {
  signedPrekey: SignedKey
  /** A one-time ML-KEM prekey while any are left, else the last-resort one. */
  pqPrekey: SignedKey
  oneTimePrekey?: OneTimeKey
}

export interface PrekeyStoreLimits {
  /** Most one-time X25519 prekeys held per device; a publish past it is refused. */
  maxOneTime: number
  maxPqOneTime: number
}

export interface PrekeyStore {
  /** Applies an upload in one transaction; throws INVALID when it would exceed a limit. */
  publish(owner: string, upload: PrekeyUpload, limits: PrekeyStoreLimits, now: number): Promise<PrekeyCounts>
  /**
   * Builds one bundle for `owner`, atomically removing the one-time keys it hands out. With
   * `oneTime: false` only the reusable keys are used (signed + last resort) and nothing is removed.
   * Undefined when the owner has no complete bundle.
   */
  take(owner: string, options: { oneTime: boolean }): Promise<TakenBundle | undefined>
  counts(owner: string): Promise<PrekeyCounts>
  /** Removes everything the device published (account deletion, device unlinked). */
  deleteOwner(owner: string): Promise<void>
  close(): Promise<void>
}
