// Attachment ids are chosen by senders. Guards these defences: an incoming attachment is bound to
// its sender and message (AttachmentService#checkOwner and the owner record it writes on receipt,
// the Node sink linking instead of renaming over a file), so an id reused by someone else never
// replaces a stored file, never attaches to another peer's message and never echoes one of ours;
// a rendezvous offer fetches and deletes only a blob its own sender uploaded (blob DOWNLOAD/DELETE
// name the sender); media types are parsed, and SVG in any spelling is never an inline image.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { hexToBytes, randomBytes } from '@noble/hashes/utils.js'
import { afterEach, describe, expect, it } from 'vitest'
import { AttachmentService } from '../../protocol/attachments/attachment-service.ts'
import { BlobClient } from '../../protocol/attachments/blob-client.ts'
import { sealAttachment } from '../../protocol/attachments/cipher.ts'
import { ATTACHMENT_CONTROL_TYPE } from '../../protocol/attachments/constants.ts'
import { isInlineImage, normalizeMediaType } from '../../protocol/attachments/mime.ts'
import { MemoryAttachmentSink } from '../../protocol/attachments/sink.ts'
import { AttachmentOffer } from '../../protocol/attachments/generated/wire.ts'
import { FileAttachmentSink } from '../../node/attachment-sink.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, tempDir, waitFor } from '../helpers/wait.ts'
import type { AttachmentServiceEvents, ReceivedAttachment } from '../../protocol/attachments/attachment-service.ts'
import type { AttachmentSink } from '../../protocol/attachments/sink.ts'
import type { TestPeer, TestRendezvous } from '../helpers/network.ts'

interface FilePeer extends TestPeer {
  files: AttachmentService
  sink: MemoryAttachmentSink
  got: ReceivedAttachment[]
  failed: Array<AttachmentServiceEvents['failed']['detail']>
}

