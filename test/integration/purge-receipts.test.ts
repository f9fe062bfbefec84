// Purge receipts across real libp2p nodes and a real rendezvous: the node signs that it deleted what
// a recipient acked, the sender verifies that against the rendezvous's own key and records it; a
// forged receipt is refused and leaves nothing; a hostile recipient cannot flood the sender.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from '@noble/hashes/utils.js'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { createEnvelope, envelopeIdFromString } from '../../protocol/crypto/envelope.ts'
import { ErrorCode } from '../../protocol/errors.ts'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { MailboxClient } from '../../protocol/mailbox/mailbox-client.ts'
import { createPurgeReceiptEnvelope, openPurgeReceipt, PurgeReceiptError } from '../../protocol/mailbox/purge-receipt.ts'
import { Envelope, PurgeReceipt, SignedPurgeReceipt } from '../../protocol/wire/generated/messages.ts'
import { resolveConfig } from '../../rendezvous/config.ts'
import { RendezvousNode } from '../../rendezvous/rendezvous-node.ts'
import { SqliteStore } from '../../rendezvous/storage/sqlite-store.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, tempDir, waitFor } from '../helpers/wait.ts'
import type { TestPeer, TestRendezvous } from '../helpers/network.ts'
import type { PeerId } from '@libp2p/interface'

/** Alice sends to offline Bob; Bob comes online and drains (acks); the message's id. */
async function sendWhileOffline (alice: TestPeer, bob: TestPeer, text = 'hello'): Promise<string> {
  const sent = await alice.client.send(bob.node.peerId, text)
  expect(sent.status).toBe('stored')
  await bob.client.start()
  await waitFor(() => bob.received.some(m => m.id === sent.id), { what: 'bob received the message' })
  return sent.id
}

/** Puts an envelope into `to`'s mailbox at the rendezvous directly (as a dishonest party could get one there). */
async function inject (rv: TestRendezvous, to: PeerId, env: Envelope): Promise<void> {
  await rv.node.store.deposit({ id: env.id, sender: rv.node.node.peerId.toString(), recipient: to.toString(), sentAt: Number(env.sentAt), bytes: Envelope.encode(env) },
    { maxMessages: 1000, maxBytes: 1 << 24, retentionMs: 3600_000 })
}

async function rendezvousIdentity (rv: TestRendezvous): Promise<DeviceIdentity> {
  return await DeviceIdentity.fromSeed(new Uint8Array(readFileSync(join(rv.dataDir, 'identity.key'))))
}

