// Sybil attacks on the abuse limits: PeerIds cost nothing, so one host making a fresh PeerId per
// request (and a fresh account per PeerId) walks past any limit keyed by PeerId alone. Guards the
// network dimension of the request limiter (rendezvous/limits/request-limiter.ts): requests are
// also counted per IPv4 /24 or IPv6 /48 (rendezvous/limits/requester.ts), on the mailbox and on the
// account protocol's RESOLVE and DISCOVER. A peer on another network keeps its own budget.
// Loopback is counted here (`limitLoopback`); 127.0.0.1 and 127.0.1.1 are different /24s.
import { tcp } from '@libp2p/tcp'
import { afterEach, describe, expect, it } from 'vitest'
import { AccountClient } from '../../protocol/account/account-client.ts'
import { createEnvelope } from '../../protocol/crypto/envelope.ts'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { MailboxClient } from '../../protocol/mailbox/mailbox-client.ts'
import { createChatNode } from '../../protocol/mesh/create-node.ts'
import { RateLimiter } from '../../rendezvous/limits/rate-limiter.ts'
import { RequestLimiter } from '../../rendezvous/limits/request-limiter.ts'
import { startRendezvous } from '../helpers/network.ts'
import { Cleanup } from '../helpers/wait.ts'
import type { TestRendezvous } from '../helpers/network.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'
import type { TCPSocketOptions } from '@libp2p/tcp'

const ADULT = '1990-01-01'
/** Another /24 on loopback: Linux routes all of 127.0.0.0/8 to lo, and a socket may bind any of it. */
const OTHER_NETWORK = '127.0.1.1'

interface Device { identity: DeviceIdentity, node: ChatNode }

/** A bare libp2p peer that dials from `from` (default 127.0.0.1): a new PeerId, nothing else. */
async function device (cleanup: Cleanup, from?: string): Promise<Device> {
  const identity = await DeviceIdentity.generate()
  // `localAddress` is passed through to net.connect; the type lists only a subset of its options.
  const dialOpts = (from == null ? {} : { localAddress: from }) as TCPSocketOptions
  const node = await createChatNode({ privateKey: identity.privateKey, transports: [tcp({ dialOpts })], privateNetwork: true })
  cleanup.add(async () => { await node.stop() })
  return { identity, node }
}

async function codeOf (p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'ok'
  } catch (err) {
    return (err as { code?: string }).code ?? (err as Error).message
  }
}

async function limitHits (rv: TestRendezvous, limit: string): Promise<number> {
  const m = new RegExp(`babacloud_limit_hits_total\\{limit="${limit}"\\} (\\d+)`).exec(await rv.node.metricsText())
  return Number(m?.[1] ?? 0)
}

