// Two rendezvous instances sharing one PostgreSQL: a deposit made through one wakes a recipient
// connected to the other at once, and concurrent fetch/ack through both delivers each message once;
// prekeys and plans are shared too.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ChatClient } from '../../protocol/chat-client.ts'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { createChatNode } from '../../protocol/mesh/create-node.ts'
import { MemoryChatStore } from '../../protocol/store/memory-chat-store.ts'
import { PrekeyClient } from '../../protocol/prekeys/prekey-client.ts'
import { resolveConfig } from '../../rendezvous/config.ts'
import { RendezvousNode } from '../../rendezvous/rendezvous-node.ts'
import { openAccountStore } from '../../rendezvous/stores.ts'
import { PostgresStore } from '../../rendezvous/storage/postgres-store.ts'
import { makeEnvelope } from '../compliance/rendezvous-store.ts'
import { startPostgres } from '../helpers/postgres.ts'
import { startSmtp } from '../helpers/smtp.ts'
import { Cleanup } from '../helpers/wait.ts'
import type { ChatClientEvents } from '../../protocol/chat-client.ts'
import type { ChatStore } from '../../protocol/store/chat-store.ts'
import type { PostgresServer } from '../helpers/postgres.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

type Received = ChatClientEvents['message']['detail']

let server: PostgresServer
beforeAll(async () => { server = await startPostgres() })
afterAll(async () => { await server?.stop() })

/** Stopped in reverse order of starting: peers first, then rendezvous nodes, then pools. */
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface Instance { node: RendezvousNode, store: PostgresStore, addr: Multiaddr }

/** Prekeys and billing are left to the node: with PostgreSQL stores it keeps them in that database. */
async function startInstance (url: string, config: Record<string, unknown> = {}): Promise<Instance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'babacloud-multi-'))
  const store = await PostgresStore.open({ connection: url })
  const accountStore = await openAccountStore(url, dataDir)
  const node = new RendezvousNode({ dataDir, store, accountStore, config: resolveConfig({ listen: ['/ip4/127.0.0.1/tcp/0'], http: false, ...config }) })
  cleanups.push(async () => {
    await node.stop()
    await store.close()
    await accountStore.close().catch(() => {})
    rmSync(dataDir, { recursive: true, force: true })
  })
  const info = await node.start()
  const first = info.multiaddrs[0]
  const addr = multiaddr(first.includes('/p2p/') ? first : `${first}/p2p/${info.peerId}`)
  return { node, store, addr }
}

/** Starts a Node peer; `received` collects its 'message' events from before its first sync. */
async function startPeer (identity: DeviceIdentity, rendezvous: Multiaddr, received: Received[] = [], store: ChatStore = new MemoryChatStore()): Promise<ChatClient> {
  const node = await createChatNode({ privateKey: identity.privateKey, transports: [tcp()], listen: ['/p2p-circuit'], privateNetwork: true })
  // Live delivery fails fast here (no reservation at the sender's rendezvous); keep its bound short anyway.
  const client = new ChatClient({ node, identity, store, rendezvous, liveTimeoutMs: 3_000 })
  client.addEventListener('message', evt => { received.push(evt.detail) })
  cleanups.push(async () => {
    await client.stop()
    await node.stop()
  })
  await client.start()
  return client
}

