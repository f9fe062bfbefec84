// Accounts and the user's rights against a real rendezvous: sign-up and the age check, export,
// correction, deletion (table by table), restriction, opt-out, devices, discovery, log purge.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { startSmtp } from '../helpers/smtp.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import type { TestPeer, TestRendezvous } from '../helpers/network.ts'

const ADULT = '1990-05-17'
const DAY = 86_400_000

/** Every row of every table of an SQLite file, as text a search can look through. */
function dumpTables (file: string): Map<string, string> {
  const db = new Database(file, { readonly: true })
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>
    return new Map(tables.map(({ name }) => {
      const rows = db.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>
      const text = rows.map(r => Object.values(r).map(v => v instanceof Uint8Array ? `${Buffer.from(v).toString('hex')} ${Buffer.from(v).toString('latin1')}` : String(v)).join('|')).join('\n')
      return [name, text]
    }))
  } finally {
    db.close()
  }
}

describe('accounts and user rights', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  async function online (rv: TestRendezvous): Promise<TestPeer> {
    const p = await createPeer(cleanup, rv.addr)
    await p.client.start()
    return p
  }

  it('refuses anyone under 13 with a clear message and keeps nothing', async () => {
    const rv = await startRendezvous(cleanup)
    const kid = await online(rv)
    const twelve = new Date(Date.now() - 12 * 365.25 * DAY).toISOString().slice(0, 10)
    await expect(kid.client.accounts?.signUp({ username: 'young_one' }, twelve)).rejects.toMatchObject({ code: 'UNDERAGE', message: expect.stringMatching(/at least 13/) })
    await expect(kid.client.accounts?.signUp({ username: 'young_one' }, 'yesterday')).rejects.toMatchObject({ code: 'INVALID' })
    await expect(kid.client.accounts?.get()).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(await rv.node.accounts.marketingRecipients()).toEqual([])
    for (const [table, rows] of dumpTables(join(rv.dataDir, 'accounts.sqlite'))) {
      // Node-wide rows only: settings (the discovery salt) and the schema's versions.
      if (!['access_log', 'account_settings', 'store_migrations'].includes(table)) expect(rows, table).toBe('')
    }
  })

  it('signs up, refuses a taken username, resolves @username, and corrects the profile', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await online(rv)
    const other = await online(rv)
    const account = await alice.client.accounts?.signUp({ username: 'alice', email: 'Alice@Example.org', phone: '+41 79 123 45 67' }, ADULT, { type: 'test', os: 'linux', clientVersion: '1' })
    expect(account?.profile).toMatchObject({ username: 'alice', email: 'alice@example.org', phone: '+41791234567' })
    await expect(other.client.accounts?.signUp({ username: 'alice' }, ADULT)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' })
    await expect(other.client.accounts?.signUp({ username: 'No Spaces!' }, ADULT)).rejects.toMatchObject({ code: 'INVALID' })
    expect(await other.client.accounts?.resolve('@alice')).toEqual([alice.node.peerId.toString()])

    const corrected = await alice.client.accounts?.update({ displayName: 'Alice A.', email: 'alice@new.example' }, ['phone'])
    expect(corrected?.profile).toMatchObject({ displayName: 'Alice A.', email: 'alice@new.example' })
    expect(corrected?.profile?.phone).toBeUndefined()
  })

  it('exports exactly this account and nobody else', async () => {
    const rv = await startRendezvous(cleanup)
    const alice = await online(rv)
    const bob = await online(rv)
    await alice.client.accounts?.signUp({ username: 'alice', email: 'alice@example.org' }, ADULT)
    await bob.client.accounts?.signUp({ username: 'bob', email: 'bob@example.org', bio: 'bob bio' }, ADULT)
    // Something waiting for Bob, and for nobody else.
    await bob.client.stop()
    await alice.client.send('@bob', 'hello bob')

    const doc = JSON.parse(await bob.client.accounts?.export() ?? '{}')
    expect(doc).toMatchObject({ schema: 'babacloud.account-export', version: 1, node: rv.node.node.peerId.toString() })
    expect(doc.account).toMatchObject({ username: 'bob', email: 'bob@example.org', bio: 'bob bio' })
    expect(doc.devices.map((d: { peerId: string }) => d.peerId)).toEqual([bob.node.peerId.toString()])
    expect(doc.pendingMessages).toHaveLength(1)
    expect(doc.pendingMessages[0]).toMatchObject({ from: alice.node.peerId.toString(), device: bob.node.peerId.toString() })
    expect(doc.accessLog.length).toBeGreaterThan(0)
    expect(doc.accessLog.every((r: { device: string }) => r.device === bob.node.peerId.toString())).toBe(true)
    const text = JSON.stringify(doc)
    expect(text).not.toContain('alice@example.org')
    expect(text).not.toContain('"alice"')
    expect(text).not.toContain('hello bob')
  })

  it('deletes every row about the account, in every table', async () => {
    const smtp = await startSmtp(cleanup)
    const rv = await startRendezvous(cleanup, { smtp: smtp.config })
    const carol = await online(rv)
    const carolPhone = await online(rv)
    const dave = await online(rv)
    await carol.client.accounts?.signUp({ username: 'carol', email: 'carol@example.org', phone: '+4915112345678', bio: 'carol bio' }, ADULT)
    const { code } = await carol.client.accounts?.createLinkCode() ?? { code: '' }
    await carolPhone.client.accounts?.linkDevice('carol', code, { type: 'phone', os: 'android', clientVersion: '1' })
    await carol.client.accounts?.createLinkCode()
    // A verified identifier is a row about the account too (the link code above is a pending code).
    await carol.client.accounts?.verifyStart('email')
    await carol.client.accounts?.verifyConfirm('email', await smtp.codeFor('carol@example.org'))
    await dave.client.accounts?.signUp({ username: 'dave' }, ADULT)
    await carolPhone.client.stop()
    await dave.client.send('@carol', 'for both of carol\'s devices')
    await carol.client.send(dave.node.peerId, 'carol to dave (delivered live)')
    const account = await carol.client.accounts?.get()

    // Both of carol's devices published prekeys when they started; deletion must take them too.
    expect(dumpTables(join(rv.dataDir, 'prekeys.sqlite')).get('prekey_signed')).toContain(carolPhone.node.peerId.toString())
    await carol.client.accounts?.delete()
    await expect(carol.client.accounts?.get()).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(dave.client.accounts?.resolve('carol')).rejects.toMatchObject({ code: 'NOT_FOUND' })

    const about = [account?.id, 'carol@example.org', '+4915112345678', 'carol bio', carol.node.peerId.toString(), carolPhone.node.peerId.toString()]
    const tables = new Map([...dumpTables(join(rv.dataDir, 'accounts.sqlite')), ...dumpTables(join(rv.dataDir, 'rendezvous.sqlite')), ...dumpTables(join(rv.dataDir, 'prekeys.sqlite')), ...dumpTables(join(rv.dataDir, 'blobs.sqlite'))])
    expect(tables.size).toBeGreaterThanOrEqual(8)
    // Only carol had codes and verified identifiers; their rows hold hashes, so check them by table.
    expect(tables.get('one_time_codes')).toBe('')
    expect(tables.get('verified_identifiers')).toBe('')
    for (const [table, rows] of tables) {
      for (const needle of about) expect(rows.includes(String(needle)), `${String(needle)} in ${table}`).toBe(false)
      expect(/\bcarol\b/.test(rows), `username in ${table}`).toBe(false)
    }
    // Dave's account is untouched.
    expect((await dave.client.accounts?.get())?.profile?.username).toBe('dave')
  })

  it('honours restriction of processing and the marketing opt-out', async () => {
    const smtp = await startSmtp(cleanup)
    const rv = await startRendezvous(cleanup, { smtp: smtp.config })
    const erin = await online(rv)
    const finn = await online(rv)
    await erin.client.accounts?.signUp({ username: 'erin', email: 'erin@example.org' }, ADULT)
    await erin.client.accounts?.verifyStart('email')
    await erin.client.accounts?.verifyConfirm('email', await smtp.codeFor('erin@example.org'))
    await finn.client.accounts?.signUp({ username: 'finn', email: 'finn@example.org' }, ADULT)
    const found = async (): Promise<string[]> => (await finn.client.accounts?.discover([{ kind: 'email', value: 'ERIN@example.org' }, { kind: 'email', value: 'nobody@example.org' }]) ?? []).map(m => m.username)
    expect(await found()).toEqual(['erin'])
    expect((await rv.node.accounts.marketingRecipients()).map(r => r.username).sort()).toEqual(['erin', 'finn'])

    expect((await erin.client.accounts?.setMarketingOptOut(true))?.marketingOptOut).toBe(true)
    expect((await rv.node.accounts.marketingRecipients()).map(r => r.username)).toEqual(['finn'])

    expect((await erin.client.accounts?.setRestricted(true))?.restricted).toBe(true)
    expect(await found()).toEqual([])
    // No new log data while restricted.
    const before = JSON.parse(await erin.client.accounts?.export() ?? '{}').accessLog.length
    await rv.node.accounts.recordConnection(erin.node.peerId.toString(), '203.0.113.9')
    expect(JSON.parse(await erin.client.accounts?.export() ?? '{}').accessLog).toHaveLength(before)

    await erin.client.accounts?.setRestricted(false)
    expect(await found()).toEqual(['erin'])
  })

  it('delivers a message to every linked device, and nothing more to an unlinked one', async () => {
    const rv = await startRendezvous(cleanup)
    const laptop = await online(rv)
    const phone = await online(rv)
    const sender = await online(rv)
    await laptop.client.accounts?.signUp({ username: 'gina' }, ADULT)
    const { code } = await laptop.client.accounts?.createLinkCode() ?? { code: '' }
    const linked = await phone.client.accounts?.linkDevice('@gina', code, { type: 'phone', os: 'ios', clientVersion: '2' })
    expect(linked?.devices.map(d => d.peerId).sort()).toEqual([laptop.node.peerId.toString(), phone.node.peerId.toString()].sort())
    expect(linked?.devices.find(d => d.peerId === phone.node.peerId.toString())?.info).toEqual({ type: 'phone', os: 'ios', clientVersion: '2' })
    // A code works once.
    await expect(sender.client.accounts?.linkDevice('gina', code)).rejects.toMatchObject({ code: 'NOT_FOUND' })

    await phone.client.stop()
    const result = await sender.client.send('@gina', 'to all of gina')
    expect(result.devices.map(d => d.status).sort()).toEqual(['delivered', 'stored'])
    await waitFor(() => laptop.received.length === 1, { what: 'the laptop copy' })
    await phone.client.start()
    await waitFor(() => phone.received.length === 1, { what: 'the phone copy' })
    expect(phone.received[0]).toMatchObject({ text: 'to all of gina', id: result.id })

    await laptop.client.accounts?.unlinkDevice(phone.node.peerId.toString())
    await phone.client.stop()
    await sender.client.send('@gina', 'after unlinking')
    await phone.client.start()
    await waitFor(() => laptop.received.length === 2, { what: 'the second laptop copy' })
    expect(await phone.client.sync()).toBe(0)
    expect(phone.received.map(m => m.text)).toEqual(['to all of gina'])
  })

  it('purges log data older than 90 days on its own schedule', async () => {
    let clock = Date.UTC(2026, 0, 1)
    const rv = await startRendezvous(cleanup, { logPurgeInterval: '50ms' }, undefined, () => clock)
    const hal = await online(rv)
    await hal.client.accounts?.signUp({ username: 'hal' }, ADULT)
    const log = async (): Promise<Array<{ at: string }>> => JSON.parse(await hal.client.accounts?.export() ?? '{}').accessLog
    expect((await log()).length).toBeGreaterThan(0)
    clock += 89 * DAY
    await rv.node.accounts.recordConnection(hal.node.peerId.toString(), '198.51.100.7')
    clock += 2 * DAY
    // Day 91: the first entries are past 90 days, the day-89 one is not.
    await waitFor(async () => (await log()).length === 1, { what: 'the purge of old log data' })
    expect((await log())[0].at).toBe(new Date(Date.UTC(2026, 0, 1) + 89 * DAY).toISOString())
  })
})
