// Attachments on their way, against a real rendezvous: a sender's cancel leaves nothing on the node
// and nothing at the recipient; a recipient's cancel keeps the file on the node for a retry; an offer
// naming a group is taken only from a member; and `babacloud group send --file` reaches a member.
import { writeFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { tcp } from '@libp2p/tcp'
import { afterEach, describe, expect, it } from 'vitest'
import { AttachmentService } from '../../protocol/attachments/attachment-service.ts'
import { MemoryAttachmentSink } from '../../protocol/attachments/sink.ts'
import { ChatClient } from '../../protocol/chat-client.ts'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { createChatNode } from '../../protocol/mesh/create-node.ts'
import { MemoryChatStore } from '../../protocol/store/memory-chat-store.ts'
import { Home } from '../../node/home.ts'
import { runCli } from '../helpers/cli.ts'
import { startRendezvous } from '../helpers/network.ts'
import { Cleanup, tempDir, waitFor } from '../helpers/wait.ts'
import type { AttachmentServiceEvents, ReceivedAttachment } from '../../protocol/attachments/attachment-service.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'
import type { TestRendezvous } from '../helpers/network.ts'

const MB = 1024 * 1024

interface Peer {
  node: ChatNode
  client: ChatClient
  attachments: AttachmentService
  sink: MemoryAttachmentSink
  received: ReceivedAttachment[]
  failed: Array<AttachmentServiceEvents['failed']['detail']>
  cancelled: string[]
  online(): Promise<void>
}

function randomFile (size: number): Uint8Array {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)))
  return bytes
}

