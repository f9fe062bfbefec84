// DeliveryRouter on its own, over in-memory stream pairs: live first, then the mailbox; its own
// timeouts hold whatever signal the caller passes; an abort surfaces as an abort; retry rules.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createEnvelope } from '../../../protocol/crypto/envelope.ts'
import { CONNECTED_LIVE_TIMEOUT_MS, DeliveryRouter } from '../../../protocol/delivery/router.ts'
import { GONE_MS } from '../../../protocol/delivery/route.ts'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { FakeConnections, PairedMailbox, PairedRecipient } from '../../helpers/stream-parts.ts'
import type { HomeResolver } from '../../../protocol/delivery/home-resolver.ts'
import type { DeliveryRouterComponents } from '../../../protocol/delivery/router.ts'
import type { Envelope } from '../../../protocol/wire/generated/messages.ts'
import type { Logger } from '@libp2p/interface'

const log = Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false, newScope: () => log }) as unknown as Logger
const LIVE_MS = 300

describe('DeliveryRouter', () => {
  let alice: DeviceIdentity
  let bob: DeviceIdentity
  let relay: DeviceIdentity
  let envelope: Envelope
  let node: FakeConnections
  let recipient: PairedRecipient
  let mailbox: PairedMailbox
  let clock: number

  const router = (overrides: Partial<DeliveryRouterComponents> = {}): DeliveryRouter => new DeliveryRouter({
    node, dm: recipient, log, mailbox, timeoutMs: 2_000, liveTimeoutMs: LIVE_MS, circuitFallback: false, now: () => clock, ...overrides
  })

  beforeEach(async () => {
    [alice, bob, relay] = await Promise.all([DeviceIdentity.generate(), DeviceIdentity.generate(), DeviceIdentity.generate()])
    envelope = createEnvelope(alice, bob.peerId, { text: 'hi' })
    node = new FakeConnections()
    recipient = new PairedRecipient()
    mailbox = new PairedMailbox()
    clock = 1_000_000
  })
  afterEach(() => { recipient.behaviour = []; mailbox.behaviour = [] })

  it('delivers live and reports the path of the connection used', async () => {
    recipient.remoteAddr = recipient.remoteAddr.encapsulate(`/p2p/${relay.peerId.toString()}/p2p-circuit/webrtc/p2p/${bob.peerId.toString()}`)
    expect(await router().deliver(bob.peerId, envelope)).toEqual({ status: 'delivered', path: 'webrtc' })
    expect(recipient.received).toEqual([verifyId(envelope)])
    expect(mailbox.deposits).toEqual([])
  })

  it('keeps its own live timeout under a long caller signal, then falls back to the mailbox', async () => {
    recipient.behaviour = ['hang']
    const started = Date.now()
    const result = await router().deliver(bob.peerId, envelope, { signal: AbortSignal.timeout(60_000) })
    expect(result).toEqual({ status: 'stored', path: 'mailbox' })
    expect(Date.now() - started).toBeLessThan(10_000)
    expect([...mailbox.stored.keys()]).toEqual([verifyId(envelope)])
  })

  it('surfaces the caller\'s abort as an AbortError and deposits nothing', async () => {
    recipient.behaviour = ['hang']
    const abort = new AbortController()
    const sending = router({ liveTimeoutMs: 30_000 }).deliver(bob.peerId, envelope, { signal: abort.signal })
    setTimeout(() => { abort.abort() }, 50)
    await expect(sending).rejects.toMatchObject({ name: 'AbortError' })
    expect(mailbox.deposits).toEqual([])
  })

  it('bounds the deposit by its own timeout and reports an unreachable node as UnreachableError', async () => {
    recipient.behaviour = ['hang']
    mailbox.behaviour = ['hang']
    await expect(router({ timeoutMs: 300 }).deliver(bob.peerId, envelope, { signal: AbortSignal.timeout(60_000) })).rejects.toMatchObject({ name: 'UnreachableError' })
  })

  it('takes a REPLAY answer to a retried deposit as stored (the first ack was lost)', async () => {
    recipient.behaviour = ['hang', 'hang']
    mailbox.behaviour = ['drop-ack']
    await expect(router().deliver(bob.peerId, envelope)).rejects.toMatchObject({ name: 'UnreachableError' })
    expect(await router().deliver(bob.peerId, envelope)).toEqual({ status: 'stored', path: 'mailbox' })
    expect(mailbox.deposits).toEqual([verifyId(envelope), verifyId(envelope)])
    expect(mailbox.stored.size).toBe(1)
  })

  it('throws a final answer at once (no mailbox), and gives an answering peer no second live try', async () => {
    recipient.behaviour = ['MALFORMED' as never]
    await expect(router().deliver(bob.peerId, envelope)).rejects.toMatchObject({ name: 'ProtocolError', code: 'MALFORMED' })
    expect(mailbox.deposits).toEqual([])
    node.open(bob.peerId, '/ip4/127.0.0.1/tcp/1')
    recipient.behaviour = ['UNAUTHORIZED' as never]
    expect(await router().deliver(bob.peerId, envelope)).toEqual({ status: 'stored', path: 'mailbox' })
    expect(recipient.targets).toHaveLength(2)
  })

  it('tries a connected peer twice before the mailbox, an unconnected one once', async () => {
    recipient.behaviour = ['drop-ack']
    expect(await router().deliver(bob.peerId, envelope)).toEqual({ status: 'stored', path: 'mailbox' })
    expect(recipient.targets).toHaveLength(1)
    node.open(bob.peerId, '/ip4/127.0.0.1/tcp/1')
    recipient.behaviour = ['drop-ack', 'ack']
    expect(await router().deliver(bob.peerId, envelope)).toEqual({ status: 'delivered', path: 'direct' })
    expect(recipient.targets).toHaveLength(3)
    // The same envelope each time: the recipient's store keeps it once.
    expect(new Set(recipient.received)).toEqual(new Set([verifyId(envelope)]))
  })

  it('gives a connected peer the longer live time, still ended by the caller\'s signal as a TimeoutError', async () => {
    node.open(bob.peerId, '/ip4/127.0.0.1/tcp/1')
    recipient.behaviour = ['hang']
    expect(CONNECTED_LIVE_TIMEOUT_MS).toBeGreaterThan(1_000)
    await expect(router({ liveTimeoutMs: 50 }).deliver(bob.peerId, envelope, { signal: AbortSignal.timeout(500) })).rejects.toMatchObject({ name: 'TimeoutError' })
    expect(mailbox.deposits).toEqual([])
  })

  it('dials the relay circuit when circuitFallback has only a limited connection', async () => {
    const rendezvous = recipient.remoteAddr.encapsulate(`/p2p/${relay.peerId.toString()}`)
    node.open(bob.peerId, `/ip4/127.0.0.1/tcp/1/p2p/${relay.peerId.toString()}/p2p-circuit`, { bytes: 1n })
    await router({ rendezvous, circuitFallback: true }).deliver(bob.peerId, envelope)
    expect(recipient.targets).toEqual([`${rendezvous.toString()}/p2p-circuit/p2p/${bob.peerId.toString()}`])
  })

  it('notices a closed connection at once: path event, and no WebRTC dial at a peer that just left', async () => {
    const rendezvousPeer = relay.peerId
    node.open(rendezvousPeer, '/ip4/127.0.0.1/tcp/9')
    const r = router({ rendezvousPeer, upgrades: true })
    r.start()
    const paths: Array<string | undefined> = []
    r.addEventListener('path', evt => { if (evt.detail.peer === bob.peerId.toString()) paths.push(evt.detail.path) })
    expect(r.route(bob.peerId)).toEqual({ path: undefined, upgrade: true })
    const webrtc = node.open(bob.peerId, `/ip4/127.0.0.1/tcp/9/p2p/${relay.peerId.toString()}/p2p-circuit/webrtc/p2p/${bob.peerId.toString()}`)
    expect(r.route(bob.peerId)).toEqual({ path: 'webrtc', upgrade: false })
    node.close(webrtc)
    expect(paths).toEqual(['webrtc', undefined])
    expect(r.pathTo(bob.peerId)).toBeUndefined()
    expect(r.route(bob.peerId)).toEqual({ path: undefined, upgrade: false })
    clock += GONE_MS
    expect(r.route(bob.peerId)).toEqual({ path: undefined, upgrade: true })
    r.stop()
  })
})

