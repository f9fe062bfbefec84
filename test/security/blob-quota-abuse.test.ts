// Attachment blobs as a weapon against a mailbox and the node's disk. Guards these defences: an
// upload counts against its uploader's plan, never the recipient's mailbox (BlobService#upload
// with BlobStore.begin's sender allowance; the mailbox no longer adds blobs to its quota); the
// node-wide blob budget `attachments.totalBytes` refuses with STORAGE_FULL and counts the refusal
// in /metrics (refuseOverLimits in both stores); a recipient lists and clears what waits for it
// (blob protocol LIST/CLEAR); unclaimed blobs expire after `attachments.retention`, sooner than
// messages (swept with the injected clock).
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { afterEach, describe, expect, it } from 'vitest'
import { AttachmentService } from '../../protocol/attachments/attachment-service.ts'
import { BlobClient } from '../../protocol/attachments/blob-client.ts'
import { sealAttachment } from '../../protocol/attachments/cipher.ts'
import { MemoryAttachmentSink } from '../../protocol/attachments/sink.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import type { TestPeer, TestRendezvous } from '../helpers/network.ts'
import type { PeerId } from '@libp2p/interface'

const KB = 1024
const DAY = 86_400_000

/** A PeerId nobody holds the key of: what an attacker makes up by the thousand. */
async function madeUpPeerId (): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

function randomFile (bytes: number): Uint8Array {
  const out = new Uint8Array(bytes)
  for (let i = 0; i < bytes; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(bytes, i + 65536)))
  return out
}

