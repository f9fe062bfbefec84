// The durable mailbox: deposits from many concurrent senders through /babacloud/mailbox/1.0.0 (one
// kept-open stream per sender, deposits pipelined on it) into the SQLite store (synchronous=FULL, group commit), against raw
// better-sqlite3 inserts of the same rows in 100-row transactions; and draining 10,000 queued
// envelopes through ChatClient.sync (fetch, verify, decrypt, store, ack) against raw page-wise
// selects and deletes. Two breakdown lines say where a deposit's time goes: its signature check
// alone, and the store alone (the same deposits straight into a SqliteStore, no network).
import '../protocol/polyfills.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import Database from 'better-sqlite3'
import { WorkerCryptoPool, platformCryptoPool } from '../node/crypto-pool.ts'
import { ChatClient } from '../protocol/chat-client.ts'
import { createEnvelope, verifyEnvelope } from '../protocol/crypto/envelope.ts'
import { DeviceIdentity } from '../protocol/identity.ts'
import { MailboxClient } from '../protocol/mailbox/mailbox-client.ts'
import { createChatNode } from '../protocol/mesh/create-node.ts'
import { MemoryChatStore } from '../protocol/store/memory-chat-store.ts'
import { Envelope } from '../protocol/wire/generated/messages.ts'
import { resolveConfig } from '../rendezvous/config.ts'
import { MAILBOX_PIPELINE } from '../rendezvous/mailbox/mailbox-service.ts'
import { RendezvousNode } from '../rendezvous/rendezvous-node.ts'
import { SqliteStore } from '../rendezvous/storage/sqlite-store.ts'
import { timeRounds, withBaselines, withCpuProfile } from './harness.ts'
import type { BenchOptions, BenchResult } from './harness.ts'
import type { ChatNode } from '../protocol/mesh/create-node.ts'

const TEXT = 'x'.repeat(1024)
const DAY = 86_400_000

/** The columns the SQLite adapter writes; the raw baseline stores exactly these rows. */
const RAW_SCHEMA = `CREATE TABLE envelopes (seq INTEGER PRIMARY KEY AUTOINCREMENT, id BLOB NOT NULL, sender TEXT NOT NULL,
  recipient TEXT NOT NULL, sent_at INTEGER NOT NULL, received_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
  size INTEGER NOT NULL, envelope BLOB NOT NULL, UNIQUE (recipient, id));
  CREATE INDEX envelopes_by_recipient ON envelopes (recipient, seq);
  CREATE INDEX envelopes_by_expiry ON envelopes (expires_at);`

interface Row { id: Uint8Array, sender: string, recipient: string, sentAt: number, bytes: Uint8Array }

function rowOf (env: Envelope, sender: DeviceIdentity, recipient: string): Row {
  return { id: env.id, sender: sender.peerId.toString(), recipient, sentAt: Number(env.sentAt), bytes: Envelope.encode(env) }
}

function openRaw (dir: string, name: string): Database.Database {
  const db = new Database(join(dir, name))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.exec(RAW_SCHEMA)
  return db
}

