// `babacloud admin stats`: how much a node holds (accounts per plan, devices, waiting messages and
// bytes, blobs, blocks), read from its storage; aggregates only.
import { existsSync } from 'node:fs'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { openBlobStore, parseStoreSpec } from '../../rendezvous/stores.ts'
import { PostgresStore } from '../../rendezvous/storage/postgres-store.ts'
import { CliError } from '../cli-error.ts'
import { print } from '../output.ts'
import { common, config, withBilling } from './admin-common.ts'
import type { AdminOpts } from './admin-common.ts'
import type { BlobStats } from '../../rendezvous/blobs/blob-store.ts'
import type { StoreStats } from '../../rendezvous/storage/store.ts'
import type { Command } from 'commander'

export interface NodeStats {
  accounts: { total: number, byPlan: Record<string, number> }
  devices: number
  /** Envelopes waiting for offline recipients. */
  mailbox: { envelopes: number, bytes: number, recipients: number }
  blobs: { blobs: number, bytes: number }
  blocked: { peer: number, prefix: number }
}

/**
 * Mailbox and blob totals. SQLite is read through a plain connection: opening the stores would
 * migrate and clean up under a node that may be running.
 */
async function mailboxStats (spec: string | undefined, dataDir: string): Promise<{ mailbox: StoreStats, blobs: BlobStats }> {
  const parsed = parseStoreSpec(spec, dataDir)
  if (parsed.kind === 'postgres') {
    const store = await PostgresStore.open({ connection: parsed.connectionString })
    try {
      const blobs = await openBlobStore(store, dataDir)
      try {
        return { mailbox: await store.stats(), blobs: await blobs.stats() }
      } finally {
        await blobs.close()
      }
    } finally {
      await store.close()
    }
  }
  if (!existsSync(parsed.path)) throw new CliError(`no mailbox database at ${parsed.path} (is --data the rendezvous node's data directory?)`, 'NOT_FOUND')
  const db = new Database(parsed.path, { fileMustExist: true })
  try {
    db.pragma('busy_timeout = 5000')
    const mailbox = db.prepare('SELECT count(*) AS envelopes, coalesce(sum(size), 0) AS bytes, count(DISTINCT recipient) AS recipients FROM envelopes').get() as StoreStats
    return { mailbox, blobs: sqliteBlobStats(db, join(dataDir, 'blobs.sqlite')) }
  } finally {
    db.close()
  }
}

export async function nodeStats (o: AdminOpts): Promise<NodeStats> {
  const { totals, devices, blocks } = await withBilling(o, async (billing, accounts) => ({
    totals: await billing.totals(),
    devices: await accounts.countDevices(),
    blocks: await accounts.listBlocks()
  }))
  const { mailbox, blobs } = await mailboxStats(o.store ?? config(o.config).store, o.data)
  const byPlan = totals.accountsByPlan
  return {
    accounts: { total: Object.values(byPlan).reduce((a, b) => a + b, 0), byPlan },
    devices,
    mailbox,
    blobs,
    blocked: { peer: blocks.filter(b => b.kind === 'peer').length, prefix: blocks.filter(b => b.kind === 'prefix').length }
  }
}

const mb = (bytes: number): string => bytes < 1024 * 1024 ? `${bytes} B` : `${(bytes / 1024 / 1024).toFixed(1)} MB`

export function registerAdminStats (admin: Command): void {
  common(admin.command('stats').description('accounts per plan, devices, waiting messages and bytes, blobs, blocks (aggregates only)'))
    .action(async (o: AdminOpts) => {
      const s = await nodeStats(o)
      print(o, s, [
        `accounts: ${s.accounts.total} (${Object.entries(s.accounts.byPlan).map(([p, n]) => `${n} ${p}`).join(', ')})`,
        `devices: ${s.devices}`,
        `waiting messages: ${s.mailbox.envelopes} (${mb(s.mailbox.bytes)}) for ${s.mailbox.recipients} recipients`,
        `blobs: ${s.blobs.blobs} (${mb(s.blobs.bytes)})`,
        `blocked: ${s.blocked.peer} PeerIds, ${s.blocked.prefix} address prefixes`
      ].join('\n'))
    })
}

/**
 * Blob totals read without opening a store: opening one drops unfinished uploads, which would cut
 * off a running node's. Blobs sit in blobs.sqlite, or in the mailbox file of a node not yet upgraded.
 */
function sqliteBlobStats (mailbox: Database.Database, blobsFile: string): BlobStats {
  const count = (db: Database.Database): BlobStats | undefined => {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'blobs'").get() != null
    if (!hasTable) return undefined
    return db.prepare('SELECT count(*) AS blobs, coalesce(sum(size), 0) AS bytes FROM blobs WHERE complete = 1').get() as BlobStats
  }
  if (existsSync(blobsFile)) {
    const db = new Database(blobsFile, { fileMustExist: true, readonly: true })
    try {
      db.pragma('busy_timeout = 5000')
      const stats = count(db)
      if (stats != null) return stats
    } finally {
      db.close()
    }
  }
  return count(mailbox) ?? { blobs: 0, bytes: 0 }
}
