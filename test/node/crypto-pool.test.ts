// The envelope crypto pool on real worker threads: every verdict and every opened payload is what
// verifyEnvelope and openEnvelope give on the main thread, in the page's order, for good, forged,
// tampered and misaddressed envelopes alike.
import { afterEach, describe, expect, it } from 'vitest'
import { WorkerCryptoPool, platformCryptoPool } from '../../node/crypto-pool.ts'
import { checkEnvelopes } from '../../protocol/crypto/envelope-batch.ts'
import { createEnvelope, createRatchetEnvelope, openEnvelope, prepareEnvelope, verifyEnvelope } from '../../protocol/crypto/envelope.ts'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { Envelope } from '../../protocol/wire/generated/messages.ts'

/** What the main thread makes of `env`: its header id and payload text, or the error's name and code. */
function onMainThread (bob: DeviceIdentity, env: Envelope): unknown {
  try {
    const header = verifyEnvelope(env)
    if (env.scheme !== Envelope.Scheme.SEALED) return { id: header.id }
    try {
      return { id: header.id, text: openEnvelope(bob, env).text }
    } catch (err) {
      return { id: header.id, open: (err as Error).name }
    }
  } catch (err) {
    return { error: (err as Error).name, code: (err as { code?: string }).code }
  }
}

describe('WorkerCryptoPool', { timeout: 60_000 }, () => {
  const pools: WorkerCryptoPool[] = []
  afterEach(async () => { await Promise.all(pools.splice(0).map(async p => { await p.close() })) })

  it('checks a page as the main thread does, in order', async () => {
    const [alice, bob, carol] = await Promise.all([DeviceIdentity.generate(), DeviceIdentity.generate(), DeviceIdentity.generate()])
    const page: Envelope[] = []
    for (let i = 0; i < 60; i++) page.push(createEnvelope(alice, bob.peerId, { text: `m${i}` }))
    const forged = createEnvelope(alice, bob.peerId, { text: 'forged' })
    forged.signature[5] ^= 1
    const tampered = createEnvelope(alice, bob.peerId, { text: 'tampered' })
    tampered.ciphertext[tampered.ciphertext.length - 1] ^= 1
    // Signed again by its sender: only the sealed box is wrong.
    tampered.signature = Uint8Array.from(alice.sign(prepareEnvelope(tampered).signed))
    const ratchet = createRatchetEnvelope(alice, bob.peerId, new Uint8Array(40).fill(3))
    page.splice(7, 0, forged, createEnvelope(alice, carol.peerId, { text: 'for carol' }), tampered, ratchet)
    const pool = new WorkerCryptoPool(2)
    pools.push(pool)

    const checked = await checkEnvelopes(pool, bob, page)
    const viaPool = checked.map((c, i) => {
      if (c.header instanceof Error) return { error: c.header.name, code: (c.header as { code?: string }).code }
      if (page[i].scheme !== Envelope.Scheme.SEALED) return { id: c.header.id }
      if (c.payload !== undefined) return { id: c.header.id, text: c.payload.text }
      // Not opened in the pool: delivery opens it, and refuses it as the main thread does.
      return { id: c.header.id, open: (() => { try { openEnvelope(bob, page[i]); return 'opened' } catch (err) { return (err as Error).name } })() }
    })
    expect(viaPool).toEqual(page.map(env => onMainThread(bob, env)))
    expect(viaPool[7]).toMatchObject({ code: 'BAD_SIGNATURE' })
    expect(viaPool[9]).toMatchObject({ open: 'IntegrityError' })
    expect(checked.filter(c => c.payload !== undefined)).toHaveLength(60)
  })

  it('starts its workers again when used after close', async () => {
    const [alice, bob] = await Promise.all([DeviceIdentity.generate(), DeviceIdentity.generate()])
    const pool = new WorkerCryptoPool(1)
    pools.push(pool)
    await pool.start()
    const envs = Array.from({ length: 40 }, (_, i) => createEnvelope(alice, bob.peerId, { text: `m${i}` }))
    await pool.close()
    const checked = await checkEnvelopes(pool, bob, envs)
    expect(checked.map(c => c.payload?.text)).toEqual(envs.map((_, i) => `m${i}`))
  })

  it('is what a Node client drains with from two cores on', async () => {
    expect(platformCryptoPool(1)).toBeUndefined()
    const pool = platformCryptoPool(2)
    expect(pool).toBeInstanceOf(WorkerCryptoPool)
    if (pool != null) pools.push(pool)
  })
})