describe('purge receipts', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('tells the sender, verifiably, that the node deleted a delivered message', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    await alice.client.start()
    const before = Date.now()
    const id = await sendWhileOffline(alice, bob)

    // The node's deposit notice wakes Alice's sync; the receipt verifies against the rendezvous key.
    const message = await waitFor(async () => { const m = await alice.store.getMessage(id); return m?.purged != null ? m : undefined }, { what: 'purge receipt recorded' })
    expect(message.purged).toHaveLength(1)
    expect(message.purged?.[0]).toMatchObject({ device: bob.node.peerId.toString(), node: rv.node.node.peerId.toString() })
    expect(message.purged?.[0].at).toBeGreaterThanOrEqual(before)
    expect(message.purged?.[0].at).toBeLessThanOrEqual(Date.now())
    // The receipt itself was acked: nothing waits for Alice, and Bob's copy is gone.
    await waitFor(async () => (await rv.node.store.usage(alice.node.peerId.toString())).count === 0, { what: 'receipt taken' })
    expect(await rv.node.store.usage(bob.node.peerId.toString())).toEqual({ count: 0, bytes: 0 })
  })

  it('tells the sender, verifiably, which messages expired at the node undelivered, and the recipient never gets them', async () => {
    let now = Date.now()
    const rv = await startRendezvous(cleanup, { mailbox: { retention: '1h' } }, undefined, () => now)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    const refused: PurgeReceiptError[] = []
    alice.client.parts.mailboxSync?.addEventListener('purge-refused', evt => { refused.push(evt.detail) })
    await alice.client.start()
    const sent = await alice.client.send(bob.node.peerId, 'are you back yet?')
    expect(sent.status).toBe('stored')

    // Bob stays away past the retention: the sweep deletes his copy and the node signs a notice.
    now += 2 * 3600_000
    expect(await rv.node.sweepExpired()).toBe(1)
    expect(await rv.node.store.usage(bob.node.peerId.toString())).toEqual({ count: 0, bytes: 0 })
    const message = await waitFor(async () => { const m = await alice.store.getMessage(sent.id); return m?.purged != null ? m : undefined }, { what: 'expiry notice recorded' })
    expect(message.purged).toEqual([{ device: bob.node.peerId.toString(), node: rv.node.node.peerId.toString(), at: now, reason: 'expired' }])
    expect(message.status).toBe('stored')
    expect(refused).toEqual([])

    // A receipt the node signed for a delivery cannot be turned into an expiry notice, nor back.
    const node = await rendezvousIdentity(rv)
    const ids = [Uint8Array.from(envelopeIdFromString(sent.id))]
    const acked = await createPurgeReceiptEnvelope({ node: rv.node.node.peerId, sender: alice.node.peerId, recipient: bob.node.peerId, deletedAt: now, ids }, b => node.privateKey.sign(b), randomBytes(16))
    const signed = SignedPurgeReceipt.decode(acked.ciphertext)
    const flipped = { ...acked, ciphertext: SignedPurgeReceipt.encode({ ...signed, receipt: PurgeReceipt.encode({ ...PurgeReceipt.decode(signed.receipt), reason: PurgeReceipt.Reason.EXPIRED }) }) }
    expect(() => openPurgeReceipt(flipped, { node: rv.node.node.peerId, self: alice.node.peerId })).toThrow(PurgeReceiptError)
    expect(openPurgeReceipt(acked, { node: rv.node.node.peerId, self: alice.node.peerId }).reason).toBe('acked')

    // Bob comes back: nothing waits for him.
    await bob.client.start()
    await bob.client.sync()
    expect(bob.received).toEqual([])
  })

  it('refuses forged receipts with a typed error and records nothing of them', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    const refused: PurgeReceiptError[] = []
    alice.client.parts.mailboxSync?.addEventListener('purge-refused', evt => { refused.push(evt.detail) })
    await alice.client.start()
    const sent = await alice.client.send(bob.node.peerId, 'not yet delivered')
    expect(sent.status).toBe('stored')
    const ids = [Uint8Array.from(envelopeIdFromString(sent.id))]
    const node = await rendezvousIdentity(rv)
    const mallory = await DeviceIdentity.generate()
    const receipt = { node: rv.node.node.peerId, sender: alice.node.peerId, recipient: bob.node.peerId, deletedAt: Date.now(), ids }
    const forged: Array<{ env: Envelope, code: string }> = []
    // Signed by another key, naming the real node.
    forged.push({ env: await createPurgeReceiptEnvelope(receipt, b => mallory.privateKey.sign(b), randomBytes(16)), code: 'bad-signature' })
    // Signed by another key that names itself as the node: the key comes from Alice's side, never the receipt.
    forged.push({ env: await createPurgeReceiptEnvelope({ ...receipt, node: mallory.peerId }, b => mallory.privateKey.sign(b), randomBytes(16)), code: 'bad-signature' })
    // Signed by the node for another envelope, then the id changed to Alice's message.
    const other = await createPurgeReceiptEnvelope({ ...receipt, ids: [randomBytes(16)] }, b => node.privateKey.sign(b), randomBytes(16))
    const signed = SignedPurgeReceipt.decode(other.ciphertext)
    const body = PurgeReceipt.decode(signed.receipt)
    forged.push({ env: { ...other, id: randomBytes(16), ciphertext: SignedPurgeReceipt.encode({ ...signed, receipt: PurgeReceipt.encode({ ...body, ids }) }) }, code: 'bad-signature' })
    // The time altered after signing.
    forged.push({ env: { ...other, id: randomBytes(16), ciphertext: SignedPurgeReceipt.encode({ ...signed, receipt: PurgeReceipt.encode({ ...PurgeReceipt.decode(signed.receipt), ids, deletedAt: 1n }) }) }, code: 'bad-signature' })
    // A genuine receipt for Alice's id, but addressed to someone else (replayed to Alice).
    forged.push({ env: await createPurgeReceiptEnvelope({ ...receipt, sender: mallory.peerId }, b => node.privateKey.sign(b), randomBytes(16)), code: 'wrong-addressee' })
    for (const { env } of forged) await inject(rv, alice.node.peerId, env)

    await alice.client.sync()
    await waitFor(() => refused.length >= forged.length, { what: 'every forged receipt seen' })
    expect(refused.every(e => e instanceof PurgeReceiptError)).toBe(true)
    expect(refused.map(e => e.code)).toEqual(forged.map(f => f.code))
    expect((await alice.store.getMessage(sent.id))?.purged).toBeUndefined()
    // Dropped, not fetched forever.
    expect(await rv.node.store.usage(alice.node.peerId.toString())).toEqual({ count: 0, bytes: 0 })
    // A client cannot deposit one either.
    const mailbox = new MailboxClient(bob.node, rv.addr)
    const posing = createEnvelope(bob.identity, alice.node.peerId, { text: 'x' }, { kind: Envelope.Kind.PURGE_RECEIPT })
    await expect(mailbox.deposit(posing)).rejects.toMatchObject({ code: ErrorCode.INVALID })
  })

  it('keeps at most the per-sender cap of receipts for a recipient that acks one envelope at a time', async () => {
    const dir = tempDir('babacloud-rv-')
    cleanup.add(dir.remove)
    const node = new RendezvousNode({ dataDir: dir.dir, config: resolveConfig({ listen: ['/ip4/127.0.0.1/tcp/0'], http: false }), purgeReceipts: { maxPerSender: 2, batchMs: 0 } })
    const info = await node.start()
    cleanup.add(async () => { await node.stop() })
    const rv: TestRendezvous = { node, addr: multiaddr(info.multiaddrs[0]), dataDir: dir.dir }
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    // Sending only: the receipts wait at the node until Alice takes them below.
    await alice.client.start({ mode: 'send' })
    for (let i = 0; i < 6; i++) expect((await alice.client.send(bob.node.peerId, `m${i}`)).status).toBe('stored')
    // Bob's device, hostile: one ack request per envelope, each worth a receipt of its own.
    const mailbox = new MailboxClient(bob.node, rv.addr)
    const page = await mailbox.fetch()
    expect(page.envelopes).toHaveLength(6)
    for (const env of page.envelopes) expect(await mailbox.ack([env.id])).toBe(1)
    expect(await rv.node.store.countFrom(alice.node.peerId.toString(), rv.node.node.peerId.toString())).toBe(2)
    expect(await rv.node.metricsText()).toMatch(/babacloud_purge_receipts_dropped_total\{reason="cap"\} 4/)
    // Once Alice takes them, the next ones are queued again.
    await alice.client.sync()
    const recorded = (await alice.store.listMessages()).filter(m => m.purged != null)
    expect(recorded).toHaveLength(2)
    expect(await rv.node.store.countFrom(alice.node.peerId.toString(), rv.node.node.peerId.toString())).toBe(0)
  })

  it('gathers the acks of one drain into one receipt per sender and device, and writes it when the node stops', async () => {
    const dir = tempDir('babacloud-rv-')
    cleanup.add(dir.remove)
    // A window no test outlasts: the receipt is written by stop(), however slow the acks were.
    const node = new RendezvousNode({ dataDir: dir.dir, config: resolveConfig({ listen: ['/ip4/127.0.0.1/tcp/0'], http: false }), purgeReceipts: { batchMs: 600_000 } })
    const info = await node.start()
    cleanup.add(async () => { await node.stop() })
    const addr = multiaddr(info.multiaddrs[0])
    const alice = await createPeer(cleanup, addr)
    const bob = await createPeer(cleanup, addr)
    await alice.client.start({ mode: 'send' })
    const sent: string[] = []
    for (let i = 0; i < 4; i++) sent.push((await alice.client.send(bob.node.peerId, `m${i}`)).id)
    const mailbox = new MailboxClient(bob.node, addr)
    for (const env of (await mailbox.fetch()).envelopes) expect(await mailbox.ack([env.id])).toBe(1)
    const alicePeer = alice.node.peerId.toString()
    const nodeId = node.node.peerId
    const nodePeer = nodeId.toString()
    expect(await node.store.countFrom(alicePeer, nodePeer)).toBe(0)
    await alice.client.stop()
    await node.stop()

    const store = new SqliteStore(join(dir.dir, 'rendezvous.sqlite'))
    cleanup.add(async () => { await store.close() })
    // Four acks, one signed receipt naming all four.
    const pending = (await store.fetch(alicePeer, 0n, 10)).envelopes
    expect(pending).toHaveLength(1)
    const env = Envelope.decode(pending[0].bytes)
    const receipt = openPurgeReceipt(env, { node: nodeId, self: alice.node.peerId })
    expect(receipt.ids.sort()).toEqual([...sent].sort())
    expect(receipt.recipient.equals(bob.node.peerId)).toBe(true)
  })
})
