// Redundant mailboxes from the shell: Bob is homed on two nodes with a repeated --rendezvous, Alice
// sends with --redundancy 2, and Bob's first node dies for good (killed, data deleted). Bob's next
// plain `inbox` (his homes remembered) still gets the message, once.
import { rmSync } from 'node:fs'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { homeKey, openHomeRecord } from '../../protocol/federation/home.ts'
import { parsePeerId } from '../../protocol/identity.ts'
import { runCli, startRendezvousProcess } from '../helpers/cli.ts'
import { createPeer } from '../helpers/network.ts'
import { Cleanup, tempDir, waitFor } from '../helpers/wait.ts'
import type { TestPeer } from '../helpers/network.ts'

/** True once `asker` finds a valid home record of `recipient` naming both `homes`. */
async function findsHomes (asker: TestPeer, recipient: string, homes: string[]): Promise<boolean> {
  const peer = parsePeerId(recipient)
  try {
    for await (const e of asker.node.services.dht.get(homeKey(peer), { signal: AbortSignal.timeout(3_000) })) {
      if (e.name !== 'VALUE') continue
      const named = openHomeRecord(peer, e.value, Date.now()).homes.map(h => h.peer.toString())
      if (homes.every(h => named.includes(h))) return true
    }
  } catch {}
  return false
}

describe('babacloud with several homes', { timeout: 180_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  const lines = (stdout: string): Array<Record<string, unknown>> => stdout.trim() === '' ? [] : stdout.trim().split('\n').map(l => JSON.parse(l))

  it('keeps a message sent with --redundancy 2 when one of the recipient\'s homes dies for good', async () => {
    const tmp = tempDir('babacloud-homes-')
    cleanup.add(tmp.remove)
    const dir = tmp.dir
    const a = await startRendezvousProcess(cleanup, ['--data', `${dir}/a`, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off'])
    const b = await startRendezvousProcess(cleanup, ['--data', `${dir}/b`, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off', '--bootstrap', a.info.multiaddrs[0]])
    const A = a.info.multiaddrs[0]
    const B = b.info.multiaddrs[0]
    const alice = JSON.parse((await runCli(['init', '--home', `${dir}/alice`, '--json'])).stdout).peerId as string
    const bob = JSON.parse((await runCli(['init', '--home', `${dir}/bob`, '--json'])).stdout).peerId as string

    // Bob opens his inbox once on both homes: his home record names them both.
    const first = await runCli(['inbox', '--home', `${dir}/bob`, '--rendezvous', A, '--rendezvous', B, '--wait', '3', '--json'])
    expect(first.code).toBe(0)
    const watcher = await createPeer(cleanup, multiaddr(B))
    await watcher.client.start({ mode: 'connect' })
    await waitFor(async () => await findsHomes(watcher, bob, [a.info.peerId, b.info.peerId]), { timeout: 30_000, what: "bob's home record naming both nodes" })

    const sent = await runCli(['send', '--home', `${dir}/alice`, '--rendezvous', A, '--redundancy', '2', '--to', bob, '--json', 'kept twice'])
    expect(sent.code).toBe(0)
    expect(JSON.parse(sent.stdout)).toMatchObject({ status: 'stored' })

    // Node A is gone for good: killed, its data deleted.
    a.child.kill('SIGKILL')
    await a.exited
    rmSync(`${dir}/a`, { recursive: true, force: true })

    const inbox = await runCli(['inbox', '--home', `${dir}/bob`, '--json'])
    expect(inbox.code).toBe(0)
    expect(lines(inbox.stdout)).toMatchObject([{ from: alice, text: 'kept twice' }])
    const again = await runCli(['inbox', '--home', `${dir}/bob`, '--json'])
    expect(again.code).toBe(0)
    expect(lines(again.stdout)).toEqual([])
  })

  it('refuses a redundancy outside 1 to 8 in one line', async () => {
    const tmp = tempDir('babacloud-homes-')
    cleanup.add(tmp.remove)
    await runCli(['init', '--home', `${tmp.dir}/alice`])
    const res = await runCli(['send', '--home', `${tmp.dir}/alice`, '--rendezvous', '/ip4/127.0.0.1/tcp/1/p2p/12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', '--redundancy', '0', '--to', '12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf', 'hi'])
    expect(res.code).not.toBe(0)
    expect(res.stderr.trim()).toBe('babacloud: --redundancy: expected an integer from 1 to 8, got 0')
  })
})