/** Polls a condition until it holds or the deadline passes; the deadline is a failure, not a wait. */
async function until (what: string, check: () => boolean | Promise<boolean>, ms = 8_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

describe('several rendezvous instances on one PostgreSQL', () => {
  it('pushes a message deposited through instance A to a recipient connected only to instance B', async () => {
    const url = await server.createDatabase()
    const a = await startInstance(url)
    const b = await startInstance(url)
    const bob = await DeviceIdentity.generate()
    const received: Received[] = []
    const recipient = await startPeer(bob, b.addr, received)
    const sender = await startPeer(await DeviceIdentity.generate(), a.addr)

    const arrived = new Promise<Received>(resolve => {
      recipient.addEventListener('message', evt => { resolve(evt.detail) }, { once: true })
    })
    const sent = await sender.send(bob.peerId, 'hello through A')
    // Bob holds no reservation at A, so the live path fails and A stores the message.
    expect(sent).toMatchObject({ status: 'stored', path: 'mailbox' })
    // "At once": counted from the ack of the deposit, not from a sync Bob would do later anyway.
    const message = await Promise.race([arrived, new Promise<never>((resolve, reject) => {
      setTimeout(() => { reject(new Error('the recipient was not woken within 5 s')) }, 5_000)
    })])
    expect(message).toMatchObject({ id: sent.id, text: 'hello through A', path: 'mailbox' })
    expect(recipient.node.getConnections(a.node.node.peerId)).toHaveLength(0)
    await until('the ack to reach the database', async () => (await a.store.stats()).envelopes === 0)
    expect(received).toHaveLength(1)
  })

  it('shares accounts: signed up and verified through A, found and linked through B, deleted everywhere', async () => {
    const url = await server.createDatabase()
    const mail = new Cleanup()
    cleanups.push(async () => { await mail.run() })
    const smtp = await startSmtp(mail)
    const a = await startInstance(url, { smtp: smtp.config })
    const b = await startInstance(url)
    const ana = await startPeer(await DeviceIdentity.generate(), a.addr)
    const phone = await startPeer(await DeviceIdentity.generate(), b.addr)
    const friend = await startPeer(await DeviceIdentity.generate(), b.addr)
    await ana.accounts?.signUp({ username: 'ana', email: 'ana@example.org' }, '1990-01-01')
    await friend.accounts?.signUp({ username: 'friend' }, '1990-01-01')
    expect(await friend.accounts?.resolve('ana')).toEqual([ana.peerId.toString()])
    const { code } = await ana.accounts?.createLinkCode() ?? { code: '' }
    await phone.accounts?.linkDevice('ana', code)
    // B has no SMTP server, but the code A sent is in the shared database.
    await ana.accounts?.verifyStart('email')
    await phone.accounts?.verifyConfirm('email', await smtp.codeFor('ana@example.org'))
    expect((await friend.accounts?.discover([{ kind: 'email', value: 'ana@example.org' }]))?.map(m => m.username)).toEqual(['ana'])
    expect((await ana.accounts?.get())?.devices).toHaveLength(2)
    await phone.accounts?.delete()
    await expect(friend.accounts?.resolve('ana')).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('shares prekeys: a bundle published through A is fetched through B, each one-time key handed out once', async () => {
    const url = await server.createDatabase()
    const a = await startInstance(url)
    const b = await startInstance(url)
    const alice = await startPeer(await DeviceIdentity.generate(), a.addr)
    // start() publishes through A in the background; this joins that run.
    const published = await alice.sessions.ensurePrekeys()
    expect(published).toMatchObject({ hasBundle: true })
    const oneTime = published?.oneTimeRemaining ?? 0
    expect(oneTime).toBeGreaterThan(1)

    const viaB = new PrekeyClient((await startPeer(await DeviceIdentity.generate(), b.addr)).node, b.addr)
    const viaA = new PrekeyClient((await startPeer(await DeviceIdentity.generate(), a.addr)).node, a.addr)
    const [fromB, fromA] = await Promise.all([viaB.fetch(alice.peerId), viaA.fetch(alice.peerId)])
    expect(fromB?.oneTimePrekey).toBeDefined()
    expect(fromA?.oneTimePrekey).toBeDefined()
    expect(fromB?.signedPrekey.id).toBe(fromA?.signedPrekey.id)
    expect(fromB?.oneTimePrekey?.id).not.toBe(fromA?.oneTimePrekey?.id)
    // The owner sees the same count through either instance.
    expect(await new PrekeyClient(alice.node, b.addr).status()).toMatchObject({ oneTimeRemaining: oneTime - 2, hasBundle: true })
  })

  it('shares plans: a plan granted through A holds deposits through B', async () => {
    const url = await server.createDatabase()
    const plans = { free: { mailbox: { maxMessages: 1 } }, premium: { mailbox: { maxMessages: 3 } } }
    const a = await startInstance(url, { plans })
    const b = await startInstance(url, { plans })
    const bobId = await DeviceIdentity.generate()
    const bob = await startPeer(bobId, b.addr)
    const account = await bob.accounts?.signUp({ username: 'bob' }, '1990-01-01')
    // Offline, so deposits for Bob wait in the mailbox and count against his plan.
    await bob.stop()
    await bob.node.stop()
    const sender = await startPeer(await DeviceIdentity.generate(), b.addr)
    expect(await sender.send(bobId.peerId, 'one')).toMatchObject({ status: 'stored' })
    await expect(sender.send(bobId.peerId, 'two')).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED', message: expect.stringMatching(/free plan/) })

    await a.node.billing.grant(account?.id ?? '', 'premium')
    expect((await b.node.billing.view(bobId.peerId.toString())).plan).toBe('premium')
    expect(await sender.send(bobId.peerId, 'two')).toMatchObject({ status: 'stored' })
    expect(await sender.send(bobId.peerId, 'three')).toMatchObject({ status: 'stored' })
    await expect(sender.send(bobId.peerId, 'four')).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED', message: expect.stringMatching(/premium plan/) })
    expect((await a.node.billing.totals()).accountsByPlan).toMatchObject({ premium: 1 })
  })

  it('delivers each message once when two devices of one identity drain through both instances at once', async () => {
    const url = await server.createDatabase()
    const a = await startInstance(url)
    const b = await startInstance(url)
    const bob = await DeviceIdentity.generate()
    const sender = await startPeer(await DeviceIdentity.generate(), a.addr)
    const ids = new Set<string>()
    for (let i = 0; i < 30; i++) {
      const sent = await sender.send(bob.peerId, `offline ${i}`)
      expect(sent.status).toBe('stored')
      ids.add(sent.id)
    }
    expect((await a.store.stats()).envelopes).toBe(30)

    // One local history, as if one device reconnected through both instances at the same moment.
    const history = new MemoryChatStore()
    const received: Received[] = []
    const [viaA, viaB] = await Promise.all([startPeer(bob, a.addr, received, history), startPeer(bob, b.addr, received, history)])
    // Both synced on start (one through each instance), concurrently; sync again to be sure
    // nothing is left behind, then count what the app was told.
    await Promise.all([viaA.sync(), viaB.sync()])
    await until('the mailbox to be empty', async () => (await b.store.stats()).envelopes === 0)
    const inbox = await history.listMessages()
    expect(new Set(inbox.map(m => m.id))).toEqual(ids)
    // The app hears of each message once, whichever instance it came through.
    expect(received).toHaveLength(30)
    expect(new Set(received.map(m => m.id))).toEqual(ids)
  })

  it('deletes each envelope exactly once when two instances fetch and ack the same mailbox concurrently', async () => {
    const url = await server.createDatabase()
    const stores = [await PostgresStore.open({ connection: url }), await PostgresStore.open({ connection: url })]
    cleanups.push(async () => { for (const s of stores) await s.close() })
    const limits = { maxMessages: 1000, maxBytes: 1 << 20, retentionMs: 60_000 }
    const sent = Array.from({ length: 200 }, () => makeEnvelope('bob', 64))
    await Promise.all(sent.map(async (e, i) => await stores[i % 2].deposit(e, limits)))

    /** A client's drain loop: a page, then ack it, until nothing is left after the cursor. */
    const drain = async (store: PostgresStore): Promise<{ fetched: string[], deleted: number }> => {
      const fetched: string[] = []
      let deleted = 0
      let after = 0n
      while (true) {
        const page = await store.fetch('bob', after, 7)
        fetched.push(...page.envelopes.map(e => Buffer.from(e.id).toString('hex')))
        deleted += await store.ack('bob', page.envelopes.map(e => e.id))
        after = page.envelopes.at(-1)?.seq ?? after
        if (!page.more) return { fetched, deleted }
      }
    }
    const results = await Promise.all([drain(stores[0]), drain(stores[1]), drain(stores[0]), drain(stores[1])])
    expect(results.reduce((n, r) => n + r.deleted, 0)).toBe(200)
    expect(new Set(results.flatMap(r => r.fetched))).toEqual(new Set(sent.map(e => Buffer.from(e.id).toString('hex'))))
    expect(await stores[1].stats()).toEqual({ envelopes: 0, bytes: 0, recipients: 0 })
  })
})
