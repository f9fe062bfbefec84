// Weeks of a node's and a client's life on a stepped VirtualClock, with no real waiting: retention
// expiry with its notice, the 90-day log purge and the outbox's backoff all follow the clock they
// were given, not real time.
import { createServer } from 'node:net'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { ChatClient } from '../../protocol/chat-client.ts'
import { VirtualClock, systemClock } from '../../protocol/clock.ts'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { RETRY_MAX_MS, RETRY_MIN_MS } from '../../protocol/messages/outbox.ts'
import { createChatNode } from '../../protocol/mesh/create-node.ts'
import { MemoryChatStore } from '../../protocol/store/memory-chat-store.ts'
import { resolveConfig } from '../../rendezvous/config.ts'
import { RendezvousNode } from '../../rendezvous/rendezvous-node.ts'
import { createPeer } from '../helpers/network.ts'
import { Cleanup, tempDir, waitFor } from '../helpers/wait.ts'
import type { Clock } from '../../protocol/clock.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

const ADULT = '1990-05-17'
const HOUR = 3_600_000
const DAY = 24 * HOUR

const cleanup = new Cleanup()
afterEach(async () => { await cleanup.run() })

/** Timers that fire every few seconds would make a stepped week slow; an hour is enough here. */
const QUIET = { sweepInterval: '1h', logPurgeInterval: '1d', blocklistRefreshInterval: '1h' }

async function startNode (clock: Clock, raw: Record<string, unknown>, dataDir?: string): Promise<{ node: RendezvousNode, addr: Multiaddr, dataDir: string }> {
  let dir = dataDir
  if (dir == null) {
    const tmp = tempDir('babacloud-rv-clock-')
    cleanup.add(tmp.remove)
    dir = tmp.dir
  }
  const node = new RendezvousNode({ dataDir: dir, config: resolveConfig({ listen: ['/ip4/127.0.0.1/tcp/0'], http: false, ...QUIET, ...raw }), clock })
  const info = await node.start()
  cleanup.add(async () => { await node.stop() })
  return { node, addr: multiaddr(info.multiaddrs[0]), dataDir: dir }
}

async function startClient (clock: Clock, rendezvous: Multiaddr): Promise<{ client: ChatClient, store: MemoryChatStore }> {
  const identity = await DeviceIdentity.generate()
  const node = await createChatNode({ privateKey: identity.privateKey, transports: [tcp()], listen: ['/p2p-circuit'], privateNetwork: true })
  const store = new MemoryChatStore()
  // Short network timeouts: every try at an absent recipient ends quickly (those stay real time).
  const client = new ChatClient({ node, identity, store, rendezvous, clock, liveTimeoutMs: 300, timeoutMs: 3_000 })
  cleanup.add(async () => {
    await client.stop()
    await node.stop()
  })
  await client.start()
  return { client, store }
}

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
  const address = server.address()
  await new Promise<void>(resolve => { server.close(() => { resolve() }) })
  if (address == null || typeof address === 'string') throw new Error('not listening')
  return address.port
}

