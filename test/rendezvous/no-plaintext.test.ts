// The node stores ciphertext only: after deposits, no file in its data directory (database, WAL,
// shared memory, anything else) contains the message texts.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup } from '../helpers/wait.ts'

function filesUnder (dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

describe('rendezvous storage', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

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