describe('DeliveryRouter with redundancy', () => {
  /** A recipient whose home record names `homes` in order (each a mailbox of its own). */
  async function homesRouter (homes: PairedMailbox[], redundancy: number, timeoutMs: number): Promise<{ router: DeliveryRouter, bob: DeviceIdentity, envelope: Envelope }> {
    const [alice, bob, ...ids] = await Promise.all([DeviceIdentity.generate(), DeviceIdentity.generate(), ...homes.map(async () => await DeviceIdentity.generate())])
    const entries = ids.map(id => ({ peer: id.peerId, addrs: [] }))
    const resolver = { homesOf: async () => entries, forget: () => {} } as unknown as HomeResolver
    const recipient = new PairedRecipient()
    recipient.behaviour = ['UNAUTHORIZED' as never]
    const router = new DeliveryRouter({
      node: new FakeConnections(), dm: recipient, log, mailbox: new PairedMailbox(), rendezvousPeer: (await DeviceIdentity.generate()).peerId,
      homes: resolver, mailboxAt: home => homes[entries.findIndex(e => e.peer.equals(home.peer))], redundancy, timeoutMs, liveTimeoutMs: LIVE_MS, circuitFallback: false
    })
    return { router, bob, envelope: createEnvelope(alice, bob.peerId, { text: 'kept twice' }) }
  }

  it('puts a copy on k homes, skipping a home that is down for the next one in the record', async () => {
    const homes = [new PairedMailbox(), new PairedMailbox(), new PairedMailbox()]
    homes[0].behaviour = ['hang']
    const { router, bob, envelope } = await homesRouter(homes, 2, 300)
    expect(await router.deliver(bob.peerId, envelope)).toEqual({ status: 'stored', path: 'mailbox' })
    // idle() is what a client's stop waits for: the extra copy is stored by then.
    await router.idle()
    expect(homes[1].stored.size).toBe(1)
    expect(homes[2].stored.size).toBe(1)
    expect(homes[0].stored.size).toBe(0)
  })

  it('counts as stored once the first copy commits; the second goes on under its own timeout', async () => {
    const homes = [new PairedMailbox(), new PairedMailbox()]
    homes[1].behaviour = ['hang']
    const { router, bob, envelope } = await homesRouter(homes, 2, 5_000)
    const started = Date.now()
    expect(await router.deliver(bob.peerId, envelope, { signal: AbortSignal.timeout(60_000) })).toEqual({ status: 'stored', path: 'mailbox' })
    expect(Date.now() - started).toBeLessThan(2_500)
    expect([...homes[0].stored.keys()]).toEqual([verifyId(envelope)])
  })

  it('fails as unreachable only when no home takes a copy', async () => {
    const homes = [new PairedMailbox(), new PairedMailbox()]
    homes[0].behaviour = ['hang']
    homes[1].behaviour = ['hang']
    const { router, bob, envelope } = await homesRouter(homes, 2, 300)
    await expect(router.deliver(bob.peerId, envelope)).rejects.toMatchObject({ name: 'UnreachableError' })
  })
})

function verifyId (env: Envelope): string {
  return Buffer.from(env.id).toString('hex')
}