describe('blob quota abuse', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  /** A peer that only speaks the blob protocol, as an attacker would. */
  async function stranger (rv: TestRendezvous): Promise<{ peer: TestPeer, blobs: BlobClient }> {
    const peer = await createPeer(cleanup, rv.addr)
    return { peer, blobs: new BlobClient(peer.node, rv.addr) }
  }

  it('a stranger\'s uploads for a victim never make mail to or from the victim fail with a quota error', async () => {
    // The node's ceiling is also every peer's allowance here: 1 MB.
    const rv = await startRendezvous(cleanup, { mailbox: { maxBytes: '1MB' } })
    const mallory = await stranger(rv)
    const victim = await createPeer(cleanup, rv.addr)
    const friend = await createPeer(cleanup, rv.addr)
    await friend.client.start()

    // Mallory parks nearly 1 MB "for" the victim, then tries for more.
    for (let i = 0; i < 3; i++) await mallory.blobs.upload(victim.node.peerId, sealAttachment(randomFile(340 * KB)))
    await expect(mallory.blobs.upload(victim.node.peerId, sealAttachment(randomFile(340 * KB)))).rejects.toMatchObject({ name: 'ProtocolError', code: 'QUOTA_EXCEEDED' })

    // The victim's mailbox is untouched: a friend's message and the friend's attachment still go in…
    expect(await friend.client.send(victim.node.peerId, 'x'.repeat(30_000))).toMatchObject({ status: 'stored' })
    const friendFiles = new AttachmentService({ client: friend.client, sink: new MemoryAttachmentSink() })
    cleanup.add(async () => { await friendFiles.stop() })
    await friendFiles.start()
    expect(await friendFiles.send(victim.node.peerId, { name: 'photo.jpg', mime: 'image/jpeg', bytes: randomFile(200 * KB) })).toMatchObject({ status: 'stored', path: 'mailbox' })

    // …and the victim's own deposits and uploads go through as well.
    await victim.client.start()
    await waitFor(() => victim.received.length >= 1, { what: 'the friend\'s message at the victim' })
    await friend.client.stop()
    expect(await victim.client.send(friend.node.peerId, 'y'.repeat(30_000))).toMatchObject({ status: 'stored' })
    await new BlobClient(victim.node, rv.addr).upload(friend.node.peerId, sealAttachment(randomFile(300 * KB)))
  })

  it('made-up recipients cannot push the node past its blob budget: STORAGE_FULL, counted in /metrics', async () => {
    const rv = await startRendezvous(cleanup, { attachments: { maxBytes: '1MB', totalBytes: '2MB' } })
    const attackers = await Promise.all([stranger(rv), stranger(rv), stranger(rv)])
    const size = 300 * KB
    // Ten uploads at once from three peers to ten PeerIds that do not exist.
    const results = await Promise.allSettled(Array.from({ length: 10 }, async (_, i) => {
      await attackers[i % 3].blobs.upload(await madeUpPeerId(), sealAttachment(randomFile(size)))
    }))
    const refused = results.filter(r => r.status === 'rejected')
    for (const r of refused) expect(r.reason).toMatchObject({ name: 'ProtocolError', code: 'STORAGE_FULL' })
    const budget = 2 * 1024 * KB
    expect(await rv.node.blobs.totalUsage(Date.now())).toBeLessThanOrEqual(budget)
    expect(refused.length).toBeGreaterThanOrEqual(10 - Math.floor(budget / size))

    const metrics = await rv.node.metricsText()
    expect(metrics).toContain(`babacloud_blob_budget_bytes ${budget}`)
    expect(metrics).toMatch(new RegExp(`babacloud_limit_hits_total\\{limit="attachments_total_bytes"\\} ${refused.length}\\b`))
    const used = Number(/^babacloud_blob_bytes (\d+)$/m.exec(metrics)?.[1])
    expect(used).toBeGreaterThan(budget - size)
    expect(used).toBeLessThanOrEqual(budget)
  })

  it('the recipient lists what waits for it and deletes it, one blob or one uploader\'s all at once', async () => {
    const rv = await startRendezvous(cleanup)
    const mallory = await stranger(rv)
    const friend = await stranger(rv)
    const victim = await createPeer(cleanup, rv.addr)
    const spam = []
    for (let i = 0; i < 3; i++) {
      const sealed = sealAttachment(randomFile(10 * KB))
      await mallory.blobs.upload(victim.node.peerId, sealed)
      spam.push(sealed)
    }
    const wanted = sealAttachment(randomFile(10 * KB))
    await friend.blobs.upload(victim.node.peerId, wanted)

    const mine = new BlobClient(victim.node, rv.addr)
    const waiting = await mine.list()
    expect(waiting).toHaveLength(4)
    const malloryId = mallory.peer.node.peerId.toString()
    expect(waiting.filter(b => b.sender === malloryId)).toHaveLength(3)
    expect(waiting.find(b => b.sender === friend.peer.node.peerId.toString())).toMatchObject({ id: wanted.id, size: 10 * KB + 16 })
    // Nobody else sees, or deletes, what waits for the victim.
    expect(await mallory.blobs.list()).toEqual([])
    expect(await mallory.blobs.clear()).toBe(0)
    expect(await mallory.blobs.delete(wanted.id)).toBe(false)

    expect(await mine.clear({ sender: malloryId })).toBe(3)
    expect((await mine.list()).map(b => b.sender)).toEqual([friend.peer.node.peerId.toString()])
    // Deleting frees the uploader's allowance at once.
    expect(await rv.node.blobs.senderUsage(malloryId, Date.now())).toBe(0)
    expect(await mine.delete(wanted.id)).toBe(true)
    expect(await mine.list()).toEqual([])
    expect((await rv.node.blobs.stats()).blobs).toBe(0)
  })

  it('unclaimed blobs expire after attachments.retention, before the messages that announced them', async () => {
    let clock = Date.now()
    const rv = await startRendezvous(cleanup, { sweepInterval: '50ms' }, undefined, () => clock)
    expect(rv.node.config.attachments.retentionMs).toBeLessThan(rv.node.config.plans.free.mailbox.retentionMs)
    const sender = await createPeer(cleanup, rv.addr)
    const recipient = await createPeer(cleanup, rv.addr)
    await sender.client.start()
    const files = new AttachmentService({ client: sender.client, sink: new MemoryAttachmentSink() })
    cleanup.add(async () => { await files.stop() })
    await files.start()
    expect(await files.send(recipient.node.peerId, { name: 'a.bin', bytes: randomFile(100 * KB) })).toMatchObject({ status: 'stored' })
    expect(await sender.client.send(recipient.node.peerId, 'see the file')).toMatchObject({ status: 'stored' })
    const { blobs } = rv.node
    expect((await blobs.stats()).blobs).toBe(1)

    clock += 8 * DAY
    await waitFor(async () => (await blobs.stats()).blobs === 0, { what: 'the unclaimed blob to be swept' })
    // The offer and the message still wait: 8 days is well inside the mailbox retention.
    expect((await rv.node.store.stats()).envelopes).toBe(2)
    await recipient.client.start()
    await waitFor(() => recipient.received.some(m => m.text === 'see the file'), { what: 'the message after the blob expired' })
  })
})
