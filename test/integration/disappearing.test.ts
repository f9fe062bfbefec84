// Disappearing messages end to end on real libp2p nodes and a real rendezvous: a timer set by one
// party reaches the other with a system line; a message sent under it is gone from both SQLite
// stores (no copy in any file) when it runs out; an undelivered one is gone from the node before
// its recipient comes online; a group timer set by one member applies on the others.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { tcp } from '@libp2p/tcp'
import { ChatClient } from '../../protocol/chat-client.ts'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { createChatNode } from '../../protocol/mesh/create-node.ts'
import { SqliteChatStore } from '../../node/sqlite-chat-store.ts'
import { groupPeer, waitForKeys, waitForMesh } from '../protocol/groups/helpers.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, tempDir, waitFor } from '../helpers/wait.ts'
import type { ChatMessage } from '../../protocol/messages/message.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

function filesUnder (dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

/** The files under `dir` (database, -wal, -shm) holding `text`'s bytes. */
function filesWith (dir: string, text: string): string[] {
  return filesUnder(dir).filter(f => readFileSync(f).includes(Buffer.from(text)))
}

interface SqlitePeer {
  client: ChatClient
  store: SqliteChatStore
  home: string
  received: ChatMessage[]
  deleted: string[]
}

async function sqlitePeer (cleanup: Cleanup, rendezvous: Multiaddr, now?: () => number): Promise<SqlitePeer> {
  const home = tempDir('babacloud-home-')
  cleanup.add(home.remove)
  const store = new SqliteChatStore(join(home.dir, 'chat.sqlite'))
  const identity = await DeviceIdentity.generate()
  const node = await createChatNode({ privateKey: identity.privateKey, transports: [tcp()], listen: ['/p2p-circuit'], privateNetwork: true })
  const client = new ChatClient({ node, identity, store, rendezvous, now })
  cleanup.add(async () => {
    await client.stop()
    await node.stop()
    await store.close()
  })
  const peer: SqlitePeer = { client, store, home: home.dir, received: [], deleted: [] }
  client.addEventListener('message', evt => { peer.received.push(evt.detail) })
  client.addEventListener('deleted', evt => { peer.deleted.push(evt.detail.id) })
  return peer
}

const unique = (): string => randomBytes(8).toString('hex')

describe('disappearing messages', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('a message under a 3-second timer is gone from both SQLite stores, in no file, once it runs out', async () => {
    const rv = await startRendezvous(cleanup)
    // Alice's clock runs 5 s ahead of Bob's (devices' clocks differ): her message's expiry is hers,
    // so Bob has 8 s of his own time to receive it even on a loaded machine, and deletes it then.
    const alice = await sqlitePeer(cleanup, rv.addr, () => Date.now() + 5_000)
    const bob = await sqlitePeer(cleanup, rv.addr)
    await alice.client.start()
    await bob.client.start()
    await bob.client.waitUntilReachable()
    const bobId = bob.client.peerId.toString()
    const aliceId = alice.client.peerId.toString()

    await alice.client.setTimer({ peer: bobId }, 3)
    await waitFor(async () => (await bob.client.timer({ peer: aliceId })).seconds === 3, { what: 'the timer at bob' })
    const line = bob.received.find(m => m.timer != null)
    expect(line).toMatchObject({ timer: 3, peer: aliceId, direction: 'in' })
    expect((await alice.store.listMessages()).filter(m => m.timer === 3)).toHaveLength(1)

    const secret = `secret-${unique()}-text`
    const kept = `kept-${unique()}-text`
    const sent = await alice.client.send(bobId, secret)
    const atBob = await waitFor(async () => await bob.store.getMessage(sent.id), { what: 'the message at bob' })
    const atAlice = await alice.store.getMessage(sent.id)
    // Both ends hold the sender's expiry: its sentAt + the timer.
    expect(atAlice?.expiresAt).toBe((atAlice?.sentAt ?? 0) + 3_000)
    expect(atBob.expiresAt).toBe(atAlice?.expiresAt)
    expect(filesWith(alice.home, secret).length).toBeGreaterThan(0)
    expect(filesWith(bob.home, secret).length).toBeGreaterThan(0)

    // Turned off: what is sent now stays.
    await alice.client.setTimer({ peer: bobId }, 0)
    await waitFor(async () => (await bob.client.timer({ peer: aliceId })).seconds === 0, { what: 'the timer off at bob' })
    const stays = await alice.client.send(bobId, kept)
    await waitFor(async () => await bob.store.getMessage(stays.id), { what: 'the kept message at bob' })

    // Real time must pass here (the files are real): waited for with a deadline, not slept.
    await waitFor(async () => await alice.store.getMessage(sent.id) == null && await bob.store.getMessage(sent.id) == null,
      { timeout: 20_000, what: 'the message gone from both stores' })
    expect(Date.now()).toBeGreaterThanOrEqual(atBob.expiresAt ?? 0)
    await waitFor(() => filesWith(alice.home, secret).length === 0 && filesWith(bob.home, secret).length === 0,
      { timeout: 5_000, what: `no copy in any file (found: ${[...filesWith(alice.home, secret), ...filesWith(bob.home, secret)].join(', ')})` })
    expect(alice.deleted).toContain(sent.id)
    expect(bob.deleted).toContain(sent.id)
    expect((await bob.store.getMessage(stays.id))?.text).toBe(kept)
    expect((await bob.store.getMessage(stays.id))?.expiresAt).toBeUndefined()
    // The id stays a tombstone: a replay of the envelope cannot bring it back.
    expect(await bob.store.addMessage({ ...atBob })).toBe(false)
  })

  it('an undelivered message past its expiry is gone from the node before its recipient comes online, and never shown', async () => {
    const rv = await startRendezvous(cleanup)
    // The sender's clock lags 3 s: its 5 s timer runs out 2 s after it is sent, so the node must
    // drop it long before its 60 s periodic sweep.
    const alice = (await createPeer(cleanup, rv.addr, { now: () => Date.now() - 3_000 })).client
    const bob = await createPeer(cleanup, rv.addr)
    const bobId = bob.node.peerId.toString()
    await alice.start()
    await alice.setTimer({ peer: bobId }, 5)
    const before = (await rv.node.store.stats()).envelopes
    const secret = `secret-${unique()}`
    const sent = await alice.send(bobId, secret)
    // Deposited before it expired (the node refuses an expired one).
    expect(sent.status).toBe('stored')
    await waitFor(async () => (await rv.node.store.stats()).envelopes === before, { timeout: 10_000, what: 'the node to delete the expired envelope' })

    await bob.client.start()
    await waitFor(async () => (await bob.client.timer({ peer: alice.peerId.toString() })).seconds === 5, { what: 'the timer at bob' })
    expect(await bob.store.getMessage(sent.id)).toBeUndefined()
    expect(bob.received.some(m => m.text === secret)).toBe(false)
  })

  it('a timer set by a device of an @username contact applies to what is sent to that @username', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    await alice.client.start()
    await bob.client.start()
    await alice.client.accounts?.signUp({ username: 'alice' }, '1990-01-01')
    // Bob writes to @alice (trusting her device on first use); she answers by setting a timer.
    await bob.client.send('@alice', 'hi')
    await alice.client.setTimer({ peer: bob.node.peerId.toString() }, 3600)
    await waitFor(async () => (await bob.client.timer({ peer: '@alice' })).seconds === 3600, { what: 'the timer on the @alice conversation' })
    const sent = await bob.client.send('@alice', 'under the timer')
    const held = await waitFor(async () => await alice.store.getMessage(sent.id), { what: 'the message at alice' })
    expect(held.expiresAt).toBe(held.sentAt + 3_600_000)
  })

  it('a group timer set by one member applies on the others; a non-member cannot set it', async () => {
    const rv = await startRendezvous(cleanup)
    const [alice, bob, carol] = await Promise.all([0, 1, 2].map(async () => await groupPeer(cleanup, rv)))
    const all = [alice, bob, carol]
    const groupId = (await alice.groups.create({ name: 'trip', members: [bob.id, carol.id] })).group.id
    await waitForKeys(all, groupId)
    await waitForMesh(rv, all, groupId)

    // 8 s: time enough for every member to receive the message on a loaded machine first.
    await bob.client.setTimer({ group: groupId }, 8)
    for (const m of [alice, carol]) {
      await waitFor(async () => (await m.client.timer({ group: groupId })).seconds === 8, { what: 'the group timer at every member' })
      expect(m.received.find(x => x.timer != null)).toMatchObject({ timer: 8, group: groupId, sender: bob.id })
    }
    // Alice's message carries the group's timer: every member deletes it when it runs out.
    const sent = await alice.groups.send(groupId, 'meet at the station')
    const expiresAt = (await alice.store.getMessage(sent.id))?.expiresAt
    expect(expiresAt).toBeDefined()
    for (const m of [bob, carol]) {
      const held = await waitFor(async () => await m.store.getMessage(sent.id), { what: 'the group message at every member' })
      expect(held.expiresAt).toBe(expiresAt)
    }
    await waitFor(async () => (await Promise.all(all.map(async m => await m.store.getMessage(sent.id)))).every(m => m == null),
      { timeout: 20_000, what: 'the group message gone at every member' })

    await bob.client.setTimer({ group: groupId }, 3600)
    await waitFor(async () => (await carol.client.timer({ group: groupId })).seconds === 3600, { what: 'the new group timer at carol' })

    // Someone outside the group tries to turn it off at carol.
    const mallory = await createPeer(cleanup, rv.addr)
    await mallory.client.start()
    const { TimerBody } = await import('../../protocol/wire/generated/messages.ts')
    const { TIMER } = await import('../../protocol/control/disappearing.ts')
    await mallory.client.sendControl(carol.node.peerId, TIMER, TimerBody.encode({ seconds: 0, group: groupId }))
    // A later valid control from a member proves carol handled mallory's first (same path, in order).
    await mallory.client.sendControl(carol.node.peerId, TIMER, TimerBody.encode({ seconds: 60, group: '' }))
    await waitFor(async () => (await carol.client.timer({ peer: mallory.node.peerId.toString() })).seconds === 60, { what: "mallory's own 1:1 timer at carol" })
    expect((await carol.client.timer({ group: groupId })).seconds).toBe(3600)
  })
})
