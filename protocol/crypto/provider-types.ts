// The crypto provider's shapes and the checks every backend shares; the registry is provider.ts.
export interface X25519KeyPair {
  publicKey: Uint8Array
  secretKey: Uint8Array
}

/** Raised by a provider for a low-order or malformed key, or a failed authentication. */
export class CryptoProviderError extends Error {
  override readonly name = 'CryptoProviderError'
}

export interface CryptoProvider {
  readonly name: string
  sha256: (data: Uint8Array) => Uint8Array
  hmacSha256: (key: Uint8Array, data: Uint8Array) => Uint8Array
  hkdfSha256: (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number) => Uint8Array
  /** XChaCha20-Poly1305 (24-byte nonce); output is ciphertext || 16-byte tag. */
  xchachaEncrypt: (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, associatedData?: Uint8Array) => Uint8Array
  /** Throws CryptoProviderError when authentication fails. */
  xchachaDecrypt: (key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, associatedData?: Uint8Array) => Uint8Array
  /** RFC 8032 public key of a 32-byte seed. */
  ed25519PublicKey: (seed: Uint8Array) => Uint8Array
  ed25519Sign: (seed: Uint8Array, message: Uint8Array) => Uint8Array
  /** Strict RFC 8032 verification; false (never a throw) for any bad key or signature. */
  ed25519Verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean
  /** A fresh key pair from the platform's randomness (the fast path: no secret import). */
  x25519KeyPair: () => X25519KeyPair
  x25519PublicKey: (secretKey: Uint8Array) => Uint8Array
  /** Throws CryptoProviderError for a bad key or an all-zero (low-order) result. */
  x25519: (secretKey: Uint8Array, publicKey: Uint8Array) => Uint8Array
}

type Async<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : T[K] }

export type AsyncCryptoProvider = Async<CryptoProvider>

// Which async providers are a synchronous backend in promise form: a caller with a chain of calls
// (the ratchet) runs them directly instead of paying a promise and a microtask per call. A copy
// ({ ...provider, x25519: … }, as the WebCrypto backend builds) is a different object, not listed.
const syncBackends = new WeakMap<AsyncCryptoProvider, CryptoProvider>()

/** The async shape of a synchronous backend (node:crypto, noble): no extra work, just promises. */
export function toAsync (provider: CryptoProvider): AsyncCryptoProvider {
  const out: Record<string, unknown> = { name: provider.name }
  for (const [key, value] of Object.entries(provider)) {
    if (typeof value === 'function') {
      const fn = value as (...args: unknown[]) => unknown
      out[key] = async (...args: unknown[]) => fn(...args)
    }
  }
  const asyncProvider = out as unknown as AsyncCryptoProvider
  syncBackends.set(asyncProvider, provider)
  return asyncProvider
}

/** The synchronous backend `provider` only wraps (made by toAsync), if it is one. */
export function syncBackendOf (provider: AsyncCryptoProvider): CryptoProvider | undefined {
  return syncBackends.get(provider)
}

/** Rejects the all-zero X25519 output of a low-order public key (every backend, same rule). */
export function checkSharedSecret (shared: Uint8Array): Uint8Array {
  let acc = 0
  for (const b of shared) acc |= b
  if (shared.length !== 32 || acc === 0) throw new CryptoProviderError('X25519 with a low-order public key')
  return shared
}
