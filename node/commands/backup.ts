import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { BackupError } from '../../protocol/backup/backup-box.ts'
import { createBackup, restoreBackup } from '../backup.ts'
import { CliError } from '../cli-error.ts'
import { defaultHome } from '../home.ts'
import { print } from '../output.ts'
import type { Command } from 'commander'

interface PassOpts { passphraseFile?: string, json?: boolean }

/** From a file, $BABACLOUD_PASSPHRASE, or asked on the terminal; never a command-line argument. */
async function passphrase (o: PassOpts): Promise<string> {
  if (o.passphraseFile != null) {
    try {
      return readFileSync(o.passphraseFile, 'utf8').replace(/\r?\n$/, '')
    } catch (err) {
      throw new CliError(`cannot read ${o.passphraseFile}: ${(err as Error).message}`)
    }
  }
  const env = process.env.BABACLOUD_PASSPHRASE
  if (env != null && env !== '') return env
  if (process.stdin.isTTY !== true) throw new CliError('no passphrase: use --passphrase-file FILE or set BABACLOUD_PASSPHRASE')
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true })
  const answer = await new Promise<string>(resolve => { rl.question('backup passphrase: ', resolve) })
  rl.close()
  return answer
}

/** Key derivation takes a second or more: show it on a terminal. */
function progress (o: PassOpts): ((f: number) => void) | undefined {
  if (o.json === true || process.stderr.isTTY !== true) return undefined
  let last = -1
  return f => {
    const pct = Math.floor(f * 100)
    if (pct === last) return
    last = pct
    process.stderr.write(`\rderiving key… ${pct}%${pct === 100 ? '\n' : ''}`)
  }
}

function mapBackupError (err: unknown): never {
  if (BackupError.is(err)) throw new CliError(err.message, err.code)
  throw err
}

export function registerBackup (program: Command): void {
  const backup = program.command('backup').description('encrypted backups of this device: identity, messages, keys, settings')

  backup.command('create')
    .description('write an encrypted backup file')
    .option('--home <dir>', 'device home directory', defaultHome())
    .requiredOption('--out <file>', 'backup file to write')
    .option('--passphrase-file <file>', 'read the passphrase from this file (or set BABACLOUD_PASSPHRASE)')
    .option('--json', 'machine-readable output')
    .action(async (o: PassOpts & { home: string, out: string }) => {
      const pass = await passphrase(o)
      if (pass.length < 8) throw new CliError('choose a passphrase of at least 8 characters')
      const r = await createBackup(o.home, o.out, pass, { onProgress: progress(o) }).catch(mapBackupError)
      print(o, { out: o.out, ...r }, `backed up ${r.peerId} (${r.messages} messages) to ${o.out}`)
    })

  backup.command('restore')
    .description('restore a backup into a new home directory')
    .requiredOption('--in <file>', 'backup file')
    .option('--home <dir>', 'new device home directory (must not have an identity)', defaultHome())
    .option('--passphrase-file <file>', 'read the passphrase from this file (or set BABACLOUD_PASSPHRASE)')
    .option('--json', 'machine-readable output')
    .action(async (o: PassOpts & { home: string, in: string }) => {
      const r = await restoreBackup(o.in, o.home, await passphrase(o), progress(o)).catch(mapBackupError)
      print(o, { home: o.home, ...r }, `restored ${r.peerId} (${r.messages} messages) into ${o.home}`)
    })
}
