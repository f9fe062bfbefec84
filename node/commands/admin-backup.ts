// `babacloud admin backup|restore`: a consistent copy of a node's SQLite data taken while it runs
// (SQLite's online backup, one database at a time), into a directory that `restore` turns back into
// a data directory. With PostgreSQL the database is backed up with pg_dump; this says how.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { parseStoreSpec, redact } from '../../rendezvous/stores.ts'
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../../rendezvous/storage/private-files.ts'
import { CliError } from '../cli-error.ts'
import { note, print } from '../output.ts'
import { common, config } from './admin-common.ts'
import type { AdminOpts } from './admin-common.ts'
import type { Command } from 'commander'

export const BACKUP_FORMAT = 'babacloud-rendezvous-backup'
const MANIFEST = 'manifest.json'

/** The node's identity (its PeerId must survive a restore: users' home records name it) and its databases. */
const IDENTITY = 'identity.key'
const DATABASES = ['accounts.sqlite', 'prekeys.sqlite', 'rendezvous.sqlite', 'blobs.sqlite']

export interface BackupManifest {
  format: typeof BACKUP_FORMAT
  version: 1
  createdAt: string
  files: Array<{ name: string, bytes: number }>
}

export interface BackupProgress {
  file: string
  /** Pages copied so far, of `total`. */
  done: number
  total: number
}

function isEmptyDir (dir: string): boolean {
  return !existsSync(dir) || (statSync(dir).isDirectory() && readdirSync(dir).length === 0)
}

/**
 * Copies the node's identity and every SQLite database it has into `out` (a new or empty
 * directory). Each database is copied consistently while the node keeps writing; `mailboxPath` is
 * the mailbox database when `store: sqlite:PATH` put it outside the data directory.
 */
export async function backupDataDir (dataDir: string, out: string, options: { mailboxPath?: string, onProgress?: (p: BackupProgress) => void } = {}): Promise<BackupManifest> {
  if (!existsSync(join(dataDir, IDENTITY))) throw new CliError(`no rendezvous data in ${dataDir} (no ${IDENTITY})`, 'NOT_FOUND')
  if (!isEmptyDir(out)) throw new CliError(`${out} is not empty: back up into a new directory`, 'NOT_EMPTY')
  mkdirSync(out, { recursive: true, mode: PRIVATE_DIR_MODE })
  chmodSync(out, PRIVATE_DIR_MODE)
  const files: BackupManifest['files'] = []
  copyFileSync(join(dataDir, IDENTITY), join(out, IDENTITY))
  chmodSync(join(out, IDENTITY), PRIVATE_FILE_MODE)
  files.push({ name: IDENTITY, bytes: statSync(join(out, IDENTITY)).size })
  for (const name of DATABASES) {
    const source = name === 'rendezvous.sqlite' && options.mailboxPath != null ? options.mailboxPath : join(dataDir, name)
    if (!existsSync(source)) continue
    const target = join(out, name)
    const db = new Database(source, { fileMustExist: true })
    try {
      db.pragma('busy_timeout = 5000')
      // 256 pages (1 MiB) a step: the node's writers get the database back between steps.
      await db.backup(target, {
        progress: ({ totalPages, remainingPages }) => {
          options.onProgress?.({ file: name, done: totalPages - remainingPages, total: totalPages })
          return 256
        }
      })
    } finally {
      db.close()
    }
    chmodSync(target, PRIVATE_FILE_MODE)
    files.push({ name, bytes: statSync(target).size })
  }
  const manifest: BackupManifest = { format: BACKUP_FORMAT, version: 1, createdAt: new Date().toISOString(), files }
  writeFileSync(join(out, MANIFEST), JSON.stringify(manifest, null, 2) + '\n', { mode: PRIVATE_FILE_MODE })
  return manifest
}

