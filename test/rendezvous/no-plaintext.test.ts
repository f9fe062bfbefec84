// The node stores ciphertext only: after deposits, no file in its data directory (database, WAL,
// shared memory, anything else) contains the message texts.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import { isPrekeyMessage } from '../../protocol/crypto/ratchet/wire.ts'
import { Envelope } from '../../protocol/wire/generated/messages.ts'

function filesUnder (dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

describe('rendezvous storage', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  /** Every file under the data directory (databases, WAL, anything else) is free of `texts`. */
  function expectNoPlaintext (dataDir: string, texts: string[]): void {
    const files = filesUnder(dataDir)
    expect(files.some(f => f.endsWith('.sqlite-wal') || f.endsWith('.sqlite'))).toBe(true)
    for (const file of files) {
      const bytes = readFileSync(file)
      for (const text of texts) {
        expect(bytes.includes(Buffer.from(text, 'utf8')), `${text} found in ${file}`).toBe(false)
        expect(bytes.includes(Buffer.from(text, 'utf16le')), `${text} (UTF-16) found in ${file}`).toBe(false)
      }
    }
  }

  it('holds ratchet ciphertext, not sealed boxes, for a recipient with a prekey bundle', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    // Bob is online once: his prekey bundle is published, then he goes away.
    await bob.client.start()
    await bob.client.stop()
    await alice.client.start()
    const canaries = Array.from({ length: 5 }, (_, i) => `ratchet-canary-${i}-${Math.random().toString(36).slice(2)}-plaintext`)
    for (const text of canaries) expect((await alice.client.send(bob.node.peerId, text)).status).toBe('stored')
    const stored = (await rv.node.store.fetch(bob.node.peerId.toString(), 0n, 100, Date.now())).envelopes.map(e => Envelope.decode(e.bytes))
    expect(stored).toHaveLength(canaries.length)
    for (const env of stored) {
      expect(env.scheme).toBe(Envelope.Scheme.RATCHET)
      // The first messages carry the PQXDH initial message; a sealed box never parses as one.
      expect(isPrekeyMessage(env.ciphertext)).toBe(true)
    }
    expectNoPlaintext(rv.dataDir, canaries)

    await bob.client.start()
    await waitFor(() => bob.received.length === canaries.length, { what: 'the canaries at bob' })
    expect(bob.received.map(m => m.text)).toEqual(canaries)
  })

  it('never holds message plaintext', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    await alice.client.start()
    const canaries = Array.from({ length: 5 }, (_, i) => `canary-${i}-${Math.random().toString(36).slice(2)}-plaintext`)
    for (const text of canaries) expect((await alice.client.send(bob.node.peerId, text)).status).toBe('stored')
    expect(await rv.node.store.usage(bob.node.peerId.toString())).toMatchObject({ count: canaries.length })

    const files = filesUnder(rv.dataDir)
    expect(files.some(f => f.endsWith('.sqlite-wal') || f.endsWith('.sqlite'))).toBe(true)
    for (const file of files) {
      const bytes = readFileSync(file)
      for (const text of canaries) {
        expect(bytes.includes(Buffer.from(text, 'utf8')), `${text} found in ${file}`).toBe(false)
        expect(bytes.includes(Buffer.from(text, 'utf16le')), `${text} (UTF-16) found in ${file}`).toBe(false)
      }
    }
  })
})
