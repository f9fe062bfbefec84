// Device backups: everything in a home directory (identity, messages, protocol state, settings)
// as one passphrase-encrypted file that restores onto a new device.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { toString as uint8ArrayToString, fromString as uint8ArrayFromString } from 'uint8arrays'
import { openBackup, sealBackup } from '../protocol/backup/backup-box.ts'
import { DeviceIdentity } from '../protocol/identity.ts'
import { SESSION_PREFIX } from '../protocol/session/secure-sessions.ts'
import { CliError } from './cli-error.ts'
import { writeFileAtomic } from '../rendezvous/data-files.ts'
import { Home } from './home.ts'
import { SqliteChatStore } from './sqlite-chat-store.ts'
import type { ScryptCost } from '../protocol/backup/backup-box.ts'
import type { ChatMessage } from '../protocol/store/chat-store.ts'
import type { HomeSettings } from './home.ts'

export const BACKUP_SCHEMA = 'babacloud.device-backup'

interface BackupContent {
  schema: typeof BACKUP_SCHEMA
  version: 1
  createdAt: string
  peerId: string
  identitySeed: string
  settings: HomeSettings
  messages: ChatMessage[]
  values: Array<[string, string]>
}

export async function createBackup (homeDir: string, out: string, passphrase: string, options: { cost?: ScryptCost, onProgress?: (f: number) => void } = {}): Promise<{ peerId: string, messages: number }> {
  const home = new Home(homeDir)
  const identity = await home.identity()
  const store = new SqliteChatStore(home.storeFile)
  let content: BackupContent
  try {
    content = {
      schema: BACKUP_SCHEMA,
      version: 1,
      createdAt: new Date().toISOString(),
      peerId: identity.peerId.toString(),
      identitySeed: uint8ArrayToString(identity.toSeed(), 'base64'),
      settings: home.settings(),
      messages: await store.listMessages(),
      values: (await store.listValues())
        // Ratchet sessions are left out: restoring an older one would rewind its counters, so the
        // other side would drop new messages as replays. Restored devices start fresh sessions.
        .filter(([k]) => !k.startsWith(SESSION_PREFIX))
        .map(([k, v]) => [k, uint8ArrayToString(v, 'base64')])
    }
  } finally {
    await store.close()
  }
  const sealed = await sealBackup(new TextEncoder().encode(JSON.stringify(content)), passphrase, options)
  writeFileSync(out, sealed, { mode: 0o600 })
  return { peerId: content.peerId, messages: content.messages.length }
}

/** Restores into a home that has no identity yet; nothing is written unless the file opens. */
export async function restoreBackup (file: string, homeDir: string, passphrase: string, onProgress?: (f: number) => void): Promise<{ peerId: string, messages: number }> {
  const home = new Home(homeDir)
  if (home.exists()) throw new CliError(`${home.dir} already has an identity; restore into a new --home`, 'HOME_EXISTS')
  let data: Uint8Array
  try {
    data = new Uint8Array(readFileSync(file))
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`)
  }
  const plain = await openBackup(data, passphrase, onProgress)
  let content: BackupContent
  try {
    content = JSON.parse(new TextDecoder().decode(plain)) as BackupContent
  } catch {
    throw new CliError('the backup content is not readable', 'MALFORMED')
  }
  if (content.schema !== BACKUP_SCHEMA || content.version !== 1) throw new CliError(`unsupported backup: ${String(content.schema)} v${String(content.version)}`, 'UNSUPPORTED')
  const identity = await DeviceIdentity.fromSeed(uint8ArrayFromString(content.identitySeed, 'base64'))
  mkdirSync(home.dir, { recursive: true, mode: 0o700 })
  if (existsSync(home.storeFile)) throw new CliError(`${home.storeFile} exists; restore into a new --home`, 'HOME_EXISTS')
  const store = new SqliteChatStore(home.storeFile)
  try {
    for (const m of content.messages) await store.addMessage(m)
    for (const [k, v] of content.values) await store.setValue(k, uint8ArrayFromString(v, 'base64'))
  } finally {
    await store.close()
  }
  home.saveSettings(content.settings)
  // The identity goes last: a home counts as initialised only once everything else is in place.
  writeFileAtomic(home.identityFile, identity.toSeed(), 0o600)
  return { peerId: identity.peerId.toString(), messages: content.messages.length }
}
