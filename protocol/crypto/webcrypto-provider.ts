// The WebCrypto backend: Ed25519 and X25519 from `crypto.subtle` where the platform has them
// (Chromium on secure pages, Node 20); @noble for the rest. WebCrypto has no ChaCha20, and its
// HMAC/HKDF/SHA-256 cost a key import and a promise round trip that exceed @noble's whole work on
// the 32- to 100-byte inputs of the ratchet (measured: docs/performance.md, "Crypto backends").
import { isStrictEd25519PublicKey, nobleProvider } from './noble-provider.ts'
import { CryptoProviderError, checkSharedSecret, toAsync } from './provider-types.ts'
import type { AsyncCryptoProvider } from './provider-types.ts'
import { byteKey } from '../byte-key.ts'

const ED25519_PKCS8 = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20])
const X25519_PKCS8 = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20])
const PUBLIC_CACHE_SIZE = 1024

function pkcs8 (prefix: Uint8Array, secret: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(prefix.length + 32)
  out.set(prefix)
  out.set(secret, prefix.length)
  return out
}

function fromBase64Url (text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/')
  const bin = atob(b64 + '='.repeat((4 - b64.length % 4) % 4))
  return Uint8Array.from(bin, (c) => c.charCodeAt(0))
}

const copy = (b: Uint8Array): Uint8Array<ArrayBuffer> => Uint8Array.from(b)

export interface WebCryptoProviderOptions {
  subtle?: SubtleCrypto
}

/** Does this platform's WebCrypto do `name` (Ed25519 or X25519)? Some browsers lack one or both. */
async function supports (subtle: SubtleCrypto, name: 'Ed25519' | 'X25519'): Promise<boolean> {
  try {
    const usages: KeyUsage[] = name === 'Ed25519' ? ['sign', 'verify'] : ['deriveBits']
    await subtle.generateKey({ name }, false, usages)
    return true
  } catch {
    return false
  }
}

/**
 * Probes the platform once and returns a provider that uses WebCrypto for each primitive it has
 * and @noble for the others; `name` says which ("webcrypto" or "webcrypto+noble-ed25519" …).
 */
export async function createWebCryptoProvider (options: WebCryptoProviderOptions = {}): Promise<AsyncCryptoProvider> {
  const subtle = options.subtle ?? globalThis.crypto?.subtle
  const noble = toAsync(nobleProvider)
  if (subtle === undefined) return { ...noble, name: 'noble (no WebCrypto)' }
  const [ed, x] = await Promise.all([supports(subtle, 'Ed25519'), supports(subtle, 'X25519')])

  // CryptoKeys of secrets live exactly as long as their byte arrays (a WeakMap): caching never
  // keeps a deleted ratchet key alive. Public keys are cached by value, bounded.
  const privateKeys = { Ed25519: new WeakMap<Uint8Array, Promise<CryptoKey>>(), X25519: new WeakMap<Uint8Array, Promise<CryptoKey>>() }
  const publicKeys = new Map<string, Promise<CryptoKey>>()

  const privateKey = (name: 'Ed25519' | 'X25519', secret: Uint8Array): Promise<CryptoKey> => {
    let key = privateKeys[name].get(secret)
    if (key === undefined) {
      if (secret.length !== 32) return Promise.reject(new CryptoProviderError(`${name} secret key must be 32 bytes`))
      // Extractable, so the public half can be read from it (as a JWK).
      key = subtle.importKey('pkcs8', pkcs8(name === 'Ed25519' ? ED25519_PKCS8 : X25519_PKCS8, secret), { name }, true,
        name === 'Ed25519' ? ['sign'] : ['deriveBits'])
      privateKeys[name].set(secret, key)
      key.catch(() => privateKeys[name].delete(secret))
    }
    return key
  }
  const publicKey = (name: 'Ed25519' | 'X25519', raw: Uint8Array): Promise<CryptoKey> => {
    const id = name + byteKey(raw)
    let key = publicKeys.get(id)
    if (key === undefined) {
      key = subtle.importKey('raw', copy(raw), { name }, true, name === 'Ed25519' ? ['verify'] : [])
      if (publicKeys.size >= PUBLIC_CACHE_SIZE) publicKeys.delete(publicKeys.keys().next().value as string)
      publicKeys.set(id, key)
      key.catch(() => publicKeys.delete(id))
    }
    return key
  }
  // Strict RFC 8032 (see isStrictEd25519PublicKey): BoringSSL accepts small-order keys.
  const strictness = new Map<string, boolean>()
  const strict = (raw: Uint8Array): boolean => {
    const id = byteKey(raw)
    let ok = strictness.get(id)
    if (ok === undefined) {
      ok = isStrictEd25519PublicKey(raw)
      if (strictness.size >= PUBLIC_CACHE_SIZE) strictness.delete(strictness.keys().next().value as string)
      strictness.set(id, ok)
    }
    return ok
  }
  const publicOf = async (key: CryptoKey): Promise<Uint8Array> => {
    const jwk = await subtle.exportKey('jwk', key)
    return fromBase64Url(jwk.x as string)
  }

  const provider: AsyncCryptoProvider = {
    ...noble,
    name: `webcrypto${ed ? '' : '+noble-ed25519'}${x ? '' : '+noble-x25519'}`
  }
  if (ed) {
    provider.ed25519PublicKey = async (seed) => await publicOf(await privateKey('Ed25519', seed))
    provider.ed25519Sign = async (seed, message) =>
      new Uint8Array(await subtle.sign('Ed25519', await privateKey('Ed25519', seed), copy(message)))
    provider.ed25519Verify = async (key, message, signature) => {
      if (key.length !== 32 || signature.length !== 64) return false
      if (!strict(key)) return false
      try {
        return await subtle.verify('Ed25519', await publicKey('Ed25519', key), copy(signature), copy(message))
      } catch {
        return false
      }
    }
  }
  if (x) {
    provider.x25519KeyPair = async () => {
      const pair = await subtle.generateKey({ name: 'X25519' }, true, ['deriveBits']) as CryptoKeyPair
      const jwk = await subtle.exportKey('jwk', pair.privateKey)
      const secretKey = fromBase64Url(jwk.d as string)
      privateKeys.X25519.set(secretKey, Promise.resolve(pair.privateKey))
      return { secretKey, publicKey: fromBase64Url(jwk.x as string) }
    }
    provider.x25519PublicKey = async (secretKey) => await publicOf(await privateKey('X25519', secretKey))
    provider.x25519 = async (secretKey, key) => {
      if (key.length !== 32) throw new CryptoProviderError('X25519 public key must be 32 bytes')
      let shared: ArrayBuffer
      try {
        shared = await subtle.deriveBits({ name: 'X25519', public: await publicKey('X25519', key) }, await privateKey('X25519', secretKey), 256)
      } catch (err) {
        throw new CryptoProviderError('X25519 with an invalid key', { cause: err })
      }
      return checkSharedSecret(new Uint8Array(shared))
    }
  }
  return provider
}
