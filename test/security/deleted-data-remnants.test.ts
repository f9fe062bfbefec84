// Guards the erasure of deleted data from SQLite's write-ahead log (rendezvous/storage/sqlite-support.ts
// WalScrubber: a TRUNCATE checkpoint after deletions, with secure_delete): while the node keeps
// running, a deleted account's username, email, phone and profile are in no file of the data
// directory at once, an acked envelope's bytes are gone within WAL_SCRUB_DELAY_MS, and a message
// a device deletes leaves no copy in its SQLite chat store. Without the scrubber the old page images
// stay in the -wal file and every check here fails.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { tcp } from '@libp2p/tcp'
import { AccountClient } from '../../protocol/account/account-client.ts'
import { ChatClient } from '../../protocol/chat-client.ts'
import { createEnvelope } from '../../protocol/crypto/envelope.ts'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { MailboxClient } from '../../protocol/mailbox/mailbox-client.ts'
import { createChatNode } from '../../protocol/mesh/create-node.ts'
import { SqliteChatStore } from '../../node/sqlite-chat-store.ts'
import { WAL_SCRUB_DELAY_MS } from '../../rendezvous/storage/sqlite-support.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, tempDir, waitFor } from '../helpers/wait.ts'
import type { ChatClientEvents } from '../../protocol/chat-client.ts'

const ADULT = '1990-01-01'
/** Timers on a loaded 2-core machine fire late: slack for the event loop, not for the scrub. */
const SCHEDULING_SLACK_MS = 2_000