describe('sybil attacks on the rate limits', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  const SYBILS = 10

  it('counts the mailbox requests of fresh PeerIds from one network together', async () => {
    // Per peer: a burst of 60, far above what any one sybil sends. Per network: a burst of 1.
    const rv = await startRendezvous(cleanup, { limits: { limitLoopback: true, connectionRatePerIp: 100, requestsPerMinute: 600, requestsPerMinutePerNetwork: 6 } })
    const victim = await device(cleanup, OTHER_NETWORK)
    const outcomes: string[] = []
    for (let i = 0; i < SYBILS; i++) {
      const sybil = await device(cleanup)
      outcomes.push(await codeOf(new MailboxClient(sybil.node, rv.addr).deposit(createEnvelope(sybil.identity, victim.node.peerId, { text: `spam ${i}` }))))
    }
    // One token, refilled at one per 10 s: whatever the machine's speed, most sybils are refused.
    expect(outcomes.filter(o => o === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(SYBILS / 2)
    expect(outcomes.every(o => o === 'ok' || o === 'RATE_LIMITED')).toBe(true)
    expect((await rv.node.store.usage(victim.node.peerId.toString())).count).toBeLessThanOrEqual(SYBILS / 2)
    expect(await limitHits(rv, 'mailbox_requests_per_minute_per_network')).toBeGreaterThanOrEqual(SYBILS / 2)
    expect(await limitHits(rv, 'mailbox_requests_per_minute')).toBe(0)
    // Someone on another network is unaffected.
    const honest = await device(cleanup, OTHER_NETWORK)
    await new MailboxClient(honest.node, rv.addr).deposit(createEnvelope(honest.identity, victim.node.peerId, { text: 'hello' }))
  })

  it('counts the RESOLVE and DISCOVER lookups of fresh accounts from one network together', async () => {
    const rv = await startRendezvous(cleanup, { limits: { limitLoopback: true, connectionRatePerIp: 100, signUpsPerMinutePerNetwork: 100, resolvesPerMinutePerNetwork: 4, discoveriesPerMinutePerNetwork: 4 } })
    const victim = await device(cleanup, OTHER_NETWORK)
    const victimAccounts = new AccountClient(victim.node, rv.addr)
    await victimAccounts.signUp({ username: 'victim', email: 'victim@example.org' }, ADULT)
    // Each sybil has its own PeerId and its own account: neither key is shared, only the network.
    const sybils: AccountClient[] = []
    for (let i = 0; i < SYBILS; i++) {
      const accounts = new AccountClient((await device(cleanup)).node, rv.addr)
      await accounts.signUp({ username: `sybil_${i}` }, ADULT)
      sybils.push(accounts)
    }
    const resolves: string[] = []
    for (const s of sybils) resolves.push(await codeOf(s.resolve('@victim')))
    const discovers: string[] = []
    for (const s of sybils) discovers.push(await codeOf(s.discover([{ kind: 'email', value: 'victim@example.org' }])))
    // Four of each a minute for the whole network; each sybil stayed well within its own budget.
    expect(resolves.filter(o => o === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(SYBILS / 2)
    expect(discovers.filter(o => o === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(SYBILS / 2)
    for (const kind of ['resolves', 'discoveries']) {
      expect(await limitHits(rv, `${kind}_per_minute_per_network`), kind).toBeGreaterThanOrEqual(SYBILS / 2)
      expect(await limitHits(rv, `${kind}_per_minute`), kind).toBe(0)
      expect(await limitHits(rv, `${kind}_per_minute_per_account`), kind).toBe(0)
    }
    // The victim's own network still has its budget.
    expect(await victimAccounts.resolve('@victim')).toEqual([victim.node.peerId.toString()])
    expect(Array.isArray(await victimAccounts.discover([{ kind: 'email', value: 'victim@example.org' }]))).toBe(true)
  })
})

describe('the request limiter', () => {
  it('takes from every key or from none', () => {
    const clock = { now: 0 }
    const limiter = new RequestLimiter('test', { peer: { perMinute: 60, burst: 2 }, network: { perMinute: 60, burst: 3 }, account: { perMinute: 60, burst: 10 } }, { now: () => clock.now })
    expect(limiter.take({ peer: 'a', network: 'n', account: 'x' })).toBeUndefined()
    expect(limiter.take({ peer: 'a', network: 'n', account: 'x' })).toBeUndefined()
    expect(limiter.take({ peer: 'a', network: 'n', account: 'x' })).toBe('peer')
    // The refusal above cost the network nothing: it still has one token for another peer.
    expect(limiter.take({ peer: 'b', network: 'n' })).toBeUndefined()
    expect(limiter.take({ peer: 'c', network: 'n' })).toBe('network')
    // Without a network (uncounted loopback) only the peer and account keys apply.
    expect(limiter.take({ peer: 'c', account: 'x' })).toBeUndefined()
    expect(() => { limiter.admit({ peer: 'd', network: 'n' }, 'lookups') }).toThrow(/too many lookups from your network/)
    clock.now += 1000
    expect(limiter.take({ peer: 'd', network: 'n' })).toBeUndefined()
  })

  it('shares an account\'s budget between its devices', () => {
    const limiter = new RequestLimiter('test', { peer: { perMinute: 60, burst: 5 }, account: { perMinute: 1, burst: 2 } }, { now: () => 0 })
    expect(limiter.take({ peer: 'phone', account: 'x' })).toBeUndefined()
    expect(limiter.take({ peer: 'laptop', account: 'x' })).toBeUndefined()
    expect(limiter.take({ peer: 'tablet', account: 'x' })).toBe('account')
    expect(limiter.take({ peer: 'tablet', account: 'y' })).toBeUndefined()
  })

  it('keeps the single-key RateLimiter API', () => {
    const clock = { now: 0 }
    const rate = new RateLimiter({ perMinute: 6, burst: 1 }, { now: () => clock.now })
    expect(rate.take('k')).toBe(true)
    expect(rate.take('k')).toBe(false)
    expect(rate.retryAfterMs('k')).toBe(10_000)
    clock.now += 10_000
    expect(rate.take('k')).toBe(true)
    expect(new RateLimiter({ perMinute: Number.POSITIVE_INFINITY, burst: Number.POSITIVE_INFINITY }).take('k')).toBe(true)
  })
})
