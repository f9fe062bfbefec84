// The CLI's outbox and its one-shot send, run as a person would: `send` leaves what waits for
// `inbox`; with the node down `send` queues (exit 0) and the next command that connects sends it;
// a deposit whose ack was lost is retried with the same envelope and shown once.
import { afterEach, describe, expect, it } from 'vitest'
import { runCli, startRendezvousProcess } from '../helpers/cli.ts'
import { createTestPeer, startHostileNode } from '../helpers/hostile-node.ts'
import { Cleanup, tempDir, waitFor } from '../helpers/wait.ts'
import type { RendezvousProcess } from '../helpers/cli.ts'

describe('babacloud send and the outbox', { timeout: 180_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  async function people (): Promise<{ dir: string, alice: string, bob: string }> {
    const tmp = tempDir('babacloud-outbox-')
    cleanup.add(tmp.remove)
    const alice = JSON.parse((await runCli(['init', '--home', `${tmp.dir}/alice`, '--json'])).stdout).peerId as string
    const bob = JSON.parse((await runCli(['init', '--home', `${tmp.dir}/bob`, '--json'])).stdout).peerId as string
    return { dir: tmp.dir, alice, bob }
  }

  const lines = (stdout: string): Array<Record<string, unknown>> => stdout.trim() === '' ? [] : stdout.trim().split('\n').map(l => JSON.parse(l))

  it('a one-shot send leaves waiting messages for the next inbox', async () => {
    const { dir, alice, bob } = await people()
    const rv = (await startRendezvousProcess(cleanup, ['--data', `${dir}/rv`, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off'])).info.multiaddrs[0]
    const sent = JSON.parse((await runCli(['send', '--home', `${dir}/alice`, '--rendezvous', rv, '--to', bob, '--json', 'are you there?'])).stdout)
    expect(sent.status).toBe('stored')

    // Bob answers before reading his inbox.
    const reply = await runCli(['send', '--home', `${dir}/bob`, '--rendezvous', rv, '--to', alice, '--json', 'yes, replying first'])
    expect(reply.code).toBe(0)
    const inbox = await runCli(['inbox', '--home', `${dir}/bob`, '--rendezvous', rv, '--json'])
    expect(inbox.code).toBe(0)
    expect(lines(inbox.stdout)).toMatchObject([{ id: sent.id, from: alice, text: 'are you there?' }])
  })

  it('queues a message while the node is down and sends it with the next command that connects', async () => {
    const { dir, bob } = await people()
    const data = `${dir}/rv`
    let rv: RendezvousProcess = await startRendezvousProcess(cleanup, ['--data', data, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off'])
    const addr = rv.info.multiaddrs[0]
    const port = /\/tcp\/(\d+)/.exec(addr)?.[1] as string
    // Remembered on the first use.
    expect((await runCli(['send', '--home', `${dir}/alice`, '--rendezvous', addr, '--to', bob, 'before'])).code).toBe(0)

    rv.child.kill('SIGTERM')
    await rv.exited
    const down = await runCli(['send', '--home', `${dir}/alice`, '--to', bob, '--json', 'while', 'the', 'node', 'is', 'down'])
    expect(down.code).toBe(0)
    const queued = JSON.parse(down.stdout)
    expect(queued).toMatchObject({ status: 'queued' })
    expect(queued.id).toMatch(/^[0-9a-f]{32}$/)

    // The same node again, same data and port: Alice's next command sends what waited, first.
    rv = await startRendezvousProcess(cleanup, ['--data', data, '--listen', `/ip4/127.0.0.1/tcp/${port}`, '--http', 'off'])
    expect(rv.info.multiaddrs[0]).toBe(addr)
    const next = await runCli(['send', '--home', `${dir}/alice`, '--to', bob, '--json', 'after'])
    expect(next.code).toBe(0)
    expect(JSON.parse(next.stdout)).toMatchObject({ status: 'stored' })

    const inbox = await runCli(['inbox', '--home', `${dir}/bob`, '--rendezvous', addr, '--json'])
    expect(lines(inbox.stdout).map(l => [l.id === queued.id, l.text])).toEqual([[false, 'before'], [true, 'while the node is down'], [false, 'after']])
  })

  it('retries a deposit whose ack was lost with the same id: the recipient sees it once', async () => {
    const { dir } = await people()
    const hostile = await startHostileNode(cleanup, { dropDepositAcks: 1 })
    const bob = await createTestPeer(cleanup, hostile.addr)
    const first = await runCli(['send', '--home', `${dir}/alice`, '--rendezvous', hostile.addr.toString(), '--to', bob.node.peerId.toString(), '--json', 'only once'])
    expect(first.code).toBe(0)
    const queued = JSON.parse(first.stdout)
    expect(queued.status).toBe('queued')
    expect(hostile.deposits).toHaveLength(1)

    const inbox = await runCli(['inbox', '--home', `${dir}/alice`, '--rendezvous', hostile.addr.toString()])
    expect(inbox.code).toBe(0)
    expect(inbox.stderr).toContain('sent 1 message(s) from the outbox')
    expect(hostile.deposits).toHaveLength(2)
    expect(hostile.deposits[1]).toEqual(hostile.deposits[0])

    await bob.client.start()
    await waitFor(() => bob.received.length > 0, { what: 'the message at bob' })
    expect(bob.received.map(m => [m.id, m.text])).toEqual([[queued.id, 'only once']])
  })
})
