// A long mailbox drained by the installed command: the envelopes' signatures and sealed boxes are
// checked on the crypto worker bundled beside it (dist/crypto-worker.mjs), and every message shows
// once, in order. BABACLOUD_CRYPTO_WORKERS sets the worker count; a bad value is one line.
import { peerIdFromString } from '@libp2p/peer-id'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'

const MESSAGES = 40

describe('babacloud inbox on the crypto worker', { timeout: 120_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it(`drains ${MESSAGES} waiting messages through the worker, each once and in order`, async () => {
    const tmp = tempDir('babacloud-drain-workers-')
    cleanup.add(tmp.remove)
    const rv = await startRendezvous(cleanup)
    const home = join(tmp.dir, 'bob')
    const bob = JSON.parse((await runCli(['init', '--home', home, '--json'])).stdout).peerId as string
    const alice = await createPeer(cleanup, rv.addr)
    await alice.client.start()
    const texts = Array.from({ length: MESSAGES }, (_, i) => `message ${i + 1}`)
    for (const text of texts) expect((await alice.client.send(peerIdFromString(bob), text)).status).toBe('stored')

    const bad = await runCli(['inbox', '--home', home, '--rendezvous', rv.addr.toString()], { env: { BABACLOUD_CRYPTO_WORKERS: 'lots' } })
    expect(bad.code).not.toBe(0)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    expect(bad.stderr).toContain('BABACLOUD_CRYPTO_WORKERS: expected a whole number from 0 to 64')

    // The client's debug log names a page the worker could not check (it then checks it itself).
    const drained = await runCli(['inbox', '--home', home, '--rendezvous', rv.addr.toString(), '--json'], { env: { BABACLOUD_CRYPTO_WORKERS: '1', DEBUG: 'babacloud:chat-client*' } })
    expect(drained.code, drained.stderr).toBe(0)
    expect(drained.stderr).not.toContain('off the main thread failed')
    const lines = drained.stdout.trim().split('\n').map(l => JSON.parse(l) as { kind: string, from: string, text: string })
    expect(lines.filter(l => l.kind === 'message').map(l => l.text)).toEqual(texts)
    expect(new Set(lines.map(l => l.from))).toEqual(new Set([alice.node.peerId.toString()]))
    // Taken from the node: a second drain finds nothing.
    const again = await runCli(['inbox', '--home', home, '--rendezvous', rv.addr.toString(), '--json'], { env: { BABACLOUD_CRYPTO_WORKERS: '1' } })
    expect(again.stdout.trim()).toBe('')
  })
})
