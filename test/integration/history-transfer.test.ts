// History on a newly linked device, on real nodes: the new device pulls everything from an online
// device of the account through the rendezvous relay; strangers and wrong codes get a typed refusal.
import { join } from 'node:path'
import { lpStream } from '@libp2p/utils'
import { afterEach, describe, expect, it } from 'vitest'
import { HISTORY_PROTOCOL } from '../../protocol/history/constants.ts'
import { HistoryFrame, HistoryRequest } from '../../protocol/history/generated/history.ts'
import { historyProof, splitLinkCode } from '../../protocol/history/link-secret.ts'
import { SqliteChatStore } from '../../node/sqlite-chat-store.ts'
import { HISTORY_PAGE } from '../../protocol/history/constants.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, tempDir, waitFor } from '../helpers/wait.ts'
import { groupPeer, waitForKeys, waitForMesh } from '../protocol/groups/helpers.ts'
import type { TestPeer, TestRendezvous } from '../helpers/network.ts'
import type { GroupPeer } from '../protocol/groups/helpers.ts'

const ADULT = '1990-05-17'

/** Asks `server` for its history as `requester` would, and returns every frame it answers with. */
async function ask (requester: TestPeer, server: TestPeer, rv: TestRendezvous, proof: Uint8Array): Promise<HistoryFrame[]> {
  const stream = await requester.node.dialProtocol(rv.addr.encapsulate(`/p2p-circuit/p2p/${server.node.peerId.toString()}`), HISTORY_PROTOCOL, { runOnLimitedConnection: true, signal: AbortSignal.timeout(10_000) })
  const lp = lpStream(stream)
  await lp.write(HistoryRequest.encode({ proof: proof as Uint8Array<ArrayBuffer>, skip: 0, cursor: '' }))
  const frames: HistoryFrame[] = []
  while (true) {
    const bytes = await lp.read({ signal: AbortSignal.timeout(10_000) }).catch(() => undefined)
    if (bytes == null) break
    frames.push(HistoryFrame.decode(bytes))
  }
  return frames
}