function rawInsert (db: Database.Database, rows: Row[]): void {
  const insert = db.prepare('INSERT INTO envelopes (id, sender, recipient, sent_at, received_at, expires_at, size, envelope) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
  const now = Date.now()
  const tx = db.transaction((batch: Row[]) => { for (const r of batch) insert.run(r.id, r.sender, r.recipient, r.sentAt, now, now + DAY, r.bytes.length, r.bytes) })
  for (let i = 0; i < rows.length; i += 100) tx(rows.slice(i, i + 100))
}

export async function runMailboxBench (options: BenchOptions = {}): Promise<BenchResult[]> {
  const quick = options.quick === true
  const senders = quick ? 4 : 16
  const perRound = quick ? 100 : 600
  const rounds = quick ? 2 : 3
  const drainCount = quick ? 300 : 10_000
  const dir = mkdtempSync(join(tmpdir(), 'babacloud-bench-mailbox-'))
  const rv = new RendezvousNode({
    dataDir: join(dir, 'rv'),
    config: resolveConfig({
      listen: ['/ip4/127.0.0.1/tcp/0'],
      http: false,
      mailbox: { maxMessages: 1_000_000, maxBytes: '10gb' },
      // Abuse limits and plan quotas would measure themselves: this bench floods on purpose.
      plans: { free: { depositsPerMinute: 100_000_000 } },
      limits: { requestsPerMinute: 100_000_000 }
    }),
    connectionManager: { allow: ['/ip4/127.0.0.0/ipcidr/8'] },
    // Every ack queues its purge receipts (one per sender and ack): the cap would drop most here.
    purgeReceipts: { maxPerSender: 1_000_000_000 }
  })
  const nodes: ChatNode[] = []
  try {
    const rvAddr = multiaddr((await rv.start()).multiaddrs[0])
    const identities = await Promise.all(Array.from({ length: senders + 1 }, async () => await DeviceIdentity.generate()))
    const reader = identities[senders]
    const recipients = await Promise.all(Array.from({ length: 64 }, async () => (await DeviceIdentity.generate()).peerId))

    // Envelopes are built up front: sealing and signing are the client's cost, not the mailbox's.
    // Before any sender connects, too: seconds of synchronous work would hold up the young
    // connections' handshakes and pings, and the bench would measure its own stalls.
    const warmupSize = Math.ceil(perRound / 4)
    const batches = [warmupSize, ...Array<number>(rounds).fill(perRound)].map(size => {
      const perSender = Array.from({ length: senders }, () => [] as Array<{ env: Envelope, row: Row }>)
      for (let i = 0; i < size; i++) {
        const s = i % senders
        const to = recipients[i % recipients.length]
        const env = createEnvelope(identities[s], to, { text: TEXT })
        perSender[s].push({ env, row: rowOf(env, identities[s], to.toString()) })
      }
      return perSender
    })
    for (const id of identities) {
      const node = await createChatNode({ privateKey: id.privateKey, transports: [tcp()], privateNetwork: true })
      await node.dial(rvAddr)
      nodes.push(node)
    }
    const clients = nodes.slice(0, senders).map(n => new MailboxClient(n, rvAddr, undefined, { keepStreamOpen: true, maxInFlight: MAILBOX_PIPELINE }))
    // Each sender keeps as many deposits in flight on its stream as the node handles at once
    // (a client with a queue of messages to deposit); each deposit is still answered after its commit.
    const depositBatch = async (batch: typeof batches[number]): Promise<number> => {
      await Promise.all(batch.map(async (items, s) => {
        let next = 0
        await Promise.all(Array.from({ length: MAILBOX_PIPELINE }, async () => {
          while (next < items.length) await clients[s].deposit(items[next++].env)
        }))
      }))
      return batch.reduce((n, b) => n + b.length, 0)
    }
    await depositBatch(batches[0])
    const commitsBefore = rv.store.commitStats?.()
    const deposits = await withCpuProfile(process.env.DEPOSIT_CPU_PROFILE, async () => await timeRounds(rounds, () => {}, async r => await depositBatch(batches[r + 1])))
    const commitsAfter = rv.store.commitStats?.()
    await Promise.all(clients.map(async c => { await c.close() }))
    // Breakdown: the signature checks of the same envelopes on their own (the node runs one per
    // deposit), and the same rows deposited straight into a fresh store by as many concurrent callers.
    const verifyOnly = await timeRounds(rounds, () => {}, async r => {
      const envs = batches[r + 1].flat()
      for (const { env } of envs) verifyEnvelope(env)
      return envs.length
    })
    const storeOnlyDb = new SqliteStore(join(dir, 'store-only.sqlite'))
    const storeLimits = { maxMessages: 1e9, maxBytes: 1e12, retentionMs: DAY }
    const storeOnly = await timeRounds(rounds, () => {}, async r => {
      const batch = batches[r + 1]
      await Promise.all(batch.map(async items => {
        for (const { row } of items) await storeOnlyDb.deposit({ ...row, bytes: row.bytes }, storeLimits)
      }))
      return batch.reduce((n, b) => n + b.length, 0)
    })
    await storeOnlyDb.close()
    let rawRound = 0
    const rawDeposits = await timeRounds(rounds, () => {}, async r => {
      const db = openRaw(dir, `raw-deposit-${rawRound++}.sqlite`)
      const rows = batches[r + 1].flat().map(x => x.row)
      rawInsert(db, rows)
      db.close()
      return rows.length
    })

    // Drain: queue drainCount envelopes for one reader, then take them all through ChatClient.sync.
    const store = rv.store
    if (!(store instanceof SqliteStore)) throw new Error('the mailbox bench expects the SQLite store')
    const readerId = reader.peerId.toString()
    const drainRows: Row[] = []
    const queued: Array<Promise<unknown>> = []
    for (let i = 0; i < drainCount; i++) {
      const s = identities[i % senders]
      const env = createEnvelope(s, reader.peerId, { text: TEXT })
      const row = rowOf(env, s, readerId)
      drainRows.push(row)
      queued.push(store.deposit({ id: row.id, sender: row.sender, recipient: readerId, sentAt: row.sentAt, bytes: row.bytes }, { maxMessages: 1e9, maxBytes: 1e12, retentionMs: DAY }))
      if (queued.length >= 500) await Promise.all(queued.splice(0))
    }
    await Promise.all(queued)
    // Every round drains the same envelopes: snapshot them once, restore them before each round.
    store.db.prepare('CREATE TEMP TABLE drain_snapshot AS SELECT * FROM envelopes WHERE recipient = ?').run(readerId)
    store.db.prepare('DELETE FROM envelopes WHERE recipient = ?').run(readerId)
    const readerNode = nodes[senders]
    // The measure drains as the Node platform does (node/peer.ts: a worker pool from two cores
    // on); the breakdown line the other way, in the same run.
    const platformPool = platformCryptoPool()
    const otherPool = platformPool == null ? new WorkerCryptoPool(1) : undefined
    await platformPool?.start()
    await otherPool?.start()
    const drainAll = async (expected: number, pool: WorkerCryptoPool | undefined = platformPool): Promise<number> => {
      // A fresh client store each time, so every envelope is new to the reader.
      const client = new ChatClient({ node: readerNode, identity: reader, store: new MemoryChatStore(), rendezvous: rvAddr, ...(pool != null ? { cryptoPool: pool } : {}) })
      const received = await client.sync()
      if (received !== expected) throw new Error(`drained ${received} of ${expected}`)
      return received
    }
    // Warm-up on the first few hundred only: a whole extra drain would double the bench's run time.
    const warmup = Math.min(500, drainCount)
    store.db.exec(`INSERT INTO envelopes SELECT * FROM drain_snapshot ORDER BY seq LIMIT ${warmup}`)
    await drainAll(warmup)
    const drain = await timeRounds(rounds, () => { store.db.exec('INSERT INTO envelopes SELECT * FROM drain_snapshot') }, async () => await drainAll(drainCount))
    const drainOther = await timeRounds(rounds, () => { store.db.exec('INSERT INTO envelopes SELECT * FROM drain_snapshot') }, async () => await drainAll(drainCount, otherPool))
    await platformPool?.close()
    await otherPool?.close()

    const rawDb = openRaw(dir, 'raw-drain.sqlite')
    const select = rawDb.prepare('SELECT seq, id, envelope FROM envelopes WHERE recipient = ? AND seq > ? AND expires_at > ? ORDER BY seq LIMIT ?')
    const del = rawDb.prepare('DELETE FROM envelopes WHERE recipient = ? AND id = ?')
    const deleteAll = rawDb.transaction((ids: Uint8Array[]) => { for (const id of ids) del.run(readerId, id) })
    const rawDrainOnce = async (): Promise<number> => {
      let after = 0
      let n = 0
      while (true) {
        const page = select.all(readerId, after, Date.now(), 51) as Array<{ seq: number, id: Uint8Array }>
        const taken = page.slice(0, 50)
        deleteAll(taken.map(p => p.id))
        n += taken.length
        if (page.length <= 50) return n
        after = taken[taken.length - 1].seq
      }
    }
    rawInsert(rawDb, drainRows.slice(0, warmup))
    await rawDrainOnce()
    const rawDrain = await timeRounds(rounds, () => { rawInsert(rawDb, drainRows) }, rawDrainOnce)
    rawDb.close()

    return [
      withBaselines({
        group: 'mailbox',
        name: `deposits from ${senders} concurrent senders, 1 KiB text`,
        unit: 'ops/s',
        better: 'higher',
        value: deposits.medianPerSec,
        rounds,
        detail: {
          depositsPerRound: perRound,
          slowestRound: Math.min(...deposits.perSec),
          depositsPerCommit: commitsBefore != null && commitsAfter != null ? (commitsAfter.deposits - commitsBefore.deposits) / Math.max(1, commitsAfter.commits - commitsBefore.commits) : Number.NaN,
          // Shares of one deposit's time (1 / its throughput) taken by each part measured alone.
          signatureShare: deposits.medianPerSec / verifyOnly.medianPerSec,
          storeShare: deposits.medianPerSec / storeOnly.medianPerSec
        }
      }, [{ name: 'raw better-sqlite3 inserts, 100-row transactions, synchronous=FULL', value: rawDeposits.medianPerSec }]),
      withBaselines({
        group: 'mailbox',
        name: 'deposit breakdown: envelope signature checks alone (verifyEnvelope, one thread)',
        unit: 'ops/s',
        better: 'higher',
        value: verifyOnly.medianPerSec,
        rounds
      }, [{ name: 'raw better-sqlite3 inserts, 100-row transactions, synchronous=FULL', value: rawDeposits.medianPerSec }]),
      withBaselines({
        group: 'mailbox',
        name: `deposit breakdown: store alone (SqliteStore.deposit, ${senders} concurrent callers)`,
        unit: 'ops/s',
        better: 'higher',
        value: storeOnly.medianPerSec,
        rounds
      }, [{ name: 'raw better-sqlite3 inserts, 100-row transactions, synchronous=FULL', value: rawDeposits.medianPerSec }]),
      withBaselines({
        group: 'mailbox',
        name: `drain ${drainCount} queued via ChatClient.sync`,
        unit: 'ops/s',
        better: 'higher',
        value: drain.medianPerSec,
        rounds,
        detail: { secondsPerDrain: drainCount / drain.medianPerSec }
      }, [{ name: 'raw select+delete pages of 50', value: rawDrain.medianPerSec }]),
      withBaselines({
        group: 'mailbox',
        name: otherPool != null
          ? `drain breakdown: ${drainCount} queued via ChatClient.sync, signatures and sealed boxes on one worker thread`
          : `drain breakdown: ${drainCount} queued via ChatClient.sync, signatures and sealed boxes on the main thread only`,
        unit: 'ops/s',
        better: 'higher',
        value: drainOther.medianPerSec,
        rounds,
        detail: { secondsPerDrain: drainCount / drainOther.medianPerSec }
      }, [{ name: 'raw select+delete pages of 50', value: rawDrain.medianPerSec }])
    ]
  } finally {
    await Promise.allSettled(nodes.map(async n => { await n.stop() }))
    await rv.stop().catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
}
