// The pipelined mailbox drain on real nodes: a backlog of several pages arrives complete, in order
// within each conversation, each message shown once, stored one transaction per page and acked only
// after the local commit; a failing local write acks nothing it covers; a crash between the local
// commit and the ack ends in a re-fetch that shows nothing twice.
import { join } from 'node:path'
import { tcp } from '@libp2p/tcp'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { WorkerCryptoPool } from '../../../node/crypto-pool.ts'
import { SqliteChatStore } from '../../../node/sqlite-chat-store.ts'
import { ChatClient } from '../../../protocol/chat-client.ts'
import { createEnvelope, envelopeIdToString } from '../../../protocol/crypto/envelope.ts'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { PagePipeline } from '../../../protocol/mailbox/mailbox-pipeline.ts'
import { createChatNode } from '../../../protocol/mesh/create-node.ts'
import { MemoryChatStore } from '../../../protocol/store/memory-chat-store.ts'
import { StoreWriteError } from '../../../protocol/store/chat-store.ts'
import { Envelope } from '../../../protocol/wire/generated/messages.ts'
import { startRendezvous } from '../../helpers/network.ts'
import { Cleanup, tempDir } from '../../helpers/wait.ts'
import type { MailboxPage } from '../../../protocol/mailbox/mailbox-client.ts'
import type { ChatMessage, ChatStore } from '../../../protocol/store/chat-store.ts'
import type { TestRendezvous } from '../../helpers/network.ts'

const DAY = 86_400_000

/** Records which message ids each store commit held (the commit is the real store's). */
class RecordingStore extends MemoryChatStore {
  readonly committed = new Set<string>()
  commits = 0

  override async addMessages (messages: ChatMessage[]): Promise<boolean[]> {
    const added = await super.addMessages(messages)
    this.commits++
    for (const m of messages) this.committed.add(m.id)
    return added
  }
}

