// One long-lived mailbox stream for many requests: pipelined requests against a real rendezvous on
// one stream, reopened after the connection dies or the stream idles out; and against a server that
// misbehaves, every read still ends at its timeout or its frame size limit.
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { afterEach, describe, expect, it } from 'vitest'
import { MAILBOX_PROTOCOL } from '../../../protocol/constants.ts'
import { createEnvelope } from '../../../protocol/crypto/envelope.ts'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { MailboxClient } from '../../../protocol/mailbox/mailbox-client.ts'
import { createChatNode } from '../../../protocol/mesh/create-node.ts'
import { RequestStream } from '../../../protocol/rpc/request-stream.ts'
import { MailboxRequest, MailboxResponse } from '../../../protocol/wire/generated/messages.ts'
import { startRendezvous } from '../../helpers/network.ts'
import { Cleanup, waitFor } from '../../helpers/wait.ts'
import type { ChatNode } from '../../../protocol/mesh/create-node.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

const codecs = { request: MailboxRequest, response: MailboxResponse }
const hex = (ids: Uint8Array[]): string[] => ids.map(id => Buffer.from(id).toString('hex'))
const fetchReq = (after = 0n): MailboxRequest => ({ type: MailboxRequest.Type.FETCH, limit: 10, after, ids: [] })

