// The files of a node's data directory it reads and writes itself: its identity, the TLS
// certificate and key it is pointed at, and state files written so a crash never leaves them torn.
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DeviceIdentity } from '../protocol/identity.ts'
import { ConfigError } from './config.ts'
import { PRIVATE_FILE_MODE } from './storage/private-files.ts'
import type { RendezvousConfig } from './config.ts'

/** The node's identity from `identity.key` in the data directory, made and kept there (0600) the first time. */
export async function loadOrCreateIdentity (dataDir: string): Promise<DeviceIdentity> {
  const file = join(dataDir, 'identity.key')
  if (existsSync(file)) return await DeviceIdentity.fromSeed(new Uint8Array(readFileSync(file)))
  const identity = await DeviceIdentity.generate()
  writeFileAtomic(file, identity.toSeed(), 0o600)
  return identity
}

/** Reads the certificate and key for HTTPS and secure WebSockets, with a clear error if unreadable. */
export function loadTls (tls: RendezvousConfig['tls']): { cert: Buffer, key: Buffer } | undefined {
  if (tls == null) return undefined
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(file)
    } catch (err) {
      throw new ConfigError(`cannot read the TLS ${what} ${file}: ${(err as Error).message}`)
    }
  }
  return { cert: read(tls.certFile, 'certificate'), key: read(tls.keyFile, 'key') }
}

/**
 * Writes a file so that a crash leaves either the old or the new content, never a torn one.
 * Owner-only by default; the mode is set exactly, whatever the umask.
 */
export function writeFileAtomic (path: string, data: string | Uint8Array, mode = PRIVATE_FILE_MODE): void {
  const tmp = `${path}.tmp-${process.pid}`
  writeFileSync(tmp, data, { mode })
  chmodSync(tmp, mode)
  renameSync(tmp, path)
}