function filesUnder (dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

/** Every (file, marker) pair where the marker's bytes occur in a file under `dir`. */
function remnants (dir: string, markers: Record<string, Uint8Array>): string[] {
  const found: string[] = []
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(file)
    for (const [name, marker] of Object.entries(markers)) {
      if (bytes.includes(Buffer.from(marker))) found.push(`${name} in ${file.slice(dir.length + 1)}`)
    }
  }
  return found
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const unique = (): string => randomBytes(8).toString('hex')

describe('deleted data leaves no remnants in SQLite files', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('erases a deleted account (and a corrected field) from every file of the data dir at once', async () => {
    const rv = await startRendezvous(cleanup)
    const peer = await createPeer(cleanup, rv.addr)
    const accounts = new AccountClient(peer.node, rv.addr)
    const tag = unique()
    const phone = `+4179${String(Number.parseInt(tag.slice(0, 8), 16) % 10_000_000).padStart(7, '0')}`
    const avatar = randomBytes(48)
    const oldBio = `oldbio-${unique()}`
    const markers = {
      username: utf8(`u${tag}`),
      email: utf8(`mail${tag}@example.org`),
      phone: utf8(phone),
      displayName: utf8(`Name ${tag}`),
      bio: utf8(`bio-${tag}`),
      avatar
    }
    await accounts.signUp({ username: `u${tag}`, email: `mail${tag}@example.org`, phone, displayName: `Name ${tag}`, bio: oldBio, avatar }, ADULT)
    // The scan finds what is there: the account is on disk now (in the WAL at least).
    expect(remnants(rv.dataDir, { username: markers.username, oldBio: utf8(oldBio) }).length).toBeGreaterThan(0)

    // A correction: the old value is gone from every file at once; the checkpoint it takes also
    // moves the account's pages into the database file, so the deletion below is tested there too.
    await accounts.update({ bio: `bio-${tag}` })
    expect(remnants(rv.dataDir, { oldBio: utf8(oldBio) })).toEqual([])
    expect(remnants(rv.dataDir, { username: markers.username }).length).toBeGreaterThan(0)

    await accounts.delete()
    // The node keeps running, and nothing of the account is in any file.
    expect(rv.node.node.status).toBe('started')
    expect(remnants(rv.dataDir, markers)).toEqual([])
  })

  it(`leaves no copy of an acked envelope within ${WAL_SCRUB_DELAY_MS} ms`, async () => {
    const rv = await startRendezvous(cleanup)
    const sender = await createPeer(cleanup, rv.addr)
    const recipient = await createPeer(cleanup, rv.addr)
    const envelope = createEnvelope(sender.identity, recipient.node.peerId, { text: 'x'.repeat(200) })
    // The node only ever sees ciphertext: a slice of it is the envelope's unique byte sequence.
    const marker = { ciphertext: envelope.ciphertext.slice(16, 80) }
    await new MailboxClient(sender.node, rv.addr).deposit(envelope)
    expect(remnants(rv.dataDir, marker).length).toBeGreaterThan(0)

    const mailbox = new MailboxClient(recipient.node, rv.addr)
    const page = await mailbox.fetch()
    expect(page.envelopes.map(e => Buffer.from(e.ciphertext.subarray(16, 80)).toString('hex'))).toEqual([Buffer.from(marker.ciphertext).toString('hex')])
    const ackedAt = Date.now()
    expect(await mailbox.ack([envelope.id])).toBe(1)
    await waitFor(() => remnants(rv.dataDir, marker).length === 0, {
      timeout: WAL_SCRUB_DELAY_MS + SCHEDULING_SLACK_MS,
      what: `the acked envelope to leave every file (found: ${remnants(rv.dataDir, marker).join(', ')})`
    })
    expect(Date.now() - ackedAt).toBeLessThanOrEqual(WAL_SCRUB_DELAY_MS + SCHEDULING_SLACK_MS)
    expect(rv.node.node.status).toBe('started')
  })

  it('leaves no copy of a message the device deleted in its SQLite chat store', async () => {
    const rv = await startRendezvous(cleanup)
    const home = tempDir('babacloud-home-')
    cleanup.add(home.remove)
    const store = new SqliteChatStore(join(home.dir, 'chat.sqlite'))
    const identity = await DeviceIdentity.generate()
    const node = await createChatNode({ privateKey: identity.privateKey, transports: [tcp()], listen: ['/p2p-circuit'], privateNetwork: true })
    const device = new ChatClient({ node, identity, store, rendezvous: rv.addr })
    cleanup.add(async () => {
      await device.stop()
      await node.stop()
      await store.close()
    })
    const received: string[] = []
    device.addEventListener('message', (evt: ChatClientEvents['message']) => { received.push(evt.detail.id) })
    await device.start()
    const friend = await createPeer(cleanup, rv.addr)
    await friend.client.start()
    const secret = `secret-${unique()}-text`
    const kept = `kept-${unique()}-text`
    const sent = await friend.client.send(node.peerId, secret)
    await friend.client.send(node.peerId, kept)
    await waitFor(() => received.length === 2, { what: 'both messages on the device' })
    expect(remnants(home.dir, { secret: utf8(secret) }).length).toBeGreaterThan(0)

    await device.deleteMessage(sent.id)
    expect(remnants(home.dir, { secret: utf8(secret) })).toEqual([])
    // The rest of the history is untouched.
    expect((await store.listMessages()).map(m => m.text)).toEqual([kept])
  })

  it('leaves no copy of a message, nor of its earlier texts, once its sender deleted it for everyone', async () => {
    const rv = await startRendezvous(cleanup)
    const home = tempDir('babacloud-home-')
    cleanup.add(home.remove)
    const store = new SqliteChatStore(join(home.dir, 'chat.sqlite'))
    const identity = await DeviceIdentity.generate()
    const node = await createChatNode({ privateKey: identity.privateKey, transports: [tcp()], listen: ['/p2p-circuit'], privateNetwork: true })
    const device = new ChatClient({ node, identity, store, rendezvous: rv.addr })
    cleanup.add(async () => {
      await device.stop()
      await node.stop()
      await store.close()
    })
    await device.start()
    const friend = await createPeer(cleanup, rv.addr)
    await friend.client.start()
    const first = `first-${unique()}-text`
    const edited = `edited-${unique()}-text`
    const sent = await friend.client.send(node.peerId, first)
    await waitFor(async () => await store.getMessage(sent.id), { what: 'the message on the device' })
    await friend.client.edit(sent.id, edited)
    await waitFor(async () => (await store.getMessage(sent.id))?.text === edited, { what: 'the edit on the device' })
    expect(remnants(home.dir, { first: utf8(first), edited: utf8(edited) })).toHaveLength(2)

    await friend.client.deleteForEveryone(sent.id)
    await waitFor(async () => (await store.getMessage(sent.id))?.deletedAt != null, { what: 'the tombstone on the device' })
    expect(remnants(home.dir, { first: utf8(first), edited: utf8(edited) })).toEqual([])
  })
})