describe('request stream', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  async function peer (listen: string[] = []): Promise<{ identity: DeviceIdentity, node: ChatNode, dials: () => number }> {
    const identity = await DeviceIdentity.generate()
    const node = await createChatNode({ privateKey: identity.privateKey, transports: [tcp()], listen, privateNetwork: true })
    cleanup.add(async () => { await node.stop() })
    // Counts the streams this peer opens (each request stream or per-request call dials one).
    let dials = 0
    const dialProtocol = node.dialProtocol.bind(node)
    node.dialProtocol = async (...args: Parameters<ChatNode['dialProtocol']>) => { dials++; return await dialProtocol(...args) }
    return { identity, node, dials: () => dials }
  }

  it('carries many pipelined mailbox requests on one stream, and reopens it after the connection died', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await peer()
    const bob = await peer()
    const sending = new MailboxClient(alice.node, rv.addr, 10_000, { keepStreamOpen: true })
    cleanup.add(async () => { await sending.close() })
    const envelopes = Array.from({ length: 20 }, (_, i) => createEnvelope(alice.identity, bob.identity.peerId, { text: `m${i}` }))
    await Promise.all(envelopes.map(async env => { await sending.deposit(env) }))
    expect(alice.dials()).toBe(1)

    const reading = new MailboxClient(bob.node, rv.addr, 10_000, { keepStreamOpen: true })
    cleanup.add(async () => { await reading.close() })
    // Two pages requested at once: answers come back in request order on the one stream.
    const [first, again] = await Promise.all([reading.fetch(0n, 12), reading.fetch(0n, 5)])
    expect(hex(first.envelopes.map(e => e.id))).toEqual(hex(envelopes.slice(0, 12).map(e => e.id)))
    expect(hex(again.envelopes.map(e => e.id))).toEqual(hex(envelopes.slice(0, 5).map(e => e.id)))
    const second = await reading.fetch(first.cursor, 12)
    expect(second.more).toBe(false)
    expect(await reading.ackAll([...first.envelopes, ...second.envelopes].map(e => e.id))).toBe(20)
    expect(bob.dials()).toBe(1)
    expect(await rv.node.store.usage(bob.node.peerId.toString())).toEqual({ count: 0, bytes: 0 })

    // The connection dies under the open stream: the next request opens a new one by itself.
    await alice.node.hangUp(rv.node.node.peerId)
    await sending.deposit(createEnvelope(alice.identity, bob.identity.peerId, { text: 'after the hang-up' }))
    expect(alice.dials()).toBe(2)
    expect((await reading.fetch()).envelopes).toHaveLength(1)
  })

  it('writes the requests of one turn together, and the node answers a group commit\'s deposits together', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await peer()
    const bob = await peer()
    // Counts the muxer frames each way on alice's mailbox stream: a `send` is one frame out, a
    // `message` event one frame in.
    let sent = 0
    let received = 0
    const dialProtocol = alice.node.dialProtocol.bind(alice.node)
    alice.node.dialProtocol = async (...args: Parameters<ChatNode['dialProtocol']>) => {
      const stream = await dialProtocol(...args)
      const send = stream.send.bind(stream)
      stream.send = data => { sent++; return send(data) }
      stream.addEventListener('message', () => { received++ })
      return stream
    }
    const sending = new MailboxClient(alice.node, rv.addr, 10_000, { keepStreamOpen: true })
    cleanup.add(async () => { await sending.close() })
    await sending.deposit(createEnvelope(alice.identity, bob.identity.peerId, { text: 'opens the stream' }))
    sent = 0
    received = 0
    const envelopes = Array.from({ length: 8 }, (_, i) => createEnvelope(alice.identity, bob.identity.peerId, { text: `m${i}` }))
    await Promise.all(envelopes.map(async env => { await sending.deposit(env) }))
    expect(await rv.node.store.usage(bob.node.peerId.toString())).toMatchObject({ count: 9 })
    // One frame would do each way; a frame per deposit (8) is what a write per request or answer made.
    expect(sent).toBeLessThanOrEqual(2)
    expect(received).toBeLessThanOrEqual(3)
  })

  it('closes an idle stream itself and opens a new one for the next request', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await peer()
    const target = { node: alice.node, peer: rv.addr, protocol: MAILBOX_PROTOCOL, timeoutMs: 10_000, maxResponseBytes: 1 << 20 }
    const stream = new RequestStream<MailboxRequest, MailboxResponse>(target, codecs, { idleMs: 50 })
    cleanup.add(async () => { await stream.close() })
    await stream.call(fetchReq())
    await waitFor(() => alice.node.getConnections(rv.node.node.peerId).every(c => c.streams.every(s => s.protocol !== MAILBOX_PROTOCOL)), { what: 'the idle stream to close' })
    await stream.call(fetchReq())
    expect(alice.dials()).toBe(2)
  })

  /** A server on MAILBOX_PROTOCOL that answers the first request on each stream with `answer`. */
  async function misbehaving (answer: (stream: Parameters<Parameters<ChatNode['handle']>[1]>[0]) => Promise<void>): Promise<{ addr: Multiaddr, streams: () => number }> {
    const server = await peer(['/ip4/127.0.0.1/tcp/0'])
    let streams = 0
    await server.node.handle(MAILBOX_PROTOCOL, stream => {
      streams++
      void answer(stream).catch(() => {})
    })
    return { addr: server.node.getMultiaddrs()[0], streams: () => streams }
  }

  it('ends a request at its timeout when no answer comes, and the next one gets a fresh stream', async () => {
    let calls = 0
    const server = await misbehaving(async stream => {
      const lp = lpStream(stream)
      await lp.read()
      // The first stream never answers; later ones do.
      if (calls++ === 0) return
      await lp.write(MailboxResponse.encode({ envelopes: [], cursor: 7n, more: false, count: 0 }))
    })
    const client = await peer()
    const target = { node: client.node, peer: server.addr, protocol: MAILBOX_PROTOCOL, timeoutMs: 400, maxResponseBytes: 1 << 20 }
    const stream = new RequestStream<MailboxRequest, MailboxResponse>(target, codecs)
    cleanup.add(async () => { await stream.close() })
    const started = Date.now()
    await expect(stream.call(fetchReq())).rejects.toMatchObject({ code: 'INTERNAL', message: 'request timed out or was aborted' })
    expect(Date.now() - started).toBeLessThan(5_000)
    expect((await stream.call(fetchReq())).cursor).toBe(7n)
    expect(server.streams()).toBe(2)
  })

  it('refuses an answer over the frame size limit without reading it', async () => {
    const server = await misbehaving(async stream => {
      const lp = lpStream(stream)
      await lp.read()
      await lp.write(new Uint8Array(4096))
    })
    const client = await peer()
    const target = { node: client.node, peer: server.addr, protocol: MAILBOX_PROTOCOL, timeoutMs: 5_000, maxResponseBytes: 1024 }
    const stream = new RequestStream<MailboxRequest, MailboxResponse>(target, codecs)
    cleanup.add(async () => { await stream.close() })
    await expect(stream.call(fetchReq())).rejects.toMatchObject({ name: 'InvalidDataLengthError' })
    // The broken stream is not reused.
    await expect(stream.call(fetchReq())).rejects.toMatchObject({ name: 'InvalidDataLengthError' })
    expect(server.streams()).toBe(2)
  })
})
