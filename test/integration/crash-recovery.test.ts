// A rendezvous killed with SIGKILL right after acking a deposit still delivers the message after
// restarting on the same data directory: the ack means the envelope was committed.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { startRendezvousProcess } from '../helpers/cli.ts'
import { createPeer } from '../helpers/network.ts'
import { Cleanup, tempDir, waitFor } from '../helpers/wait.ts'

describe('rendezvous crash recovery', { timeout: 120_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('delivers an acked deposit after the node is SIGKILLed and restarted', async () => {
    const data = tempDir('babacloud-crash-')
    cleanup.add(data.remove)
    const first = await startRendezvousProcess(cleanup, ['--data', data.dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off'])
    const addr = multiaddr(first.info.multiaddrs[0])

    const alice = await createPeer(cleanup, addr)
    const bob = await createPeer(cleanup, addr)
    await alice.client.start()
    const sent = await Promise.all(['before the crash', 'also acked'].map(async t => await alice.client.send(bob.node.peerId, t)))
    expect(sent.map(s => s.status)).toEqual(['stored', 'stored'])
    first.child.kill('SIGKILL')
    await first.exited
    await alice.client.stop()

    // Same identity and port, so peers' saved address keeps working.
    const second = await startRendezvousProcess(cleanup, ['--data', data.dir, '--listen', addr.decapsulate('/p2p').toString(), '--http', 'off'])
    expect(second.info.peerId).toBe(first.info.peerId)
    await bob.client.start()
    await waitFor(() => bob.received.length === 2, { what: 'both messages after restart' })
    expect(bob.received.map(m => m.text).sort()).toEqual(['also acked', 'before the crash'])
  })
  it('shuts down cleanly on SIGTERM and keeps what was stored', async () => {
    const data = tempDir('babacloud-term-')
    cleanup.add(data.remove)
    const first = await startRendezvousProcess(cleanup, ['--data', data.dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off'])
    // The ready line and rendezvous.json say the same thing.
    expect(JSON.parse(readFileSync(join(data.dir, 'rendezvous.json'), 'utf8'))).toEqual(first.info)
    const addr = multiaddr(first.info.multiaddrs[0])
    const alice = await createPeer(cleanup, addr)
    const bob = await createPeer(cleanup, addr)
    await alice.client.start()
    expect((await alice.client.send(bob.node.peerId, 'kept')).status).toBe('stored')
    await alice.client.stop()
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)

    await startRendezvousProcess(cleanup, ['--data', data.dir, '--listen', addr.decapsulate('/p2p').toString(), '--http', 'off'])
    await bob.client.start()
    await waitFor(() => bob.received.length === 1, { what: 'the stored message' })
    expect(bob.received[0].text).toBe('kept')
  })
})
