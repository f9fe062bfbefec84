// The backends interoperate: what one seals, signs or ratchets, every other opens, verifies and
// answers. A peer on node:crypto talks to a browser on WebCrypto and to an old client on @noble.
import { beforeAll, describe, expect, it } from 'vitest'
import { createEnvelope, openEnvelope, verifyEnvelope } from '../../../protocol/crypto/envelope.ts'
import { installCryptoProvider, installedCryptoProviders } from '../../../protocol/crypto/provider.ts'
import type { CryptoProvider } from '../../../protocol/crypto/provider.ts'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { BACKENDS, backend } from './backends.ts'
import type { Backend, BackendName } from './backends.ts'
import { hex, text } from './helpers.ts'
import { Pair } from './ratchet/fixtures.ts'

const pairs = BACKENDS.flatMap((a) => BACKENDS.map((b) => [a, b] as [BackendName, BackendName]))
const backends = new Map<BackendName, Backend>()

beforeAll(async () => {
  for (const name of BACKENDS) backends.set(name, await backend(name))
})

/** Runs `fn` with `sync` installed, as a process on that backend would. */
function on<T> (sync: CryptoProvider, fn: () => T): T {
  const previous = installedCryptoProviders()
  installCryptoProvider({ sync })
  try {
    return fn()
  } finally {
    installCryptoProvider(previous)
  }
}

describe.each(pairs)('%s → %s', (from, to) => {
  const a = (): Backend => backends.get(from)!
  const b = (): Backend => backends.get(to)!

  it('a ratchet conversation with a DH step every message, each party on its own backend', async () => {
    const p = await Pair.create(`cross-${from}-${to}`, { alice: a().async, bob: b().async })
    for (let i = 0; i < 6; i++) {
      const [sender, receiver] = i % 2 === 0 ? ['alice', 'bob'] as const : ['bob', 'alice'] as const
      expect(await p.receive(receiver, await p.send(sender, `turn ${i}`))).toBe(`turn ${i}`)
    }
    // Out of order across a DH step still decrypts.
    const late = await p.send('alice', 'late')
    const next = await p.send('alice', 'next')
    expect(await p.receive('bob', next)).toBe('next')
    expect(await p.receive('bob', late)).toBe('late')
  })

  it('X25519 agreement: a key pair made by one, the same secret from both sides', async () => {
    const x = await a().async.x25519KeyPair()
    const y = await b().async.x25519KeyPair()
    expect(hex(await a().async.x25519(x.secretKey, y.publicKey))).toBe(hex(await b().async.x25519(y.secretKey, x.publicKey)))
    expect(hex(await b().async.x25519PublicKey(x.secretKey))).toBe(hex(x.publicKey))
  })

  it('Ed25519: signed by one, verified by the other; the same deterministic signature', async () => {
    const seed = crypto.getRandomValues(new Uint8Array(32))
    const message = text('signed across backends')
    const signature = await a().async.ed25519Sign(seed, message)
    expect(hex(await b().async.ed25519Sign(seed, message))).toBe(hex(signature))
    expect(await b().async.ed25519Verify(await a().async.ed25519PublicKey(seed), message, signature)).toBe(true)
  })

  it('a sealed-box envelope made on one opens and verifies on the other', async () => {
    const [alice, bob] = await Promise.all([DeviceIdentity.generate(), DeviceIdentity.generate()])
    const env = on(a().sync, () => createEnvelope(alice, bob.peerId, { text: `from ${from}` }))
    const opened = on(b().sync, () => {
      verifyEnvelope(env)
      return openEnvelope(bob, env)
    })
    expect(opened.text).toBe(`from ${from}`)
    // A changed signature byte is refused on the receiving backend.
    const forged = { ...env, signature: Uint8Array.from(env.signature, (v, i) => i === 0 ? v ^ 1 : v) }
    expect(() => on(b().sync, () => verifyEnvelope(forged))).toThrow(expect.objectContaining({ code: 'BAD_SIGNATURE' }))
  })
})
