// `babacloud status --json` on a real rendezvous process: a message held at the node is flagged past
// the threshold; once the recipient took it, the node's purge receipt arrives, verifies against the
// rendezvous key, and status says "removed from the node" with that node and device. A message that
// waits past the node's retention is deleted unread, and the sender's status says so from the
// node's signed expiry notice.
import { writeFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli, startRendezvousProcess } from '../helpers/cli.ts'
import { Cleanup, tempDir, waitFor } from '../helpers/wait.ts'

describe('babacloud status', { timeout: 180_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('prints stored, delivered, read, the verified purge receipt and the stuck flag', async () => {
    const tmp = tempDir('babacloud-status-')
    cleanup.add(tmp.remove)
    const alice = `${tmp.dir}/alice`
    const bobHome = `${tmp.dir}/bob`
    expect((await runCli(['init', '--home', alice, '--json'])).code).toBe(0)
    const bob = JSON.parse((await runCli(['init', '--home', bobHome, '--json'])).stdout).peerId as string
    const rv = (await startRendezvousProcess(cleanup, ['--data', `${tmp.dir}/rv`, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off'])).info
    const addr = rv.multiaddrs[0]
    const sent = JSON.parse((await runCli(['send', '--home', alice, '--rendezvous', addr, '--to', bob, '--json', 'hello'])).stdout) as { id: string, status: string }
    expect(sent.status).toBe('stored')

    // Held at the node, past a zero-hour threshold: flagged, no receipt.
    const held = await runCli(['status', '--home', alice, '--message', sent.id, '--offline', '--stuck-hours', '0', '--json'])
    expect(held.code).toBe(0)
    expect(JSON.parse(held.stdout)).toMatchObject({ id: sent.id, to: bob, status: 'stored', stored: true, delivered: false, read: false, purged: [], flagged: true })

    expect((await runCli(['inbox', '--home', bobHome, '--rendezvous', addr, '--json'])).code).toBe(0)
    // The node gathers a second of acks into one receipt: status takes it once it is there.
    const state = await waitFor(async () => {
      const after = await runCli(['status', '--home', alice, '--message', sent.id, '--json'])
      expect(after.code).toBe(0)
      const s = JSON.parse(after.stdout)
      return s.purged.length > 0 ? s : undefined
    }, { timeout: 60_000, what: 'the purge receipt' })
    expect(state).toMatchObject({ id: sent.id, stored: true, flagged: false, perDevice: { delivered: true, read: true, purged: true } })
    expect(state.devices).toEqual([expect.objectContaining({ device: bob, purgedAt: state.purged[0].at })])
    expect(state.purged).toHaveLength(1)
    expect(state.purged[0]).toMatchObject({ device: bob, node: rv.peerId, verified: true })
    const text = await runCli(['status', '--home', alice, '--message', sent.id, '--offline'])
    expect(text.stdout).toContain('removed from the node at')
    expect(text.stdout).toContain('(verified')
    expect(text.stdout).toContain(`device ${bob}: `)

    // Unknown ids and received messages are errors, not an empty state.
    const unknown = await runCli(['status', '--home', alice, '--message', 'f'.repeat(32), '--offline', '--json'])
    expect(unknown.code).not.toBe(0)
    const received = await runCli(['status', '--home', bobHome, '--message', sent.id, '--offline'])
    expect(received.code).not.toBe(0)
    expect(received.stderr).toContain('received, not sent')
  })

  it('says plainly that a message expired at the node undelivered, from the node\'s signed notice', async () => {
    const tmp = tempDir('babacloud-status-expired-')
    cleanup.add(tmp.remove)
    const alice = `${tmp.dir}/alice`
    expect((await runCli(['init', '--home', alice, '--json'])).code).toBe(0)
    const bob = JSON.parse((await runCli(['init', '--home', `${tmp.dir}/bob`, '--json'])).stdout).peerId as string
    // A node that keeps mail for five seconds and sweeps every second (its notices wait days).
    writeFileSync(`${tmp.dir}/rv.yaml`, 'mailbox:\n  retention: 5s\nsweepInterval: 1s\n')
    const rv = (await startRendezvousProcess(cleanup, ['--data', `${tmp.dir}/rv`, '--config', `${tmp.dir}/rv.yaml`, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off'])).info
    const addr = rv.multiaddrs[0]
    const sent = JSON.parse((await runCli(['send', '--home', alice, '--rendezvous', addr, '--to', bob, '--json', 'see you after the holidays'])).stdout) as { id: string, status: string }
    expect(sent.status).toBe('stored')

    // `inbox --json` tells of it the run the notice arrives in, as one `expired` line.
    const line = await waitFor(async () => {
      const lines = (await runCli(['inbox', '--home', alice, '--rendezvous', addr, '--json'])).stdout.split('\n').filter(l => l !== '').map(l => JSON.parse(l))
      return lines.find(l => l.kind === 'expired')
    }, { timeout: 60_000, what: 'the expiry notice' })
    expect(line).toMatchObject({ kind: 'expired', id: sent.id, to: bob, device: bob, node: rv.peerId })
    const state = JSON.parse((await runCli(['status', '--home', alice, '--message', sent.id, '--offline', '--json'])).stdout)
    expect(state).toMatchObject({ id: sent.id, status: 'stored', delivered: false, expired: true, flagged: false })
    expect(state.purged).toEqual([expect.objectContaining({ device: bob, node: rv.peerId, reason: 'expired', verified: true })])
    const text = await runCli(['status', '--home', alice, '--message', sent.id, '--offline'])
    expect(text.stdout).toContain('expired at the node undelivered')
    expect(text.stdout).toContain(`device ${bob} never got it`)
  })
})
