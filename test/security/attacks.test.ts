// Known attack classes against a rendezvous node, each a regression test that fails if the limit
// that stops it is removed: unbounded gossipsub subscriptions (GHSA-4f8r-922h-2vgv), oversized
// identify messages with signed peer records (CVE-2023-40583), unchecked length prefixes (as in
// py-libp2p GHSA-xqvc-92cf-94j4), request flooding by one peer, and connection hoarding by one host.
import { publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { lpStream } from '@libp2p/utils'
import { encode as varint } from 'uint8-varint'
import { afterEach, describe, expect, it } from 'vitest'
import { MAILBOX_PROTOCOL } from '../../protocol/constants.ts'
import { createEnvelope } from '../../protocol/crypto/envelope.ts'
import { MailboxClient } from '../../protocol/mailbox/mailbox-client.ts'
import { MailboxResponse } from '../../protocol/wire/generated/messages.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'

/** Protobuf field 3 (`protocols`, a repeated string) of an identify message, repeated to `bytes`. */
function bloatedIdentify (bytes: number): Uint8Array {
  const parts: number[] = []
  for (let i = 0; parts.length < bytes; i++) {
    const p = new TextEncoder().encode(`/evil/${i}/${'x'.repeat(40)}`)
    parts.push(0x1a, p.length, ...p)
  }
  return Uint8Array.from(parts)
}

describe('known attack classes', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('bounds the gossipsub topics one remote peer can make the node track (GHSA-4f8r-922h-2vgv)', async () => {
    const rv = await startRendezvous(cleanup)
    const attacker = await createPeer(cleanup, rv.addr)
    await attacker.client.start()
    // Not group topics (the group relay admits only proven members to those, group-relay-snooping.test.ts),
    // but as long as one: gossipsub charges each its length plus 1 KiB against the per-peer budget.
    const topics = Array.from({ length: 600 }, (_, i) => `babacloud/other/${i.toString(16).padStart(64, '0')}`)
    for (const t of topics) attacker.node.services.pubsub.subscribe(t)
    const tracked = (): number => topics.filter(t => rv.node.node.services.pubsub.getSubscribers(t).some(p => p.equals(attacker.node.peerId))).length
    await waitFor(() => tracked() >= 100, { what: 'subscriptions to reach the node' })
    // Let every subscription arrive: the count stops growing well below what was sent.
    let last = -1
    await waitFor(async () => {
      const now = tracked()
      const settled = now === last
      last = now
      await new Promise(resolve => setTimeout(resolve, 200))
      return settled
    }, { what: 'subscription count to settle' })
    expect(tracked()).toBeLessThanOrEqual(rv.node.config.limits.gossipTopicsPerPeer)
  })

  it('refuses an identify message larger than its limit, so its claims are not stored (CVE-2023-40583)', async () => {
    const rv = await startRendezvous(cleanup)
    expect(bloatedIdentify(6 * 1024).length).toBeGreaterThan(rv.node.config.limits.identifyMaxMessageBytes)
    // Two peers answer identify with made-up protocols: one within the limit, one far beyond it.
    const liar = async (bytes: number, tag: string): Promise<{ peerId: import('@libp2p/interface').PeerId }> => {
      const p = await createPeer(cleanup, undefined)
      const key = publicKeyToProtobuf(p.identity.privateKey.publicKey)
      const claims = new TextDecoder('latin1').decode(bloatedIdentify(bytes)).replaceAll('/evil/', `/${tag}/`)
      // Field 1 is the public key, which identify requires; field 3 the claimed protocols.
      const message = Uint8Array.from([0x0a, key.length, ...key, ...Uint8Array.from(claims, c => c.charCodeAt(0))])
      await p.node.handle('/ipfs/id/1.0.0', async stream => {
        await lpStream(stream).write(message)
        await stream.close()
      }, { force: true })
      await p.node.dial(rv.addr, { signal: AbortSignal.timeout(10_000) })
      return { peerId: p.node.peerId }
    }
    const small = await liar(1024, 'small')
    const big = await liar(6 * 1024, 'big')
    // The node identifies every new peer: the small claim is stored, which shows it asked both.
    await waitFor(async () => (await rv.node.node.peerStore.get(small.peerId)).protocols.some(p => p.startsWith('/small/')), { what: 'the small identify to be applied' })
    await waitFor(async () => rv.node.node.getConnections(big.peerId).length > 0, { what: 'the big peer connected' })
    const stored = await rv.node.node.peerStore.get(big.peerId).catch(() => ({ protocols: [] as string[] }))
    expect(stored.protocols.some(p => p.startsWith('/big/'))).toBe(false)
  })

  it('answers a length prefix of exabytes with TOO_LARGE at once, allocating nothing (GHSA-xqvc-92cf-94j4)', async () => {
    const rv = await startRendezvous(cleanup)
    const attacker = await createPeer(cleanup, rv.addr)
    await attacker.client.start()
    const rss = process.memoryUsage().rss
    for (const claim of [2 ** 52, 2 ** 40, 100 * 1024 * 1024]) {
      const stream = await attacker.node.dialProtocol(rv.addr, MAILBOX_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
      await stream.send(varint(claim))
      await stream.send(new Uint8Array(64))
      const reply = await lpStream(stream).read({ signal: AbortSignal.timeout(10_000) })
      expect(MailboxResponse.decode(reply).error).toMatchObject({ code: 'TOO_LARGE' })
      stream.abort(new Error('done'))
    }
    expect(process.memoryUsage().rss - rss).toBeLessThan(64 * 1024 * 1024)
  })

  it('rate limits one peer flooding the mailbox, and says so in /metrics', async () => {
    const rv = await startRendezvous(cleanup, { limits: { requestsPerMinute: 30 } })
    const flooder = await createPeer(cleanup, rv.addr)
    const victim = await createPeer(cleanup, rv.addr)
    const honest = await createPeer(cleanup, rv.addr)
    await flooder.client.start()
    await honest.client.start()
    const mailbox = new MailboxClient(flooder.node, rv.addr)
    const outcomes = await Promise.allSettled(Array.from({ length: 40 }, async () =>
      await mailbox.deposit(createEnvelope(flooder.identity, victim.node.peerId, { text: 'spam' }))))
    const limited = outcomes.filter(o => o.status === 'rejected' && (o.reason as { code?: string }).code === 'RATE_LIMITED')
    expect(limited.length).toBeGreaterThan(0)
    expect((await rv.node.store.usage(victim.node.peerId.toString())).count).toBeLessThan(40)
    expect(await rv.node.metricsText()).toMatch(/babacloud_limit_hits_total\{limit="mailbox_requests_per_minute"\} [1-9]/)
    // Others are unaffected.
    expect((await honest.client.send(victim.node.peerId, 'hello')).status).toBe('stored')
  })

  it('caps connections from one host (when loopback is counted)', async () => {
    const rv = await startRendezvous(cleanup, { limits: { maxConnectionsPerIp: 3, limitLoopback: true } })
    const peers = await Promise.all(Array.from({ length: 5 }, async () => await createPeer(cleanup, rv.addr)))
    const dials = await Promise.allSettled(peers.map(async p => await p.node.dial(rv.addr, { signal: AbortSignal.timeout(10_000) })))
    expect(dials.filter(d => d.status === 'fulfilled').length).toBe(3)
    expect(await rv.node.metricsText()).toMatch(/babacloud_limit_hits_total\{limit="connections_per_ip"\} [1-9]/)
  })
})
