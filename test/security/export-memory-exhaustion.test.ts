// Guards the paged account export (rendezvous/accounts/account-export.ts pendingPage, the EXPORT
// cursor of /babacloud/account/1.0.0, AccountClient.exportTo): a mailbox full of waiting envelopes
// made the node read every envelope (bytes and all) into memory for one export and answer in one
// frame, which beyond MAX_RESPONSE_BYTES no client can read. Now the store is read
// EXPORT_STORE_PAGE envelopes at a time, each response carries at most EXPORT_PAGE entries, and
// `babacloud account export` writes the pages as they arrive. A cursor only pages through the
// caller's own account.
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { ACCOUNT_PROTOCOL, MAX_RESPONSE_BYTES } from '../../protocol/constants.ts'
import { envelopeIdToString } from '../../protocol/crypto/envelope.ts'
import { ErrorCode } from '../../protocol/errors.ts'
import { call } from '../../protocol/rpc/rpc.ts'
import { AccountRequest, AccountResponse } from '../../protocol/wire/generated/messages.ts'
import { AccountClient } from '../../protocol/account/account-client.ts'
import { EXPORT_PAGE, EXPORT_STORE_PAGE } from '../../rendezvous/accounts/account-export.ts'
import { resolveConfig } from '../../rendezvous/config.ts'
import { RendezvousNode } from '../../rendezvous/rendezvous-node.ts'
import { SqliteStore } from '../../rendezvous/storage/sqlite-store.ts'
import { runCli } from '../helpers/cli.ts'
import { createPeer } from '../helpers/network.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'
import type { FetchResult } from '../../rendezvous/storage/store.ts'

/** Enough waiting envelopes that their export entries alone are larger than one response frame. */
const WAITING = 13_000

/** The real SQLite store, noting how many envelopes each read asks for. */
class ObservedStore extends SqliteStore {
  readonly fetchLimits: number[] = []

  override async fetch (recipient: string, after: bigint, limit: number, now?: number): Promise<FetchResult> {
    this.fetchLimits.push(limit)
    return await super.fetch(recipient, after, limit, now)
  }
}

describe('account export of a mailbox with many waiting envelopes', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('is paged through the store and the protocol, and the CLI writes the whole document', async () => {
    const tmp = tempDir('babacloud-export-')
    cleanup.add(tmp.remove)
    const store = new ObservedStore(join(tmp.dir, 'rendezvous.sqlite'))
    const rv = new RendezvousNode({ dataDir: tmp.dir, store, config: resolveConfig({ listen: ['/ip4/127.0.0.1/tcp/0'], http: false }) })
    const addr = multiaddr((await rv.start()).multiaddrs[0]).toString()
    cleanup.add(async () => { await rv.stop() })

    const home = join(tmp.dir, 'home')
    const init = await runCli(['init', '--home', home, '--json'])
    expect(init.code, init.stderr).toBe(0)
    const device = JSON.parse(init.stdout).peerId as string
    const created = await runCli(['account', 'create', '--home', home, '--rendezvous', addr, '--username', 'hoarder', '--birth-date', '1990-01-01', '--json'])
    expect(created.code, created.stderr).toBe(0)

    // Thousands of senders' envelopes wait. Seeded in one transaction straight into the store's
    // table: through the mailbox protocol (rate limits, a quota check per deposit) it takes minutes.
    const ids = Array.from({ length: WAITING }, () => new Uint8Array(randomBytes(16)))
    const insert = store.db.prepare(`INSERT INTO envelopes (id, sender, recipient, sent_at, received_at, expires_at, size, envelope)
      VALUES (?, ?, ?, ?, ?, ?, 64, zeroblob(64))`)
    const now = Date.now()
    store.db.transaction(() => { ids.forEach((id, i) => insert.run(id, `sender-${i % 97}`, device, now, now, now + 86_400_000)) })()
    store.fetchLimits.length = 0

    const out = join(tmp.dir, 'export.json')
    const exported = await runCli(['account', 'export', '--home', home, '--rendezvous', addr, '--out', out, '--json'], { timeout: 60_000 })
    expect(exported.code, exported.stderr).toBe(0)
    const text = readFileSync(out, 'utf8')
    // More than one response frame could ever carry, written as JSON.stringify would write it.
    expect(statSync(out).size).toBeGreaterThan(MAX_RESPONSE_BYTES)
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2) + '\n')
    const doc = JSON.parse(text)
    expect(doc.account.username).toBe('hoarder')
    expect(doc.pendingMessages).toHaveLength(WAITING)
    expect(new Set(doc.pendingMessages.map((m: { id: string }) => m.id))).toEqual(new Set(ids.map(envelopeIdToString)))
    expect(doc.pendingMessages.every((m: { device: string, bytes: number }) => m.device === device && m.bytes === 64)).toBe(true)
    // The node never read more than one store page of envelopes at a time, and paged the protocol.
    expect(Math.max(...store.fetchLimits)).toBeLessThanOrEqual(EXPORT_STORE_PAGE)
    expect(store.fetchLimits.length).toBeGreaterThanOrEqual(Math.ceil(WAITING / EXPORT_STORE_PAGE))
    expect(EXPORT_PAGE).toBeLessThan(WAITING)
  })

  it("refuses a cursor that names another account's device", async () => {
    const tmp = tempDir('babacloud-export-')
    cleanup.add(tmp.remove)
    const rv = new RendezvousNode({ dataDir: tmp.dir, config: resolveConfig({ listen: ['/ip4/127.0.0.1/tcp/0'], http: false }) })
    const addr = multiaddr((await rv.start()).multiaddrs[0])
    cleanup.add(async () => { await rv.stop() })
    const victim = await createPeer(cleanup, addr)
    const snoop = await createPeer(cleanup, addr)
    await new AccountClient(victim.node, addr).signUp({ username: 'victim' }, '1990-01-01')
    await new AccountClient(snoop.node, addr).signUp({ username: 'snoop' }, '1990-01-01')
    const target = { node: snoop.node, peer: addr, protocol: ACCOUNT_PROTOCOL, timeoutMs: 10_000, maxResponseBytes: MAX_RESPONSE_BYTES }
    const request: AccountRequest = { type: AccountRequest.Type.EXPORT, birthDate: '', username: '', code: '', peerId: '', hashes: [], flag: false, policyVersion: 0, clear: [], plan: '', kind: '', retentionMs: 0n, exportCursor: `${victim.node.peerId.toString()}/0` }
    await expect(call(target, request, { request: AccountRequest, response: AccountResponse })).rejects.toMatchObject({ code: ErrorCode.INVALID })
    await expect(call(target, { ...request, exportCursor: 'not a cursor' }, { request: AccountRequest, response: AccountResponse })).rejects.toMatchObject({ code: ErrorCode.INVALID })
  })
})
