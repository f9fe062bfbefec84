// A device's home directory: its identity seed, its message store and a little settings file.
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { DeviceIdentity } from '../protocol/identity.ts'
import { writeFileAtomic } from '../rendezvous/data-files.ts'
import { DATA_FILE, securePrivateDir } from '../rendezvous/storage/private-files.ts'
import { CliError } from './cli-error.ts'

export interface HomeSettings {
  name?: string
  /** The rendezvous last used, so later commands may omit --rendezvous. */
  rendezvous?: string
  /** Further homes given with a repeated --rendezvous (mail is also kept and fetched there). */
  homes?: string[]
  /** The last --redundancy: copies of each sent message on that many of the recipient's homes. */
  redundancy?: number
}

export function defaultHome (): string {
  return process.env.BABACLOUD_HOME ?? join(homedir(), '.babacloud')
}

export class Home {
  readonly dir: string

  constructor (dir: string) {
    this.dir = resolve(dir)
  }

  get identityFile (): string { return join(this.dir, 'identity.key') }
  get storeFile (): string { return join(this.dir, 'chat.sqlite') }
  get settingsFile (): string { return join(this.dir, 'settings.json') }

  exists (): boolean {
    return existsSync(this.identityFile)
  }

  /**
   * Makes the home owner-only: the directory and everything in it (identity seed, the store with
   * messages, sessions and prekey private keys, settings, attachments), also when an older version
   * created them readable to others.
   */
  secure (): void {
    try {
      securePrivateDir(this.dir, name => DATA_FILE.test(name) || name === 'attachments')
    } catch (err) {
      if ((err as Error).name === 'FilePermissionError') throw new CliError((err as Error).message, 'PERMISSIONS')
      throw err
    }
  }

  /** Creates the identity unless one exists; returns it and whether it was created now. */
  async init (): Promise<{ identity: DeviceIdentity, created: boolean }> {
    if (this.exists()) return { identity: await this.identity(), created: false }
    this.secure()
    const identity = await DeviceIdentity.generate()
    writeFileAtomic(this.identityFile, identity.toSeed())
    return { identity, created: true }
  }

  /** The device identity; every command that uses the home starts here, so it secures it first. */
  async identity (): Promise<DeviceIdentity> {
    if (!this.exists()) throw new CliError(`no identity in ${this.dir}: run \`babacloud init --home ${this.dir}\` first`)
    this.secure()
    return await DeviceIdentity.fromSeed(new Uint8Array(readFileSync(this.identityFile)))
  }

  settings (): HomeSettings {
    if (!existsSync(this.settingsFile)) return {}
    try {
      return JSON.parse(readFileSync(this.settingsFile, 'utf8')) as HomeSettings
    } catch {
      throw new CliError(`${this.settingsFile} is not valid JSON`)
    }
  }

  saveSettings (update: HomeSettings): void {
    this.secure()
    writeFileAtomic(this.settingsFile, JSON.stringify({ ...this.settings(), ...update }, null, 2) + '\n')
  }
}