describe('history on a newly linked device', { timeout: 120_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  async function laptopWithHistory (): Promise<{ rv: TestRendezvous, laptop: GroupPeer, bob: GroupPeer, carol: GroupPeer, groupId: string, ids: string[] }> {
    const rv = await startRendezvous(cleanup)
    const [laptop, bob, carol] = await Promise.all([0, 1, 2].map(async () => await groupPeer(cleanup, rv)))
    await laptop.client.accounts?.signUp({ username: 'gina' }, ADULT)
    const created = await laptop.groups.create({ name: 'climbing', members: [carol.id] })
    const groupId = created.group.id
    await waitForKeys([laptop, carol], groupId)
    await waitForMesh(rv, [laptop, carol], groupId)
    await bob.client.accounts?.signUp({ username: 'bob' }, ADULT)
    // 28 in the 1:1 chat with bob's device (both ways), 2 to @bob (a contact) and 20 in the group (both ways): 50.
    for (let i = 0; i < 14; i++) {
      await laptop.client.send(bob.node.peerId, `to bob ${i}`)
      await bob.client.send(laptop.node.peerId, `from bob ${i}`)
    }
    for (let i = 0; i < 2; i++) await laptop.client.send('@bob', `to @bob ${i}`)
    for (let i = 0; i < 10; i++) {
      await laptop.groups.send(groupId, `to the group ${i}`)
      await carol.groups.send(groupId, `from carol ${i}`)
    }
    await waitFor(async () => (await laptop.store.listMessages()).length === 50, { what: '50 messages on the laptop' })
    await laptop.client.markRead((await laptop.store.listMessages({ peer: bob.id })).filter(m => m.direction === 'in').slice(0, 5).map(m => m.id), { receipts: false })
    return { rv, laptop, bob, carol, groupId, ids: (await laptop.store.listMessages()).map(m => m.id) }
  }

  it('a device linked after 50 messages (1:1 and a group) gets all of them with their states, the group, its keys and the contacts, joins the group, and a repeat adds nothing', async () => {
    const { rv, laptop, bob, carol, groupId, ids } = await laptopWithHistory()
    const { code } = await laptop.client.history.createLinkCode()
    expect(code).toMatch(/^\d{4}-\d{4}-[a-z2-9]{8}$/)

    const phone = await groupPeer(cleanup, rv)
    const account = await phone.client.history.link('@gina', code, { type: 'phone', os: 'test', clientVersion: '1' })
    expect(account.devices.map(d => d.peerId)).toContain(phone.node.peerId.toString())
    const progress: number[] = []
    const summary = await phone.client.history.receive(code, { waitMs: 10_000, onProgress: p => { progress.push(p.received) } })
    expect(summary).toMatchObject({ from: laptop.id, messages: 50, added: 50, conversations: 3, groups: 1, contacts: 1 })
    expect(progress.at(-1)).toBeGreaterThan(50)

    const onPhone = await phone.store.listMessages()
    expect(onPhone.map(m => m.id).sort()).toEqual([...ids].sort())
    // States came along: what was read on the laptop is read here, sent ones are ours.
    const laptopById = new Map((await laptop.store.listMessages()).map(m => [m.id, m]))
    for (const m of onPhone) expect({ id: m.id, status: m.status, direction: m.direction, text: m.text, group: m.group }).toEqual({ id: m.id, status: laptopById.get(m.id)?.status, direction: laptopById.get(m.id)?.direction, text: laptopById.get(m.id)?.text, group: laptopById.get(m.id)?.group })
    expect(onPhone.filter(m => m.status === 'read')).toHaveLength(5)
    expect((await phone.store.listMessages({ group: groupId })).map(m => m.text)).toEqual((await laptop.store.listMessages({ group: groupId })).map(m => m.text))
    expect((await phone.store.listMessages({ peer: bob.id }))).toHaveLength(28)
    expect((await phone.store.listMessages({ peer: '@bob' })).map(m => m.text)).toEqual(['to @bob 0', 'to @bob 1'])
    // The contact's trusted devices came too: no "identity changed" when the phone writes to @bob.
    expect((await phone.store.listValues('trust/contact/')).map(([k]) => k)).toEqual(['trust/contact/@bob'])
    // The group's signed state and the other member's sender key: future messages can be read.
    expect((await phone.store.listValues('groups/state/')).map(([k]) => k)).toEqual([`groups/state/${groupId}`])
    expect((await phone.store.listValues(`groups/key/${groupId}/`)).length).toBeGreaterThan(0)
    // No device secret left the laptop.
    expect(await phone.store.listValues('groups/own/')).toEqual([])
    expect((await phone.store.listValues('sessions/')).map(([k]) => k).filter(k => k.includes(bob.id))).toEqual([])

    const again = await phone.client.history.receive(code, { waitMs: 10_000 })
    expect(again).toMatchObject({ messages: 50, added: 0 })
    expect(await phone.store.listMessages()).toHaveLength(50)

    // The laptop is the group's admin: the device that took its history becomes a member, so what
    // the group says from now on reaches it too.
    await waitFor(async () => (await phone.groups.list()).some(g => g.id === groupId && g.member), { what: 'the phone in the group' })
    await waitForKeys([laptop, carol, phone], groupId)
    await waitForMesh(rv, [laptop, carol, phone], groupId)
    const after = await carol.groups.send(groupId, 'after the link')
    await waitFor(async () => (await phone.store.getMessage(after.id))?.text === 'after the link', { what: 'a new group message on the phone' })
  })

  it('refuses a stranger, a device without the whole code, and one the node does not list in the account: a typed refusal and nothing else', async () => {
    const rv = await startRendezvous(cleanup)
    const laptop = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    await Promise.all([laptop.client.start(), bob.client.start()])
    await laptop.client.waitUntilReachable()
    await laptop.client.accounts?.signUp({ username: 'gina' }, ADULT)
    await bob.client.send(laptop.node.peerId, 'a secret for gina only')
    await waitFor(async () => (await laptop.store.listMessages()).length === 1, { what: 'the message on the laptop' })
    const { code } = await laptop.client.history.createLinkCode()

    // A stranger that even knows the whole code, but is no device of the account.
    const stranger = await createPeer(cleanup, rv.addr)
    await stranger.client.start()
    const forStranger = await ask(stranger, laptop, rv, historyProof(splitLinkCode(code), stranger.node.peerId.toString(), laptop.node.peerId.toString()))
    expect(forStranger.map(f => ({ kind: f.kind, code: f.errorCode }))).toEqual([{ kind: HistoryFrame.Kind.ERROR, code: 'UNAUTHORIZED' }])

    // A linked device that typed only the node's digits (all the node ever saw) gets nothing either.
    const phone = await createPeer(cleanup, rv.addr)
    await phone.client.start()
    await phone.client.history.link('gina', code)
    const digitsOnly = code.slice(0, 9)
    await expect(phone.client.history.receive(digitsOnly)).rejects.toMatchObject({ name: 'ProtocolError', code: 'UNAUTHORIZED' })
    // A proof made for another device is worth nothing to this one.
    const replayed = await ask(phone, laptop, rv, historyProof(splitLinkCode(code), stranger.node.peerId.toString(), laptop.node.peerId.toString()))
    expect(replayed.map(f => f.kind)).toEqual([HistoryFrame.Kind.ERROR])
    expect(await phone.store.listMessages()).toEqual([])
    expect(await stranger.store.listMessages()).toEqual([])

    // The right code still works: those refusals cost attempts, not the code.
    expect(await phone.client.history.receive(code)).toMatchObject({ messages: 1, added: 1 })
  })

  it('takes a history bigger than the relay lets through on one connection, resuming where each broke, and the timers', async () => {
    // The relay ends each relayed connection after 96 KiB; the history is about 170 KiB.
    const rv = await startRendezvous(cleanup, { relay: { dataLimit: 96 * 1024 } })
    const laptop = await createPeer(cleanup, rv.addr)
    const bob = await createPeer(cleanup, rv.addr)
    await Promise.all([laptop.client.start(), bob.client.start()])
    await laptop.client.waitUntilReachable()
    await laptop.client.accounts?.signUp({ username: 'gina' }, ADULT)
    await laptop.client.setTimer({ peer: bob.node.peerId.toString() }, 3600)
    const big = 'x'.repeat(4000)
    await laptop.store.addMessages(Array.from({ length: 40 }, (_, i) => ({ id: i.toString(16).padStart(32, '0'), peer: bob.node.peerId.toString(), direction: 'in' as const, text: `${i} ${big}`, sentAt: i, receivedAt: i, status: 'received' as const })))
    const { code } = await laptop.client.history.createLinkCode()

    const phone = await createPeer(cleanup, rv.addr)
    await phone.client.start()
    await phone.client.history.link('gina', code)
    const summary = await phone.client.history.receive(code)
    expect(summary).toMatchObject({ messages: 41, added: 41, timers: 1 })
    expect(summary.streams).toBeGreaterThan(1)
    expect((await phone.store.listMessages()).map(m => m.text)).toEqual((await laptop.store.listMessages()).map(m => m.text))
    expect(await phone.client.timer({ peer: bob.node.peerId.toString() })).toMatchObject({ seconds: 3600 })
  })

  it('serves a history of several pages from SQLite a page at a time; resumed by cursor, it misses nothing written or deleted meanwhile and sends nothing twice', async () => {
    // The relay ends each relayed connection after 96 KiB; the history is about 130 KiB.
    const rv = await startRendezvous(cleanup, { relay: { dataLimit: 96 * 1024 } })
    const tmp = tempDir()
    cleanup.add(tmp.remove)
    const laptopStore = new SqliteChatStore(join(tmp.dir, 'laptop.sqlite'))
    cleanup.add(async () => { await laptopStore.close() })
    const laptop = await createPeer(cleanup, rv.addr, { store: laptopStore })
    await laptop.client.start()
    await laptop.client.waitUntilReachable()
    await laptop.client.accounts?.signUp({ username: 'gina' }, ADULT)
    const bob = 'bob-' + 'b'.repeat(40)
    const count = HISTORY_PAGE * 2 + 50
    const id = (i: number): string => i.toString(16).padStart(32, '0')
    await laptopStore.addMessages(Array.from({ length: count }, (_, i) => ({ id: id(i), peer: bob, direction: 'in' as const, text: `${i} ${'y'.repeat(100)}`, sentAt: i, receivedAt: i, status: 'received' as const })))
    const { code } = await laptop.client.history.createLinkCode()

    const phone = await createPeer(cleanup, rv.addr)
    await phone.client.start()
    await phone.client.history.link('gina', code)
    let changed: Promise<unknown> | undefined
    const summary = await phone.client.history.receive(code, {
      onProgress: p => {
        // While the first connection runs: one message already here is deleted on the laptop (a
        // count of items would now skip one), and a new one is written there.
        if (p.received < 100 || changed != null) return
        changed = Promise.all([
          laptopStore.deleteMessage(id(0)),
          laptopStore.addMessage({ id: 'f'.repeat(32), peer: bob, direction: 'out', text: 'written during the transfer', sentAt: count, receivedAt: count, status: 'sent' })
        ])
      }
    })
    await changed
    expect(summary.streams).toBeGreaterThan(1)
    // Nothing twice: every message that came was new here.
    expect(summary.added).toBe(summary.messages)
    const onPhone = new Set((await phone.store.listMessages()).map(m => m.id))
    expect(onPhone.size).toBe(summary.added)
    // Nothing missed: all the laptop holds now (the new one too), and the one deleted after it came.
    for (const m of await laptopStore.listMessages()) expect(onPhone.has(m.id)).toBe(true)
    expect(onPhone.has('f'.repeat(32))).toBe(true)
    expect(onPhone.has(id(0))).toBe(true)
    expect(onPhone.size).toBe(count + 1)
  })

  it('a code that was guessed wrong too often is forgotten on the old device', async () => {
    const rv = await startRendezvous(cleanup)
    const laptop = await createPeer(cleanup, rv.addr)
    await laptop.client.start()
    await laptop.client.waitUntilReachable()
    await laptop.client.accounts?.signUp({ username: 'gina' }, ADULT)
    const { code } = await laptop.client.history.createLinkCode()
    const phone = await createPeer(cleanup, rv.addr)
    await phone.client.start()
    await phone.client.history.link('gina', code)
    const wrong = `${code.slice(0, 10)}${code.slice(10) === 'aaaaaaaa' ? 'bbbbbbbb' : 'aaaaaaaa'}`
    for (let i = 0; i < 5; i++) await expect(phone.client.history.receive(wrong)).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    await expect(phone.client.history.receive(code)).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
  })
})
