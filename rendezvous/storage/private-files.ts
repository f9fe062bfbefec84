// Data directories and the files in them are the owner's alone: 0700 directories, 0600 files,
// whatever the umask, and also for directories and files an older version left world-readable.
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

/** A data directory or file cannot be made private (not ours, read-only file system…). */
export class FilePermissionError extends Error {
  readonly path: string

  constructor (path: string, reason: string) {
    super(`cannot make ${path} private (owner only): ${reason}`)
    this.name = 'FilePermissionError'
    this.path = path
  }
}

function chmod (path: string, mode: number): void {
  try {
    // chmod, not the mode argument of mkdir/open: that one is masked by the umask.
    chmodSync(path, mode)
  } catch (err) {
    throw new FilePermissionError(path, (err as Error).message)
  }
}

/** What the node and the CLI write into a data directory of theirs (and the temp files of writeFileAtomic). */
export const DATA_FILE = /^(identity\.key|rendezvous\.json|settings\.json|[\w.-]+\.sqlite(-wal|-shm|-journal)?)(\.tmp-\d+)?$/

/**
 * Creates `dir` (and parents) if missing and sets it to 0700, and the entries in it that `owns`
 * names to owner-only: files 0600, directories 0700 with everything below them. Only what we
 * own: an operator may point `--data` or `--home` at a directory that holds other things.
 * Symbolic links are left alone (chmod would follow them out).
 */
export function securePrivateDir (dir: string, owns: (name: string) => boolean = name => DATA_FILE.test(name)): void {
  try {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  } catch (err) {
    throw new FilePermissionError(dir, (err as Error).message)
  }
  chmod(dir, PRIVATE_DIR_MODE)
  for (const name of readdirSync(dir)) {
    if (!owns(name)) continue
    const path = join(dir, name)
    // A -wal or -shm file another process removes meanwhile needs no fixing.
    const stat = lstatSync(path, { throwIfNoEntry: false })
    if (stat == null) continue
    if (stat.isDirectory()) securePrivateDir(path, () => true)
    else if (stat.isFile()) chmod(path, PRIVATE_FILE_MODE)
  }
}

/**
 * Prepares the files of a SQLite database before it is opened: creates the database file as 0600
 * so SQLite gives its -wal and -shm files the same mode (it copies the database's mode onto
 * them), and makes existing ones (from an older version) 0600 too.
 */
export function securePrivateSqlite (path: string): void {
  if (path === ':memory:' || path === '') return
  if (!existsSync(path)) {
    try {
      closeSync(openSync(path, 'a', PRIVATE_FILE_MODE))
    } catch (err) {
      throw new FilePermissionError(path, (err as Error).message)
    }
  }
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    if (existsSync(file)) chmod(file, PRIVATE_FILE_MODE)
  }
  // SQLite creates -wal and -shm later with the database file's mode (it fchmods them to it).
}
