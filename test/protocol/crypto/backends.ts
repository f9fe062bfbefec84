/** The crypto backends every crypto test runs against, and a hook to install one for a describe. */
import { afterAll, beforeAll } from 'vitest'
import { nobleProvider } from '../../../protocol/crypto/noble-provider.ts'
import { installCryptoProvider, installedCryptoProviders, toAsync } from '../../../protocol/crypto/provider.ts'
import type { AsyncCryptoProvider, CryptoProvider } from '../../../protocol/crypto/provider.ts'
import { createWebCryptoProvider } from '../../../protocol/crypto/webcrypto-provider.ts'
import { nodeProvider } from '../../../rendezvous/crypto/node-provider.ts'

export const BACKENDS = ['noble', 'node', 'webcrypto'] as const
export type BackendName = typeof BACKENDS[number]

export interface Backend {
  name: BackendName
  /** What the synchronous paths run on with this backend installed (WebCrypto has none: noble, as in browsers). */
  sync: CryptoProvider
  async: AsyncCryptoProvider
}

export async function backend (name: BackendName): Promise<Backend> {
  if (name === 'noble') return { name, sync: nobleProvider, async: toAsync(nobleProvider) }
  if (name === 'node') return { name, sync: nodeProvider, async: toAsync(nodeProvider) }
  const async = await createWebCryptoProvider()
  // Node 20 has Ed25519 and X25519 in WebCrypto: a fallback here would make the tests lie.
  if (async.name !== 'webcrypto') throw new Error(`WebCrypto backend fell back to noble: ${async.name}`)
  return { name, sync: nobleProvider, async }
}

/** Installs `name` for the enclosing describe and restores the previous backends after it. */
export function useBackend (name: BackendName): { current: () => Backend } {
  let previous: ReturnType<typeof installedCryptoProviders> | undefined
  let current: Backend | undefined
  beforeAll(async () => {
    previous = installedCryptoProviders()
    current = await backend(name)
    installCryptoProvider(current)
  })
  afterAll(() => { if (previous !== undefined) installCryptoProvider(previous) })
  return {
    current: () => {
      if (current === undefined) throw new Error('backend not installed yet')
      return current
    }
  }
}
