/**
 * The crypto backend behind protocol/: every Ed25519, X25519, SHA-256, HMAC, HKDF and
 * XChaCha20-Poly1305 call in the messaging path goes through the provider installed here. protocol/
 * stays isomorphic: the platform installs its native backend once at startup (node:crypto in Node,
 * WebCrypto in browsers); until then, and for primitives a platform lacks, the @noble code runs.
 *
 * Two shapes, because WebCrypto is asynchronous and much of the protocol is not: the synchronous
 * `CryptoProvider` (noble, node:crypto) serves envelopes, sealed boxes and prekeys; the ratchet,
 * whose callers are already async, uses the `AsyncCryptoProvider` (any of the three).
 */
import { nobleProvider } from './noble-provider.ts'
import { toAsync } from './provider-types.ts'
import type { AsyncCryptoProvider, CryptoProvider } from './provider-types.ts'

export * from './provider-types.ts'

let installed: { sync: CryptoProvider, async: AsyncCryptoProvider } = { sync: nobleProvider, async: toAsync(nobleProvider) }

/**
 * Installs the platform's backends; call once at startup, before any key is used. `async` defaults
 * to the synchronous one in promise form.
 */
export function installCryptoProvider (providers: { sync?: CryptoProvider, async?: AsyncCryptoProvider }): void {
  const sync = providers.sync ?? installed.sync
  installed = { sync, async: providers.async ?? toAsync(sync) }
}

export function cryptoProvider (): CryptoProvider {
  return installed.sync
}

export function asyncCryptoProvider (): AsyncCryptoProvider {
  return installed.async
}

export function installedCryptoProviders (): { sync: CryptoProvider, async: AsyncCryptoProvider } {
  return installed
}