describe('virtual time', () => {
  it('sweeps mail past its retention and tells the sender when the clock passes it, with no real waiting', async () => {
    const clock = new VirtualClock({ step: true })
    const rv = await startNode(clock, { mailbox: { retention: '7d' } })
    const alice = await startClient(clock, rv.addr)
    const bob = (await DeviceIdentity.generate()).peerId
    const sent = await alice.client.send(bob, 'are you back yet?')
    expect(sent.status).toBe('stored')
    const started = Date.now()

    // An hour short of the retention: six days and 23 sweeps later, it still waits.
    await clock.advance(7 * DAY - HOUR)
    expect(await rv.node.store.usage(bob.toString(), clock.now())).toMatchObject({ count: 1 })
    expect((await alice.store.getMessage(sent.id))?.purged).toBeUndefined()

    // Past it and one more sweep: deleted unread, and the node's signed notice (batched for a
    // second of the node's clock) reaches the sender.
    await clock.advance(2 * HOUR)
    const expired = await waitFor(async () => {
      await clock.advance(1_000)
      const m = await alice.store.getMessage(sent.id)
      return m?.purged != null ? m : undefined
    }, { what: 'the expiry notice' })
    expect(expired.purged).toEqual([expect.objectContaining({ device: bob.toString(), reason: 'expired' })])
    expect((await rv.node.store.stats()).envelopes).toBe(0)
    // A week of node time took seconds.
    expect(Date.now() - started).toBeLessThan(60_000)
  })

  it('at 1000× speed, an hour of retention passes in seconds and the sender hears of the expiry', async () => {
    const clock = new VirtualClock({ speed: 1000 })
    // The default sweeps (every minute) and receipt batching (a second) become 60 ms and 1 ms.
    const rv = await startNode(clock, { mailbox: { retention: '1h' }, sweepInterval: '1m', blocklistRefreshInterval: '1m' })
    const alice = await startClient(clock, rv.addr)
    const bob = (await DeviceIdentity.generate()).peerId
    const sent = await alice.client.send(bob, 'back in an hour?')
    const started = Date.now()
    const expired = await waitFor(async () => {
      const m = await alice.store.getMessage(sent.id)
      return m?.purged != null ? m : undefined
    }, { what: 'the expiry notice', timeout: 30_000 })
    expect(expired.purged).toEqual([expect.objectContaining({ device: bob.toString(), reason: 'expired' })])
    // Not before an hour of the clock had passed: 3.6 real seconds, not a real hour.
    expect(clock.now() - expired.sentAt).toBeGreaterThanOrEqual(HOUR)
    expect(Date.now() - started).toBeGreaterThanOrEqual(HOUR / 1000 - 1_000)
  })

  it('purges log data older than 90 days when the clock passes the purge interval', async () => {
    const clock = new VirtualClock({ step: true })
    const start = clock.now()
    const rv = await startNode(clock, {})
    const hal = await createPeer(cleanup, rv.addr)
    await hal.client.start()
    await hal.client.accounts?.signUp({ username: 'hal' }, ADULT)
    const log = async (): Promise<Array<{ at: string }>> => JSON.parse(await hal.client.accounts?.export() ?? '{}').accessLog
    expect((await log()).length).toBeGreaterThan(0)

    await clock.advance(89 * DAY)
    await rv.node.accounts.recordConnection(hal.node.peerId.toString(), '198.51.100.7')
    // Day 90 (nothing is past 90 days yet) and day 91 (the first entries are).
    await clock.advance(DAY)
    expect((await log()).length).toBeGreaterThan(1)
    await clock.advance(DAY)
    await waitFor(async () => (await log()).length === 1, { what: 'the purge of old log data' })
    expect((await log())[0].at).toBe(new Date(start + 89 * DAY).toISOString())
  })

  it('retries an outbox entry when the clock passes each backoff, doubling up to the maximum, with no real sleep', async () => {
    const clock = new VirtualClock({ step: true })
    const port = await freePort()
    // The node keeps real time: only the client's backoff is under test.
    const first = await startNode(systemClock, { listen: [`/ip4/127.0.0.1/tcp/${port}`] })
    const alice = await startClient(clock, first.addr)
    const bob = (await DeviceIdentity.generate()).peerId
    expect((await alice.client.send(bob, 'before the outage')).status).toBe('stored')

    // The node goes down: the message waits in the outbox, and a flush arms the first backoff.
    await first.node.stop()
    await expect(alice.client.send(bob, 'during the outage')).rejects.toMatchObject({ name: 'UnreachableError' })
    const [entry] = await alice.store.listOutbox()
    const attempts = async (): Promise<number> => (await alice.store.listOutbox())[0]?.attempts ?? -1
    await alice.client.flushOutbox()
    expect(await attempts()).toBe(2)
    // Every timer of the client is on the clock: the armed retry is one of them.
    const armed = clock.pending

    // Step a second at a time; after each step, whatever retry fired has finished and armed the next.
    const start = clock.now()
    const tries: number[] = []
    let last = await attempts()
    for (let step = 0; tries.length < 7; step++) {
      if (step > 20 * RETRY_MAX_MS / 1000) throw new Error(`only ${tries.length} retries in ${step} s of clock time`)
      await clock.advance(1_000)
      await waitFor(() => clock.pending === armed, { what: 'the retry to finish' })
      const now = await attempts()
      if (now !== last) tries.push(clock.now() - start)
      expect(now - last).toBeLessThanOrEqual(1)
      last = now
    }
    // The waits between tries double, exactly on the clock, up to the maximum.
    const gaps = tries.map((t, i) => t - (i === 0 ? 0 : tries[i - 1])).slice(1)
    expect(gaps[0]).toBeGreaterThanOrEqual(2 * RETRY_MIN_MS)
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBe(Math.min(2 * gaps[i - 1], RETRY_MAX_MS))
    expect(gaps.slice(-2)).toEqual([RETRY_MAX_MS, RETRY_MAX_MS])

    // The node is back at the same address: the next retry stores the message.
    await startNode(systemClock, { listen: [`/ip4/127.0.0.1/tcp/${port}`] }, first.dataDir)
    await clock.advance(RETRY_MAX_MS)
    await waitFor(async () => (await alice.store.getMessage(entry.id))?.status === 'stored', { what: 'the retried deposit' })
    expect(await alice.store.listOutbox()).toEqual([])
  })
})