function readManifest (from: string): BackupManifest {
  let manifest: BackupManifest
  try {
    manifest = JSON.parse(readFileSync(join(from, MANIFEST), 'utf8')) as BackupManifest
  } catch (err) {
    throw new CliError(`${from} is not a backup made by admin backup (${MANIFEST}: ${(err as Error).message})`, 'BAD_BACKUP')
  }
  if (manifest.format !== BACKUP_FORMAT || manifest.version !== 1 || !Array.isArray(manifest.files)) throw new CliError(`${from}/${MANIFEST} is not a version 1 ${BACKUP_FORMAT}`, 'BAD_BACKUP')
  const known = new Set([IDENTITY, ...DATABASES])
  for (const f of manifest.files) {
    if (!known.has(f.name)) throw new CliError(`${from}/${MANIFEST} names an unexpected file ${JSON.stringify(f.name)}`, 'BAD_BACKUP')
    if (!existsSync(join(from, f.name)) || statSync(join(from, f.name)).size !== f.bytes) throw new CliError(`${from}/${f.name} is missing or not the size the manifest says`, 'BAD_BACKUP')
  }
  return manifest
}

/** Turns a backup into a fresh data directory; refuses a directory that already holds anything. */
export function restoreDataDir (from: string, dataDir: string): BackupManifest {
  const manifest = readManifest(from)
  if (!isEmptyDir(dataDir)) throw new CliError(`${dataDir} is not empty: restore into a new data directory`, 'NOT_EMPTY')
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE })
  chmodSync(dataDir, PRIVATE_DIR_MODE)
  for (const f of manifest.files) {
    const target = join(dataDir, f.name)
    copyFileSync(join(from, f.name), target)
    chmodSync(target, PRIVATE_FILE_MODE)
    if (f.name.endsWith('.sqlite')) {
      const db = new Database(target, { fileMustExist: true })
      try {
        const check = db.pragma('quick_check', { simple: true })
        if (check !== 'ok') throw new CliError(`${f.name} in the backup is damaged (${String(check)})`, 'BAD_BACKUP')
      } finally {
        db.close()
      }
    }
  }
  return manifest
}

export function registerAdminBackup (admin: Command): void {
  common(admin.command('backup').description("copy a node's identity and SQLite data, consistently, while it runs (PostgreSQL: says how)"))
    .requiredOption('--out <dir>', 'a new (or empty) directory for the copy')
    .action(async (o: AdminOpts & { out: string }) => {
      const spec = parseStoreSpec(o.store ?? config(o.config).store, o.data)
      if (spec.kind === 'postgres') {
        const url = redact(spec.connectionString)
        const how = `the data is in PostgreSQL: back it up with pg_dump --format=custom --file=babacloud.dump '${url}' (restore: pg_restore --dbname='${url}' babacloud.dump), and keep ${join(o.data, IDENTITY)} with it`
        print(o, { postgres: true, how }, how)
        return
      }
      let last = ''
      const manifest = await backupDataDir(o.data, o.out, {
        mailboxPath: spec.path,
        onProgress: p => {
          // Large files only: a line per tenth, so a terminal shows it moving.
          if (p.total < 2560) return
          const line = `${p.file}: ${Math.floor((p.done / p.total) * 10) * 10}%`
          if (line !== last) note(o, line)
          last = line
        }
      })
      print(o, { out: o.out, ...manifest }, `backup in ${o.out}: ${manifest.files.map(f => `${f.name} (${f.bytes} bytes)`).join(', ')}`)
    })

  admin.command('restore').description('turn a backup made with admin backup into a new data directory, to start a node on')
    .requiredOption('--from <dir>', 'the backup directory')
    .requiredOption('--data <dir>', 'a new (or empty) data directory')
    .option('--json', 'machine-readable output')
    .action(async (o: { from: string, data: string, json?: boolean }) => {
      const manifest = restoreDataDir(o.from, o.data)
      print(o, { data: o.data, files: manifest.files }, `restored ${manifest.files.length} files into ${o.data}; start it with babacloud rendezvous --data ${o.data}`)
    })
}
