// The node's mailbox path without needless work stays exact: a deposit is stored as the bytes that
// arrived only when they are the canonical encoding of what was verified (never unsigned extra
// bytes), and fetched envelopes go out as stored bytes that decode and verify as sent.
import { lpStream } from '@libp2p/utils'
import { writer } from 'protons-runtime'
import { afterEach, describe, expect, it } from 'vitest'
import { MAILBOX_PROTOCOL } from '../../../protocol/constants.ts'
import { createEnvelope, createRatchetEnvelope, verifyEnvelope } from '../../../protocol/crypto/envelope.ts'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { Envelope, MailboxRequest, MailboxResponse } from '../../../protocol/wire/generated/messages.ts'
import { mailboxRequestCodec, mailboxResponseCodec } from '../../../rendezvous/mailbox/mailbox-codec.ts'
import { createPeer, startRendezvous } from '../../helpers/network.ts'
import { Cleanup } from '../../helpers/wait.ts'
import type { TestPeer, TestRendezvous } from '../../helpers/network.ts'

/** A DEPOSIT frame whose envelope field holds exactly `envelopeBytes`. */
function depositFrame (envelopeBytes: Uint8Array): Uint8Array {
  const w = writer()
  w.uint32((2 << 3) | 2)
  w.bytes(envelopeBytes)
  return w.finish()
}

/** The envelope's encoding followed by an unknown field 15 (varint 1): valid protobuf, not canonical. */
function withUnknownField (env: Envelope): Uint8Array {
  const canonical = Envelope.encode(env)
  return Uint8Array.from([...canonical, (15 << 3) | 0, 1])
}

async function exchange (peer: TestPeer, rv: TestRendezvous, frame: Uint8Array): Promise<MailboxResponse> {
  const stream = await peer.node.dialProtocol(rv.addr, MAILBOX_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
  const lp = lpStream(stream)
  await lp.write(frame)
  const reply = await lp.read({ signal: AbortSignal.timeout(10_000) })
  await stream.close()
  return MailboxResponse.decode(reply)
}

describe('mailbox codec on the node', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('derives the encoded size of a verified envelope without encoding it again', async () => {
    const alice = await DeviceIdentity.generate()
    const bob = await DeviceIdentity.generate()
    const envelopes = [
      createEnvelope(alice, bob.peerId, { text: 'sealed' }),
      createEnvelope(alice, bob.peerId, { text: '' }, { kind: Envelope.Kind.RECEIPT }),
      createRatchetEnvelope(alice, bob.peerId, new Uint8Array(300).fill(7))
    ]
    for (const env of envelopes) expect(verifyEnvelope(env).size).toBe(Envelope.encode(env).length)
  })

  it('keeps the received bytes of a canonical deposit and normalises a padded one', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await DeviceIdentity.generate()
    const plain = createEnvelope(alice.identity, bob.peerId, { text: 'as sent' })
    const padded = createEnvelope(alice.identity, bob.peerId, { text: 'with a field nobody signed' })
    expect((await exchange(alice, rv, depositFrame(Envelope.encode(plain)))).error).toBeUndefined()
    // The signature covers only known fields, so the padded envelope verifies: it is accepted, but
    // its unsigned extra bytes are not what the recipient gets.
    expect((await exchange(alice, rv, depositFrame(withUnknownField(padded)))).error).toBeUndefined()
    const stored = (await rv.node.store.fetch(bob.peerId.toString(), 0n, 10)).envelopes
    expect(stored.map(e => Buffer.from(e.bytes).toString('hex'))).toEqual([plain, padded].map(e => Buffer.from(Envelope.encode(e)).toString('hex')))
    expect(await rv.node.store.usage(bob.peerId.toString())).toEqual({ count: 2, bytes: Envelope.encode(plain).length + Envelope.encode(padded).length })
  })

  it('sends stored bytes on fetch that decode and verify as the envelopes deposited', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    const sent = Array.from({ length: 3 }, (_, i) => createEnvelope(alice.identity, bob.identity.peerId, { text: `m${i}` }))
    for (const env of sent) expect((await exchange(alice, rv, MailboxRequest.encode({ type: MailboxRequest.Type.DEPOSIT, envelope: env, limit: 0, after: 0n, ids: [] }))).error).toBeUndefined()
    const page = await exchange(bob, rv, MailboxRequest.encode({ type: MailboxRequest.Type.FETCH, limit: 2, after: 0n, ids: [] }))
    expect(page.more).toBe(true)
    expect(page.count).toBe(2)
    expect(page.envelopes.map(e => verifyEnvelope(e).id)).toEqual(sent.slice(0, 2).map(e => Buffer.from(e.id).toString('hex')))
    expect(page.envelopes.map(e => Envelope.encode(e))).toEqual(sent.slice(0, 2).map(e => Envelope.encode(e)))
  })

  it('reads the envelope field protons keeps, and encodes stored envelopes as the generated codec does', async () => {
    const alice = await DeviceIdentity.generate()
    const bob = await DeviceIdentity.generate()
    const [first, second] = [createEnvelope(alice, bob.peerId, { text: '1' }), createEnvelope(alice, bob.peerId, { text: '2' })]
    const frame = Uint8Array.from([...depositFrame(Envelope.encode(first)), ...depositFrame(Envelope.encode(second))])
    const req = mailboxRequestCodec.decode(frame)
    expect(req.envelope?.id).toEqual(second.id)
    expect(req.envelopeBytes).toEqual(Envelope.encode(second))

    const res = { envelopes: [], cursor: 9n, more: true, count: 2 }
    const spliced = mailboxResponseCodec.encode({ ...res, storedEnvelopes: [first, second].map(e => Envelope.encode(e)) })
    expect(MailboxResponse.decode(spliced)).toEqual(MailboxResponse.decode(MailboxResponse.encode({ ...res, envelopes: [first, second] })))
    expect(mailboxResponseCodec.encode(res)).toEqual(MailboxResponse.encode(res))
  })
})