describe('mailbox sync', { timeout: 120_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  /** Queues `count` sealed envelopes for `reader`, from `senders` in turn, straight into the node's store. */
  async function queue (rv: TestRendezvous, reader: DeviceIdentity, senders: DeviceIdentity[], count: number): Promise<string[]> {
    const ids: string[] = []
    for (let i = 0; i < count; i++) {
      const s = senders[i % senders.length]
      const env = createEnvelope(s, reader.peerId, { text: `${s.peerId.toString()} #${Math.floor(i / senders.length)}` })
      await rv.node.store.deposit({ id: env.id, sender: s.peerId.toString(), recipient: reader.peerId.toString(), sentAt: Number(env.sentAt), bytes: Envelope.encode(env) }, { maxMessages: 1e6, maxBytes: 1e9, retentionMs: DAY })
      ids.push(envelopeIdToString(env.id))
    }
    return ids
  }

  /** Acks reaching the node's store, checked against what the client's store holds as each arrives. */
  function watchAcks (rv: TestRendezvous, committed: () => Promise<Set<string>>): { acked: string[], early: string[] } {
    const store = rv.node.store
    // The node acks through ackWithSenders (it learns each sender, for purge receipts).
    const ack = store.ackWithSenders.bind(store)
    const seen = { acked: [] as string[], early: [] as string[] }
    store.ackWithSenders = async (recipient, ids) => {
      const held = await committed()
      for (const id of ids.map(envelopeIdToString)) {
        seen.acked.push(id)
        if (!held.has(id)) seen.early.push(id)
      }
      return await ack(recipient, ids)
    }
    return seen
  }

  async function pending (rv: TestRendezvous, reader: DeviceIdentity): Promise<number> {
    return (await rv.node.store.fetch(reader.peerId.toString(), 0n, 10_000)).envelopes.length
  }

  async function reader (rv: TestRendezvous, identity: DeviceIdentity, store: ChatStore, cryptoPool?: WorkerCryptoPool): Promise<{ client: ChatClient, shown: string[] }> {
    const node = await createChatNode({ privateKey: identity.privateKey, transports: [tcp()], privateNetwork: true })
    const client = new ChatClient({ node, identity, store, rendezvous: rv.addr, federation: false, publishPrekeys: false, ...(cryptoPool != null ? { cryptoPool } : {}) })
    const shown: string[] = []
    client.addEventListener('message', evt => { shown.push(evt.detail.id) })
    cleanup.add(async () => { await client.stop(); await node.stop() })
    await client.start({ receive: false })
    return { client, shown }
  }

  it('takes a backlog of several pages complete, in order per conversation, shown once, acked only after the commit', async () => {
    const rv = await startRendezvous(cleanup)
    const bob = await DeviceIdentity.generate()
    const senders = await Promise.all([1, 2, 3].map(async () => await DeviceIdentity.generate()))
    const ids = await queue(rv, bob, senders, 330)
    const store = new RecordingStore()
    const acks = watchAcks(rv, async () => store.committed)
    const { client, shown } = await reader(rv, bob, store)

    expect(await client.sync()).toBe(330)
    expect(shown).toHaveLength(330)
    expect(new Set(shown).size).toBe(330)
    expect(new Set(shown)).toEqual(new Set(ids))
    for (const s of senders) {
      const texts = (await store.listMessages({ peer: s.peerId.toString() })).map(m => m.text)
      expect(texts).toEqual(Array.from({ length: 110 }, (_, n) => `${s.peerId.toString()} #${n}`))
    }
    // One local transaction per page of 50, every id acked once and none before its commit.
    expect(store.commits).toBe(7)
    expect(acks.early).toEqual([])
    expect(acks.acked.sort()).toEqual([...ids].sort())
    expect(await pending(rv, bob)).toBe(0)
    // Nothing is left to take, and nothing is shown again.
    expect(await client.sync()).toBe(0)
    expect(shown).toHaveLength(330)
  })

  it('checks pages on worker threads with the same outcome: forged and misaddressed envelopes dropped, the rest shown once', async () => {
    const rv = await startRendezvous(cleanup)
    const bob = await DeviceIdentity.generate()
    const senders = await Promise.all([1, 2].map(async () => await DeviceIdentity.generate()))
    const ids = await queue(rv, bob, senders, 120)
    // Into the first page: a signature that does not verify, and an envelope sealed to another device.
    const deposit = async (env: Envelope, sender: DeviceIdentity): Promise<void> => {
      await rv.node.store.deposit({ id: env.id, sender: sender.peerId.toString(), recipient: bob.peerId.toString(), sentAt: Number(env.sentAt), bytes: Envelope.encode(env) }, { maxMessages: 1e6, maxBytes: 1e9, retentionMs: DAY })
    }
    const forged = createEnvelope(senders[0], bob.peerId, { text: 'forged' })
    forged.signature[0] ^= 1
    await deposit(forged, senders[0])
    const misaddressed = createEnvelope(senders[1], (await DeviceIdentity.generate()).peerId, { text: 'not for bob' })
    await deposit(misaddressed, senders[1])
    const pool = new WorkerCryptoPool(2)
    cleanup.add(async () => { await pool.close() })
    const store = new RecordingStore()
    const acks = watchAcks(rv, async () => store.committed)
    const { client, shown } = await reader(rv, bob, store, pool)

    expect(await client.sync()).toBe(120)
    expect(new Set(shown)).toEqual(new Set(ids))
    expect(shown).toHaveLength(120)
    for (const s of senders) {
      const texts = (await store.listMessages({ peer: s.peerId.toString() })).map(m => m.text)
      expect(texts).toEqual(Array.from({ length: 60 }, (_, n) => `${s.peerId.toString()} #${n}`))
    }
    // The two refused envelopes are acked unstored (dropped); everything else only after its commit.
    expect(acks.early.sort()).toEqual([forged.id, misaddressed.id].map(envelopeIdToString).sort())
    expect(acks.acked).toHaveLength(122)
    expect(await pending(rv, bob)).toBe(0)
  })

  it('acks nothing a failed local write covered; the next sync takes the rest, each message once', async () => {
    const rv = await startRendezvous(cleanup)
    const bob = await DeviceIdentity.generate()
    const senders = await Promise.all([1, 2].map(async () => await DeviceIdentity.generate()))
    const ids = await queue(rv, bob, senders, 120)
    const dir = tempDir('babacloud-sync-')
    cleanup.add(dir.remove)
    const path = join(dir.dir, 'bob.sqlite')
    const store = new SqliteChatStore(path)
    cleanup.add(async () => { await store.close() })
    // A real write failure inside SQLite once two pages are stored (as a full disk would fail it).
    const admin = new Database(path)
    cleanup.add(() => { admin.close() })
    admin.exec("CREATE TRIGGER fail_third_page BEFORE INSERT ON messages WHEN (SELECT count(*) FROM messages) >= 100 BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    const acks = watchAcks(rv, async () => new Set((await store.listMessages()).map(m => m.id)))
    const { client, shown } = await reader(rv, bob, store)

    await expect(client.sync()).rejects.toBeInstanceOf(StoreWriteError)
    expect(acks.early).toEqual([])
    expect(acks.acked).toHaveLength(100)
    expect(await pending(rv, bob)).toBe(20)
    expect(shown).toHaveLength(100)

    admin.exec('DROP TRIGGER fail_third_page')
    expect(await client.sync()).toBe(20)
    expect(acks.early).toEqual([])
    expect(await pending(rv, bob)).toBe(0)
    expect(new Set(shown)).toEqual(new Set(ids))
    expect(shown).toHaveLength(120)
    expect((await store.listMessages()).map(m => m.id).sort()).toEqual([...ids].sort())
  })

  it('shows each message once after a crash between the local commit and the ack', async () => {
    const rv = await startRendezvous(cleanup)
    const bob = await DeviceIdentity.generate()
    const sender = await DeviceIdentity.generate()
    const ids = await queue(rv, bob, [sender], 120)
    const dir = tempDir('babacloud-sync-')
    cleanup.add(dir.remove)
    const path = join(dir.dir, 'bob.sqlite')
    let current: ChatStore | undefined
    const acks = watchAcks(rv, async () => new Set((await current?.listMessages() ?? []).map(m => m.id)))

    // First run: the process "dies" right after its first page is committed: its node goes away
    // before any ack can leave, and the client is dropped without stopping.
    const store1 = new SqliteChatStore(path)
    current = store1
    const node1 = await createChatNode({ privateKey: bob.privateKey, transports: [tcp()], privateNetwork: true })
    cleanup.add(async () => { await node1.stop() })
    const client1 = new ChatClient({ node: node1, identity: bob, store: store1, rendezvous: rv.addr, federation: false, publishPrekeys: false })
    const shown: string[] = []
    client1.addEventListener('message', evt => { shown.push(evt.detail.id) })
    await client1.start({ receive: false })
    const add1 = store1.addMessages.bind(store1)
    store1.addMessages = async messages => {
      const added = await add1(messages)
      await node1.stop()
      return added
    }
    await expect(client1.sync()).rejects.toThrow()
    await store1.close()
    // The first page, and any page already fetched ahead, committed; nothing acked.
    expect(shown.length).toBeGreaterThanOrEqual(50)
    expect(acks.acked).toEqual([])
    expect(await pending(rv, bob)).toBe(120)

    // Next start on the same database: what was committed is re-fetched and deduplicated.
    const store2 = new SqliteChatStore(path)
    current = store2
    cleanup.add(async () => { await store2.close() })
    const { client: client2, shown: shown2 } = await reader(rv, bob, store2)
    expect(await client2.sync()).toBe(120 - shown.length)
    expect(acks.early).toEqual([])
    shown.push(...shown2)
    expect(shown).toHaveLength(120)
    expect(new Set(shown)).toEqual(new Set(ids))
    expect((await store2.listMessages()).map(m => m.id).sort()).toEqual([...ids].sort())
    expect(await pending(rv, bob)).toBe(0)
  })

  it('keeps a bounded number of pages requested ahead of the one being stored', async () => {
    const requested: bigint[] = []
    const answers = new Map<bigint, (page: MailboxPage) => void>()
    const pipeline = new PagePipeline(async after => {
      requested.push(after)
      return await new Promise<MailboxPage>(resolve => { answers.set(after, resolve) })
    }, 2)
    const page = (cursor: bigint, more: boolean): MailboxPage => ({ envelopes: [], cursor, more })
    const settle = async (): Promise<void> => { for (let i = 0; i < 5; i++) await Promise.resolve() }

    const first = pipeline.next()
    await settle()
    expect(requested).toEqual([0n])
    answers.get(0n)?.(page(10n, true))
    expect((await first)?.cursor).toBe(10n)
    await settle()
    // While page 1 is being stored, page 2 is already asked for.
    expect(requested).toEqual([0n, 10n])
    answers.get(10n)?.(page(20n, true))
    await settle()
    expect(requested).toEqual([0n, 10n, 20n])
    answers.get(20n)?.(page(30n, true))
    await settle()
    // Two pages ahead of the one taken: no more until the caller takes the next.
    expect(requested).toEqual([0n, 10n, 20n])
    expect((await pipeline.next())?.cursor).toBe(20n)
    await settle()
    expect(requested).toEqual([0n, 10n, 20n, 30n])
    answers.get(30n)?.(page(40n, false))
    expect((await pipeline.next())?.cursor).toBe(30n)
    expect((await pipeline.next())?.cursor).toBe(40n)
    expect(await pipeline.next()).toBeUndefined()
    expect(requested).toEqual([0n, 10n, 20n, 30n])
  })
})
