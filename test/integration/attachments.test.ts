// Attachments against a real rendezvous: 5 MB directly and via the rendezvous byte for byte,
// tampering, size limits, quota, privacy of the stored bytes, who may download, account deletion,
// and the CLI (`send --file`, `inbox --json`).
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tcp } from '@libp2p/tcp'
import { hexToBytes } from '@noble/hashes/utils.js'
import { afterEach, describe, expect, it } from 'vitest'
import { AttachmentService } from '../../protocol/attachments/attachment-service.ts'
import { BlobClient } from '../../protocol/attachments/blob-client.ts'
import { sealAttachment } from '../../protocol/attachments/cipher.ts'
import { ATTACHMENT_CONTROL_TYPE } from '../../protocol/attachments/constants.ts'
import { openDirect, pushDirect } from '../../protocol/attachments/direct-transfer.ts'
import { AttachmentOffer } from '../../protocol/attachments/generated/wire.ts'
import { MemoryAttachmentSink } from '../../protocol/attachments/sink.ts'
import { ChatClient } from '../../protocol/chat-client.ts'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { createChatNode } from '../../protocol/mesh/create-node.ts'
import { MemoryChatStore } from '../../protocol/store/memory-chat-store.ts'
import { FileAttachmentSink } from '../../node/attachment-sink.ts'
import { Home } from '../../node/home.ts'
import { runCli } from '../helpers/cli.ts'
import { startRendezvous } from '../helpers/network.ts'
import { Cleanup, tempDir, waitFor } from '../helpers/wait.ts'
import type { AttachmentServiceEvents, ReceivedAttachment } from '../../protocol/attachments/attachment-service.ts'
import type { AttachmentSink } from '../../protocol/attachments/sink.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'
import type { SqlBlobStore } from '../../rendezvous/blobs/sql-blob-store.ts'
import type { TestRendezvous } from '../helpers/network.ts'

const MB = 1024 * 1024

interface Peer {
  node: ChatNode
  client: ChatClient
  attachments: AttachmentService
  sink: MemoryAttachmentSink
  received: ReceivedAttachment[]
  failed: Array<AttachmentServiceEvents['failed']['detail']>
  /** Registers the attachment handler, then connects and takes the mailbox. */
  online(): Promise<void>
}

/** A file with a canary string in it, so storage can be searched for its plaintext. */
function fileWithCanary (size: number): { bytes: Uint8Array, canary: string } {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)))
  const canary = `attachment-canary-${Math.random().toString(36).slice(2)}-plaintext`
  bytes.set(new TextEncoder().encode(canary), Math.floor(size / 3))
  return { bytes, canary }
}