describe('attachment transfers: cancel, retry, groups', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  async function peer (rv: TestRendezvous, groups: Record<string, string[]> = {}): Promise<Peer> {
    const identity = await DeviceIdentity.generate()
    const node = await createChatNode({ privateKey: identity.privateKey, transports: [tcp()], listen: ['/p2p-circuit'], privateNetwork: true })
    const client = new ChatClient({ node, identity, store: new MemoryChatStore(), rendezvous: rv.addr })
    const sink = new MemoryAttachmentSink()
    const attachments = new AttachmentService({ client, sink, isGroupMember: async (group, p) => groups[group]?.includes(p) === true })
    const p: Peer = { node, client, attachments, sink, received: [], failed: [], cancelled: [], online: async () => { await attachments.start(); await client.start() } }
    attachments.addEventListener('attachment', evt => { p.received.push(evt.detail) })
    attachments.addEventListener('failed', evt => { p.failed.push(evt.detail) })
    attachments.addEventListener('cancelled', evt => { p.cancelled.push(evt.detail.id) })
    cleanup.add(async () => {
      await attachments.stop()
      await client.stop()
      await node.stop()
    })
    return p
  }

  const blobCount = async (rv: TestRendezvous): Promise<number> => (await rv.node.blobs.stats()).blobs

  it('a sender that cancels mid-upload (or whose caption is too long) leaves no blob on the node and sends no offer', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await peer(rv)
    const bob = await peer(rv)
    await alice.online()
    // A caption the offer could not carry is refused before a byte is uploaded.
    await expect(alice.attachments.send(bob.client.peerId, { name: 'a.txt', bytes: randomFile(1000), caption: 'x'.repeat(20_000) })).rejects.toThrow(/caption is over/)
    expect(await blobCount(rv)).toBe(0)
    const abort = new AbortController()
    let shown = 0
    const sending = alice.attachments.send(bob.client.peerId, { name: 'big.bin', bytes: randomFile(8 * MB) }, {
      signal: abort.signal,
      onProgress: done => {
        shown = done
        if (done > 0) abort.abort()
      }
    })
    await expect(sending).rejects.toThrow()
    expect(shown).toBeGreaterThan(0)
    expect(shown).toBeLessThan(8 * MB)
    await waitFor(async () => await blobCount(rv) === 0, { what: 'the partial upload to be dropped' })
    // Bob comes online: nothing waits for him, neither the file nor an offer for it.
    await bob.online()
    await alice.attachments.send(bob.client.peerId, { name: 'small.txt', bytes: new TextEncoder().encode('after') })
    await waitFor(() => bob.received.length === 1, { what: 'the later file' })
    expect(bob.received.map(r => r.name)).toEqual(['small.txt'])
    expect(bob.failed).toEqual([])
    expect(bob.sink.pending).toBe(0)
  })

  it('a recipient that cancels a download keeps the file on the node and fetches it whole on retry', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await peer(rv)
    const bob = await peer(rv)
    await alice.online()
    const bytes = randomFile(6 * MB)
    // Bob is offline: the file is parked on the rendezvous.
    const sent = await alice.attachments.send(bob.client.peerId, { name: 'report.bin', bytes, caption: 'the report' })
    expect(sent.status).toBe('stored')
    bob.attachments.addEventListener('progress', evt => {
      if (evt.detail.received > 0 && bob.cancelled.length === 0) expect(bob.attachments.cancel(evt.detail.from, evt.detail.id)).toBe(true)
    })
    await bob.online()
    await waitFor(() => bob.cancelled.length === 1, { what: 'the cancelled download' })
    expect(bob.received).toEqual([])
    expect(bob.failed).toEqual([])
    expect(bob.sink.pending).toBe(0)
    expect(await blobCount(rv)).toBe(1)

    await bob.attachments.retry(alice.client.peerId.toString(), sent.id)
    expect(bob.received).toHaveLength(1)
    expect(bob.received[0]).toMatchObject({ name: 'report.bin', caption: 'the report', size: bytes.length })
    const got = bob.sink.files.get(bob.received[0].location)?.bytes ?? new Uint8Array()
    expect(Buffer.from(got).equals(Buffer.from(bytes))).toBe(true)
    await waitFor(async () => await blobCount(rv) === 0, { what: 'the downloaded blob to be deleted' })
  })

  it('takes a file naming a group only from a member of that group, and says which group', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await peer(rv)
    const mallory = await peer(rv)
    const members: Record<string, string[]> = {}
    const bob = await peer(rv, members)
    members.g1 = [alice.client.peerId.toString(), bob.client.peerId.toString()]
    await Promise.all([alice.online(), mallory.online(), bob.online()])

    const result = await alice.attachments.send([bob.client.peerId], { name: 'photo.png', mime: 'image/png', bytes: randomFile(100_000), group: 'g1', caption: 'for the group' })
    expect(result.failures).toEqual([])
    await waitFor(() => bob.received.length === 1, { what: 'the group file' })
    expect(bob.received[0]).toMatchObject({ name: 'photo.png', group: 'g1', from: alice.client.peerId.toString(), caption: 'for the group' })

    await mallory.attachments.send([bob.client.peerId], { name: 'spam.png', bytes: randomFile(1000), group: 'g1' }).catch(() => {})
    await waitFor(() => bob.failed.length === 1, { what: 'the refusal' })
    expect(bob.failed[0]).toMatchObject({ name: 'spam.png', from: mallory.client.peerId.toString() })
    expect(bob.failed[0].error.message).toMatch(/not a member of group g1/)
    expect(bob.received).toHaveLength(1)
  })

  it('sends a file to a group with `babacloud group send --file`; the member\'s `inbox --json` shows it with the group', async () => {
    const rv = await startRendezvous(cleanup)
    const homes = tempDir('babacloud-group-file-')
    cleanup.add(homes.remove)
    const [a, b] = [join(homes.dir, 'a'), join(homes.dir, 'b')]
    const ids = await Promise.all([a, b].map(async home => (await new Home(home).init()).identity.peerId.toString()))
    const cli = async (home: string, ...args: string[]): Promise<Array<Record<string, any>>> => {
      const r = await runCli([...args, '--home', home, '--rendezvous', rv.addr.toString(), '--json'], { timeout: 60_000 })
      if (r.code !== 0) throw new Error(`babacloud ${args.join(' ')}: ${r.stderr}`)
      return r.stdout.trim().split('\n').filter(l => l !== '').map(l => JSON.parse(l))
    }
    const [created] = await cli(a, 'group', 'create', '--name', 'Files', '--member', ids[1])
    const groupId = created.id as string
    // The member takes the invitation and the sender key.
    await cli(b, 'inbox')
    const file = join(homes.dir, 'plan.pdf')
    writeFileSync(file, Buffer.from(randomFile(300_000)))

    const [sent] = await cli(a, 'group', 'send', '--group', groupId, '--file', file, 'the', 'plan')
    expect(sent).toMatchObject({ group: groupId, failures: [], attachment: { name: 'plan.pdf', mime: 'application/pdf', size: 300_000 } })
    expect(sent.members).toHaveLength(1)

    const lines = (await cli(b, 'inbox')).filter(l => l.attachment != null)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ kind: 'message', from: ids[0], group: groupId, text: 'the plan', attachment: { name: 'plan.pdf', size: 300_000 } })
    expect(readFileSync(lines[0].attachment.path).equals(readFileSync(file))).toBe(true)

    // A file does not answer a message: --reply-to with --file is refused with one clear line.
    const refused = await runCli(['group', 'send', '--home', a, '--group', groupId, '--file', file, '--reply-to', 'x'])
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toMatch(/--reply-to takes a text message/)
  }, 180_000)
})
