// Live DMs ride one long-lived stream per connection: reused by sequential and concurrent sends,
// reopened with the unanswered envelopes sent again when it dies mid-message (each stored and shown
// once), robust to bad frames, and bounded against peers that hoard streams or never answer.
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { afterEach, describe, expect, it } from 'vitest'
import { ChatClient } from '../../../protocol/chat-client.ts'
import { DM_PROTOCOL } from '../../../protocol/constants.ts'
import { createEnvelope } from '../../../protocol/crypto/envelope.ts'
import { DM_MAX_IN_FLIGHT, DM_MAX_INBOUND_STREAMS, DirectMessages } from '../../../protocol/dm/direct-messages.ts'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { createChatNode } from '../../../protocol/mesh/create-node.ts'
import { MemoryChatStore } from '../../../protocol/store/memory-chat-store.ts'
import { DirectRequest, DirectResponse } from '../../../protocol/wire/generated/messages.ts'
import { Cleanup, waitFor } from '../../helpers/wait.ts'
import type { ChatMessage, OutboxEntry } from '../../../protocol/store/chat-store.ts'
import type { ChatNode } from '../../../protocol/mesh/create-node.ts'
import type { Connection, Stream } from '@libp2p/interface'

/** A real store whose first incoming message waits at a gate: "got the frame, not yet acked". */
class GatedStore extends MemoryChatStore {
  adds = 0
  #gate?: Promise<void>
  #open?: () => void