/** `random` for sealAttachment that hands out `id` as the attachment id, like a hostile sender would. */
function reusing (id: Uint8Array): (n: number) => Uint8Array {
  let first = true
  return n => {
    if (first && n === id.length) {
      first = false
      return id.slice()
    }
    return randomBytes(n)
  }
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('attachment spoofing', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  async function peer (rv: TestRendezvous, options: { sink?: AttachmentSink, random?: (n: number) => Uint8Array } = {}): Promise<FilePeer> {
    const p = await createPeer(cleanup, rv.addr)
    const sink = new MemoryAttachmentSink()
    const files = new AttachmentService({ client: p.client, sink: options.sink ?? sink, random: options.random })
    const got: FilePeer['got'] = []
    const failed: FilePeer['failed'] = []
    files.addEventListener('attachment', evt => { got.push(evt.detail) })
    files.addEventListener('failed', evt => { failed.push(evt.detail) })
    cleanup.add(async () => { await files.stop() })
    await files.start()
    return { ...p, files, sink, got, failed }
  }

  it('a second sender reusing an attachment id cannot replace the file stored under it', async () => {
    const rv = await startRendezvous(cleanup)
    const dir = tempDir('babacloud-spoof-')
    cleanup.add(dir.remove)
    const bob = await peer(rv, { sink: new FileAttachmentSink(dir.dir) })
    await bob.client.start()
    const alice = await peer(rv)
    await alice.client.start()
    const sent = await alice.files.send(bob.node.peerId, { name: 'contract.pdf', mime: 'application/pdf', bytes: text('the real contract') })
    await waitFor(() => bob.got.length === 1, { what: 'alice\'s file at bob' })

    // Mallory learned the id (it travels in every copy of the offer) and sends her own file under it.
    const mallory = await peer(rv, { random: reusing(hexToBytes(sent.id)) })
    await mallory.client.start()
    await mallory.files.send(bob.node.peerId, { name: 'contract.pdf', mime: 'application/pdf', bytes: text('a forged contract') }).catch(() => {})
    await waitFor(() => bob.failed.length === 1, { what: 'mallory\'s file to be refused' })
    expect(bob.failed[0]).toMatchObject({ id: sent.id, from: mallory.node.peerId.toString(), error: { name: 'AttachmentError', code: 'CONFLICT' } })
    expect(bob.got).toHaveLength(1)
    const stored = readdirSync(dir.dir)
    expect(stored).toEqual([`${sent.id}-contract.pdf`])
    expect(readFileSync(join(dir.dir, stored[0]), 'utf8')).toBe('the real contract')
  })

  it('an attachment cannot take the id of another peer\'s message or of one of our own attachments', async () => {
    const rv = await startRendezvous(cleanup)
    const bob = await peer(rv)
    await bob.client.start()
    const alice = await peer(rv)
    await alice.client.start()
    const message = await alice.client.send(bob.node.peerId, 'meet at noon')
    await waitFor(async () => await bob.store.getMessage(message.id), { what: 'alice\'s message at bob' })

    const mallory = await peer(rv, { random: reusing(hexToBytes(message.id)) })
    await mallory.client.start()
    await mallory.files.send(bob.node.peerId, { name: 'noon.png', mime: 'image/png', bytes: text('not a png') }).catch(() => {})
    await waitFor(() => bob.failed.length === 1, { what: 'the attachment under alice\'s message id to be refused' })
    expect(bob.failed[0].error).toMatchObject({ code: 'CONFLICT' })

    // Bob's own attachment to mallory, echoed back to him under the same id.
    const mine = await bob.files.send(mallory.node.peerId, { name: 'mine.txt', bytes: text('bob wrote this') })
    await waitFor(() => mallory.got.length === 1, { what: 'bob\'s file at mallory' })
    const echo = await peer(rv, { random: reusing(hexToBytes(mine.id)) })
    await echo.client.start()
    await echo.files.send(bob.node.peerId, { name: 'mine.txt', bytes: text('mallory wrote this') }).catch(() => {})
    await waitFor(() => bob.failed.length === 2, { what: 'the echoed id to be refused' })
    expect(bob.failed[1]).toMatchObject({ id: mine.id, error: { code: 'CONFLICT' } })
    expect(bob.got).toEqual([])
  })

  it('an offer naming someone else\'s waiting blob neither fetches nor deletes it', async () => {
    const rv = await startRendezvous(cleanup)
    const bob = await peer(rv)
    const alice = await peer(rv)
    await alice.client.start()
    const mallory = await peer(rv)
    await mallory.client.start()

    // Alice's ciphertext waits for bob; before her offer arrives, mallory offers the same id with her key.
    const sealed = sealAttachment(text('alice\'s holiday photo'))
    await new BlobClient(alice.node, rv.addr).upload(bob.node.peerId, sealed)
    const forged = sealAttachment(text('whatever'), reusing(sealed.id))
    const offer = (s: typeof sealed, name: string): Uint8Array => AttachmentOffer.encode({
      id: s.id as Uint8Array<ArrayBuffer>, key: s.key as Uint8Array<ArrayBuffer>, digest: s.digest as Uint8Array<ArrayBuffer>, size: BigInt(s.size), chunks: s.chunks, name, mime: 'image/jpeg', caption: '', source: AttachmentOffer.Source.RENDEZVOUS
    })
    await mallory.client.sendControl(bob.node.peerId, ATTACHMENT_CONTROL_TYPE, offer(forged, 'photo.jpg'))
    await alice.client.sendControl(bob.node.peerId, ATTACHMENT_CONTROL_TYPE, offer(sealed, 'photo.jpg'))

    await bob.client.start()
    await waitFor(() => bob.got.length === 1 && bob.failed.length === 1, { what: 'both offers to be handled' })
    expect(bob.failed[0]).toMatchObject({ from: mallory.node.peerId.toString(), error: { name: 'ProtocolError', code: 'NOT_FOUND' } })
    expect(bob.got[0]).toMatchObject({ from: alice.node.peerId.toString(), name: 'photo.jpg' })
    expect(new TextDecoder().decode(bob.sink.files.get(bob.got[0].location)?.bytes)).toBe('alice\'s holiday photo')
  })

  it('parses media types: SVG in any spelling is never an inline image, parameters are dropped', async () => {
    for (const svg of ['image/svg+xml', 'image/svg+xml;charset=utf-8', 'IMAGE/SVG+XML; charset=utf-8', ' Image/Svg+Xml ', 'image/svg+xml ;']) {
      expect(isInlineImage(svg), svg).toBe(false)
      expect(normalizeMediaType(svg)).toBe('image/svg+xml')
    }
    for (const unsafe of ['text/html', 'image/', '/png', 'image', 'image/png/x', 'image/pn g', '']) expect(isInlineImage(unsafe), unsafe).toBe(false)
    expect(normalizeMediaType('image/pn g')).toBe('application/octet-stream')
    for (const [raw, essence] of [['image/png', 'image/png'], ['IMAGE/JPEG; q=1', 'image/jpeg'], ['image/webp;x=y', 'image/webp']]) {
      expect(isInlineImage(raw), raw).toBe(true)
      expect(normalizeMediaType(raw)).toBe(essence)
    }

    // What a receiving client reports is the parsed essence, whatever the sender wrote.
    const rv = await startRendezvous(cleanup)
    const bob = await peer(rv)
    await bob.client.start()
    const mallory = await peer(rv)
    await mallory.client.start()
    await mallory.files.send(bob.node.peerId, { name: 'cat.svg', mime: 'IMAGE/SVG+XML; charset=utf-8', bytes: text('<svg onload="alert(1)"/>') })
    await waitFor(() => bob.got.length === 1, { what: 'the svg at bob' })
    expect(bob.got[0].mime).toBe('image/svg+xml')
    expect(isInlineImage(bob.got[0].mime)).toBe(false)
  })
})