function filesUnder (dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

describe('attachments', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  async function peer (rv: TestRendezvous, options: { tcp?: boolean, sink?: AttachmentSink, maxBytes?: number } = {}): Promise<Peer> {
    const identity = await DeviceIdentity.generate()
    const listen = options.tcp === true ? ['/ip4/127.0.0.1/tcp/0', '/p2p-circuit'] : ['/p2p-circuit']
    const node = await createChatNode({ privateKey: identity.privateKey, transports: [tcp()], listen, privateNetwork: true })
    const client = new ChatClient({ node, identity, store: new MemoryChatStore(), rendezvous: rv.addr })
    const sink = new MemoryAttachmentSink()
    const attachments = new AttachmentService({ client, sink: options.sink ?? sink, maxBytes: options.maxBytes })
    const received: Peer['received'] = []
    const failed: Peer['failed'] = []
    attachments.addEventListener('attachment', evt => { received.push(evt.detail) })
    attachments.addEventListener('failed', evt => { failed.push(evt.detail) })
    cleanup.add(async () => {
      await attachments.stop()
      await client.stop()
      await node.stop()
    })
    const online = async (): Promise<void> => {
      await attachments.start()
      await client.start()
    }
    return { node, client, attachments, sink, received, failed, online }
  }

  const blobCount = async (rv: TestRendezvous): Promise<number> => (await rv.node.blobs.stats()).blobs

  it('sends 5 MB straight to an online peer byte for byte, and rejects a chunk tampered with in transit', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await peer(rv)
    const bob = await peer(rv, { tcp: true })
    await alice.online()
    await bob.online()
    const addr = bob.node.getMultiaddrs().find(ma => ma.toString().includes('/tcp/') && !ma.toString().includes('p2p-circuit'))
    if (addr == null) throw new Error('bob has no TCP address')
    const connection = await alice.node.dial(addr)

    const { bytes } = fileWithCanary(5 * MB)
    const progress: number[] = []
    const result = await alice.attachments.send(bob.node.peerId, { name: 'big.bin', mime: 'application/octet-stream', bytes, caption: 'the big one' }, { onProgress: done => { progress.push(done) } })
    expect(result).toMatchObject({ status: 'delivered', path: 'direct' })
    expect(progress.at(-1)).toBeGreaterThanOrEqual(5 * MB)
    await waitFor(() => bob.received.length === 1, { what: 'the attachment at bob' })
    expect(bob.received[0]).toMatchObject({ id: result.id, name: 'big.bin', size: 5 * MB, caption: 'the big one', path: 'direct', from: alice.node.peerId.toString() })
    const stored = bob.sink.files.get(bob.received[0].location)?.bytes
    expect(stored?.length).toBe(bytes.length)
    expect(Buffer.from(stored ?? []).equals(Buffer.from(bytes))).toBe(true)
    expect(await blobCount(rv)).toBe(0)

    // A genuine offer, then a byte flipped in the second chunk on its way.
    const sealed = sealAttachment(fileWithCanary(300 * 1024).bytes)
    await alice.client.sendControl(bob.node.peerId, ATTACHMENT_CONTROL_TYPE, AttachmentOffer.encode({
      id: sealed.id as Uint8Array<ArrayBuffer>, key: sealed.key as Uint8Array<ArrayBuffer>, digest: sealed.digest as Uint8Array<ArrayBuffer>, size: BigInt(sealed.size), chunks: sealed.chunks, name: 'x.bin', mime: '', caption: '', source: AttachmentOffer.Source.DIRECT
    }))
    const tampered = sealed.ciphertext[1].slice()
    tampered[7] ^= 0x80
    sealed.ciphertext[1] = tampered
    await expect(pushDirect(await openDirect(connection), sealed)).rejects.toMatchObject({ name: 'AttachmentError', code: 'INTEGRITY' })
    await waitFor(() => bob.failed.length === 1, { what: 'the rejection at bob' })
    expect(bob.failed[0].error).toMatchObject({ code: 'INTEGRITY' })
    expect(bob.received).toHaveLength(1)
    expect(bob.sink.pending).toBe(0)
    expect(bob.sink.files.size).toBe(1)
  })

  it('stores 5 MB for an offline peer as ciphertext only, for that peer only, and delivers it later', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await peer(rv)
    const bob = await peer(rv)
    const mallory = await peer(rv)
    await alice.online()
    await mallory.online()

    const { bytes, canary } = fileWithCanary(5 * MB)
    const result = await alice.attachments.send(bob.node.peerId, { name: 'secret-plans.pdf', mime: 'application/pdf', bytes })
    expect(result).toMatchObject({ status: 'stored', path: 'mailbox' })
    expect(await blobCount(rv)).toBe(1)
    // Counted against alice's allowance (she uploaded it), not bob's mailbox.
    expect(await rv.node.blobs.senderUsage(alice.node.peerId.toString(), Date.now())).toBeGreaterThan(5 * MB)

    for (const file of filesUnder(rv.dataDir)) {
      const data = readFileSync(file)
      expect(data.includes(Buffer.from(canary)), `canary in ${file}`).toBe(false)
      expect(data.includes(Buffer.from('secret-plans.pdf')), `file name in ${file}`).toBe(false)
    }

    const id = hexToBytes(result.id)
    const theft = new BlobClient(mallory.node, rv.addr)
    await expect(theft.download(id, async () => {})).rejects.toMatchObject({ name: 'ProtocolError', code: 'NOT_FOUND' })
    await theft.delete(id)
    expect(await blobCount(rv)).toBe(1)

    await bob.online()
    await waitFor(() => bob.received.length === 1, { what: 'the attachment from the rendezvous' })
    expect(bob.received[0]).toMatchObject({ name: 'secret-plans.pdf', mime: 'application/pdf', size: 5 * MB, path: 'mailbox' })
    expect(Buffer.from(bob.sink.files.get(bob.received[0].location)?.bytes ?? []).equals(Buffer.from(bytes))).toBe(true)
    // Deleted once downloaded.
    await waitFor(async () => await blobCount(rv) === 0, { what: 'the blob to be deleted' })
  })

  it('rejects a tampered chunk on the rendezvous and keeps nothing of it', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await peer(rv)
    const dir = tempDir('babacloud-att-')
    cleanup.add(dir.remove)
    const bob = await peer(rv, { sink: new FileAttachmentSink(dir.dir) })
    await alice.online()
    await alice.attachments.send(bob.node.peerId, { name: 'photo.jpg', bytes: fileWithCanary(300 * 1024).bytes })

    const db = (rv.node.blobs as SqlBlobStore).sql.sqlite!
    const row = db.prepare('SELECT blob, data FROM blob_chunks WHERE idx = 2').get() as { blob: number, data: Uint8Array }
    const data = new Uint8Array(row.data)
    data[1000] ^= 0x01
    db.prepare('UPDATE blob_chunks SET data = ? WHERE blob = ? AND idx = 2').run(data, row.blob)

    await bob.online()
    await waitFor(() => bob.failed.length === 1, { what: 'the tampered attachment to be rejected' })
    expect(bob.failed[0].error).toMatchObject({ name: 'AttachmentError', code: 'INTEGRITY' })
    expect(bob.received).toEqual([])
    expect(existsSync(dir.dir) ? readdirSync(dir.dir) : []).toEqual([])
    await waitFor(async () => await blobCount(rv) === 0, { what: 'the corrupt blob to be deleted' })
  })

  it('refuses attachments over the size limits with typed errors', async () => {
    const rv = await startRendezvous(cleanup, { attachments: { maxBytes: '1MB' } })
    const alice = await peer(rv, { maxBytes: 3 * MB })
    const bob = await peer(rv)
    const carol = await peer(rv, { tcp: true, maxBytes: 512 * 1024 })
    await alice.online()
    await carol.online()
    const big = { name: 'big.bin', bytes: fileWithCanary(2 * MB).bytes }
    // The rendezvous's limit, for an offline recipient.
    await expect(alice.attachments.send(bob.node.peerId, big)).rejects.toMatchObject({ name: 'ProtocolError', code: 'TOO_LARGE' })
    expect(await blobCount(rv)).toBe(0)
    // The sender's own limit.
    await expect(alice.attachments.send(bob.node.peerId, { name: 'huge.bin', bytes: new Uint8Array(3 * MB + 1) })).rejects.toMatchObject({ name: 'AttachmentError', code: 'TOO_LARGE' })
    // The recipient's limit, on the direct path: refused for good, not retried through the rendezvous.
    const addr = carol.node.getMultiaddrs().find(ma => ma.toString().includes('/tcp/') && !ma.toString().includes('p2p-circuit'))
    if (addr == null) throw new Error('carol has no TCP address')
    await alice.node.dial(addr)
    await expect(alice.attachments.send(carol.node.peerId, { name: 'mid.bin', bytes: new Uint8Array(2 * MB) })).rejects.toMatchObject({ name: 'ProtocolError', code: 'TOO_LARGE' })
    expect(carol.received).toEqual([])
    expect(await blobCount(rv)).toBe(0)
  })

  it('counts blobs against the uploader, not the recipient\'s mailbox, and deletes them with the account', async () => {
    const rv = await startRendezvous(cleanup, { mailbox: { maxBytes: '1MB' } })
    const alice = await peer(rv)
    const bob = await peer(rv)
    await alice.online()
    await bob.client.start({ receive: false })
    await bob.client.accounts?.signUp({ username: 'bob' }, '1990-01-01')
    await alice.attachments.send(bob.node.peerId, { name: 'a.bin', bytes: new Uint8Array(MB - 20 * 1024) })
    // alice's own allowance (her plan within the node's 1 MB ceiling) is used up…
    await expect(alice.attachments.send(bob.node.peerId, { name: 'b.bin', bytes: new Uint8Array(100 * 1024) })).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED' })
    // …while bob's mailbox still takes mail.
    expect(await alice.client.send(bob.node.peerId, 'x'.repeat(30_000))).toMatchObject({ status: 'stored' })
    expect(await blobCount(rv)).toBe(1)

    await bob.client.accounts?.delete()
    expect(await blobCount(rv)).toBe(0)
    const db = (rv.node.blobs as SqlBlobStore).sql.sqlite!
    expect(db.prepare('SELECT count(*) AS n FROM blob_chunks').get()).toEqual({ n: 0 })
  })

  it('sends with `babacloud send --file` and shows it in `babacloud inbox --json`', async () => {
    const rv = await startRendezvous(cleanup)
    const homes = tempDir('babacloud-att-cli-')
    cleanup.add(homes.remove)
    const [a, b] = [join(homes.dir, 'a'), join(homes.dir, 'b')]
    // Identities made in-process: `babacloud init` has its own tests, and each CLI run costs seconds.
    const ids = await Promise.all([a, b].map(async home => (await new Home(home).init()).identity.peerId.toString()))
    const file = join(homes.dir, 'notes.txt')
    writeFileSync(file, 'meeting notes\n'.repeat(10_000))

    const sent = await runCli(['send', '--home', a, '--rendezvous', rv.addr.toString(), '--to', ids[1], '--file', file, '--json', 'see', 'attached'])
    expect(sent.stderr).toBe('')
    expect(JSON.parse(sent.stdout)).toMatchObject({ status: 'stored', attachment: { name: 'notes.txt', mime: 'text/plain', size: 140_000 } })

    const inbox = await runCli(['inbox', '--home', b, '--rendezvous', rv.addr.toString(), '--json'])
    const lines = inbox.stdout.trim().split('\n').map(l => JSON.parse(l))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ from: ids[0], text: 'see attached', attachment: { name: 'notes.txt', size: 140_000, mime: 'text/plain' } })
    expect(lines[0].attachment.path.startsWith(join(b, 'attachments'))).toBe(true)
    expect(readFileSync(lines[0].attachment.path).equals(readFileSync(file))).toBe(true)
  })
})