  close (): Promise<void> { this.#open?.(); return super.close() }
  hold (): void { this.#gate = new Promise(resolve => { this.#open = resolve }) }
  release (): void { this.#open?.() }

  async addMessage (message: ChatMessage, outbox?: OutboxEntry): Promise<boolean> {
    if (message.direction === 'in') {
      this.adds++
      const gate = this.#gate
      this.#gate = undefined
      await gate
    }
    return await super.addMessage(message, outbox)
  }
}

interface Peer { identity: DeviceIdentity, node: ChatNode, client: ChatClient, store: GatedStore, shown: string[] }

async function peer (cleanup: Cleanup): Promise<Peer> {
  const identity = await DeviceIdentity.generate()
  const node = await createChatNode({ privateKey: identity.privateKey, transports: [tcp()], listen: ['/ip4/127.0.0.1/tcp/0'], privateNetwork: true })
  const store = new GatedStore()
  // No rendezvous: a failed live delivery throws instead of quietly using the mailbox.
  const client = new ChatClient({ node, identity, store })
  const shown: string[] = []
  client.addEventListener('message', evt => { shown.push(evt.detail.text) })
  cleanup.add(async () => {
    store.release()
    await client.stop()
    await node.stop()
  })
  await client.start()
  return { identity, node, client, store, shown }
}

const dmStreams = (connection: Connection): Stream[] => connection.streams.filter(s => s.protocol === DM_PROTOCOL)

describe('DMs on a long-lived stream', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('reuses one stream for many sequential and concurrent sends', async () => {
    const [alice, bob] = [await peer(cleanup), await peer(cleanup)]
    const connection = await alice.node.dial(bob.node.getMultiaddrs()[0])
    expect((await alice.client.send(bob.node.peerId, 'first')).status).toBe('delivered')
    const [stream] = dmStreams(connection)
    expect(stream).toBeDefined()
    for (let i = 0; i < 20; i++) expect((await alice.client.send(bob.node.peerId, `seq ${i}`)).path).toBe('direct')
    // Concurrent envelopes pipeline on the same stream, up to the in-flight bound.
    const dm = new DirectMessages(alice.node, { onEnvelope: async () => {} })
    const envelopes = Array.from({ length: 20 }, (_, i) => createEnvelope(alice.identity, bob.node.peerId, { text: `par ${i}` }))
    await Promise.all(envelopes.map(async env => await dm.send(bob.node.peerId, env)))
    const dmStream = dmStreams(connection).filter(s => s.id !== stream.id)
    expect(dmStream).toHaveLength(1)
    await Promise.all(envelopes.map(async env => await dm.send(bob.node.peerId, env)))
    expect(dmStreams(connection).map(s => s.id).sort()).toEqual([stream.id, dmStream[0].id].sort())
    expect(bob.shown).toHaveLength(41)
    expect(new Set(bob.shown).size).toBe(41)
  })

  it('resends what a stream killed mid-message carried: each message stored and shown once', async () => {
    const [alice, bob] = [await peer(cleanup), await peer(cleanup)]
    const connection = await alice.node.dial(bob.node.getMultiaddrs()[0])
    const dm = new DirectMessages(alice.node, { onEnvelope: async () => {} })
    await dm.send(bob.node.peerId, createEnvelope(alice.identity, bob.node.peerId, { text: 'warm up' }))
    const [first, second] = ['got it, not acked', 'written, never read'].map(text => createEnvelope(alice.identity, bob.node.peerId, { text }))

    bob.store.hold()
    const addsBefore = bob.store.adds
    const sent1 = dm.send(bob.node.peerId, first)
    // Bob holds the first frame (storing it); the second waits unread behind it on the same stream.
    await waitFor(() => bob.store.adds > addsBefore, { what: 'bob storing the first message' })
    const sent2 = dm.send(bob.node.peerId, second)
    await waitFor(() => dmStreams(connection)[0]?.writeBufferLength === 0 || undefined, { what: 'the second frame flushed' })
    const bobSide = bob.node.getConnections(alice.node.peerId)[0]
    const killed = dmStreams(bobSide)
    expect(killed).toHaveLength(1)
    for (const s of killed) s.abort(new Error('killed by the test'))
    const bobDm = bob.client.parts.dm
    // The first message's copy on the new stream reaches bob while the original still stores.
    await waitFor(() => bobDm.stats.joined > 0 || bob.store.adds > addsBefore + 1, { what: 'the resent copy' })
    bob.store.release()
    await Promise.all([sent1, sent2])

    // The first was in flight for sure; the second too unless the reset reached alice before it was written.
    expect(dm.stats.resent).toBeGreaterThanOrEqual(1)
    expect(bob.store.adds - addsBefore).toBe(2)
    expect(bob.shown.filter(t => t !== 'warm up')).toEqual(['got it, not acked', 'written, never read'])
    const texts = (await bob.store.listMessages()).map(m => m.text)
    expect(texts.filter(t => t === 'got it, not acked')).toHaveLength(1)
    expect(texts.filter(t => t === 'written, never read')).toHaveLength(1)
  })

  it('answers a bad frame with a typed error and keeps serving the stream; an oversize one ends only its stream', async () => {
    const [alice, bob] = [await peer(cleanup), await peer(cleanup)]
    const connection = await alice.node.dial(bob.node.getMultiaddrs()[0])
    const lp = lpStream(await connection.newStream(DM_PROTOCOL))
    const ask = async (bytes: Uint8Array): Promise<DirectResponse> => {
      await lp.write(bytes)
      return DirectResponse.decode(await lp.read())
    }
    const env = (text: string): Uint8Array => DirectRequest.encode({ envelope: createEnvelope(alice.identity, bob.node.peerId, { text }) })
    expect((await ask(env('before'))).error).toBeUndefined()
    expect((await ask(Uint8Array.of(0x0a, 0xff, 0xff))).error?.code).toBe('MALFORMED')
    expect((await ask(DirectRequest.encode({}))).error?.code).toBe('MALFORMED')
    expect((await ask(env('after'))).error).toBeUndefined()

    // A client's own stream carries on while another stream of the same connection gets an oversize frame.
    const big = lpStream(await connection.newStream(DM_PROTOCOL), { maxDataLength: 200 * 1024 })
    await big.write(new Uint8Array(100 * 1024))
    expect(DirectResponse.decode(await big.read()).error?.code).toBe('TOO_LARGE')
    expect((await ask(env('still here'))).error).toBeUndefined()
    expect((await alice.client.send(bob.node.peerId, 'and the client')).status).toBe('delivered')
    expect(bob.shown).toEqual(['before', 'after', 'still here', 'and the client'])
  })

  it('bounds a peer that hoards streams, and envelopes in flight to a peer that never answers', async () => {
    const [alice, bob] = [await peer(cleanup), await peer(cleanup)]
    const hog = await peer(cleanup)
    const hogConnection = await hog.node.dial(bob.node.getMultiaddrs()[0])
    const hoard: Array<ReturnType<typeof lpStream>> = []
    for (let i = 0; i < DM_MAX_INBOUND_STREAMS; i++) hoard.push(lpStream(await hogConnection.newStream(DM_PROTOCOL)))
    // One over the bound is refused (reset by bob); the held ones still work.
    await expect((async () => {
      const extra = lpStream(await hogConnection.newStream(DM_PROTOCOL))
      await extra.write(DirectRequest.encode({ envelope: createEnvelope(hog.identity, bob.node.peerId, { text: 'one too many' }) }))
      return await extra.read({ signal: AbortSignal.timeout(5_000) })
    })()).rejects.toThrow()
    await hoard[0].write(DirectRequest.encode({ envelope: createEnvelope(hog.identity, bob.node.peerId, { text: 'held' }) }))
    expect(DirectResponse.decode(await hoard[0].read()).error).toBeUndefined()
    // Others are not affected by one peer's hoard.
    await alice.node.dial(bob.node.getMultiaddrs()[0])
    expect((await alice.client.send(bob.node.peerId, 'unaffected')).status).toBe('delivered')

    // A peer that reads envelopes but never acks gets at most DM_MAX_IN_FLIGHT of them at once.
    const frames: Array<ReturnType<typeof lpStream>> = []
    let received = 0
    await hog.node.unhandle(DM_PROTOCOL)
    await hog.node.handle(DM_PROTOCOL, stream => {
      const lp = lpStream(stream)
      frames.push(lp)
      void (async () => { while (true) { await lp.read(); received++ } })().catch(() => {})
    })
    const dm = new DirectMessages(alice.node, { onEnvelope: async () => {} })
    await alice.node.dial(hog.node.getMultiaddrs()[0])
    const signal = AbortSignal.timeout(15_000)
    const sends = Array.from({ length: DM_MAX_IN_FLIGHT + 4 }, async (_, i) => await dm.send(hog.node.peerId, createEnvelope(alice.identity, hog.node.peerId, { text: `unanswered ${i}` }), { signal }).catch(err => err as Error))
    await waitFor(() => received >= DM_MAX_IN_FLIGHT, { what: 'the first envelopes' })
    expect(received).toBe(DM_MAX_IN_FLIGHT)
    // One ack frees one slot: exactly one more envelope comes.
    await frames[0].write(DirectResponse.encode({}))
    await waitFor(() => received > DM_MAX_IN_FLIGHT, { what: 'the next envelope' })
    expect(received).toBe(DM_MAX_IN_FLIGHT + 1)
    expect(frames).toHaveLength(1)
    // The connection goes: what is still unacked fails at once instead of being sent again.
    await alice.node.hangUp(hog.node.peerId)
    expect((await Promise.all(sends)).filter(r => r instanceof Error).length).toBe(DM_MAX_IN_FLIGHT + 3)
  })
})
