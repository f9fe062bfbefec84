// The `babacloud` command line. Every command takes --json and --help; bad input ends in one line on
// stderr and a non-zero exit, never a stack trace.
import './platform.ts'
import { Command, CommanderError } from 'commander'
import { errorMessage } from '../protocol/errors.ts'
import { CliError } from './cli-error.ts'
import { registerAccount } from './commands/account.ts'
import { registerAdmin } from './commands/admin.ts'
import { registerBackup } from './commands/backup.ts'
import { registerChat } from './commands/chat.ts'
import { registerContact } from './commands/contact.ts'
import { registerDelete } from './commands/delete.ts'
import { registerGroup } from './commands/group.ts'
import { registerInbox } from './commands/inbox.ts'
import { registerInit } from './commands/init.ts'
import { registerMessageActions } from './commands/message-actions.ts'
import { registerRendezvous } from './commands/rendezvous.ts'
import { registerSend } from './commands/send.ts'
import { registerStatus } from './commands/status.ts'
import { registerSafetyNumber } from './commands/safety-number.ts'
import { registerSimulate } from './commands/simulate.ts'
import { registerTimer } from './commands/timer.ts'
import { registerProfile } from './commands/profile.ts'

const VERSION = '0.1.0'

const ERROR_CODES: Record<string, string> = {
  InvalidPeerIdError: 'INVALID_PEER_ID',
  UnreachableError: 'UNREACHABLE'
}

function errorCode (err: unknown): string {
  const e = err as { name?: string, code?: unknown }
  if (typeof e.code === 'string') return e.code
  return ERROR_CODES[e.name ?? ''] ?? 'ERROR'
}

/** A usage error is one line, like every other error: JSON with --json, else prefixed and with a hint. */
function usageErrorWriter (json: boolean): (str: string, write: (s: string) => void) => void {
  return (str, write) => {
    const message = str.trim().replace(/^error: /, '')
    write(json ? JSON.stringify({ error: { code: 'USAGE', message } }) + '\n' : `babacloud: ${message} (see --help)\n`)
  }
}

export function buildProgram (json = false): Command {
  const program = new Command('babacloud')
    .description('BabaCloud Chat: peer-to-peer end-to-end encrypted chat')
    .version(VERSION, '-V, --version')
    .configureOutput({ outputError: usageErrorWriter(json) })
    .exitOverride()
  registerInit(program)
  registerRendezvous(program)
  registerSend(program)
  registerSafetyNumber(program)
  registerInbox(program)
  registerMessageActions(program)
  registerDelete(program)
  registerTimer(program)
  registerContact(program)
  registerProfile(program)
  registerStatus(program)
  registerChat(program)
  registerGroup(program)
  registerAccount(program)
  registerAdmin(program)
  registerBackup(program)
  registerSimulate(program)
  return program
}

export async function main (argv: string[]): Promise<number> {
  const json = argv.includes('--json')
  try {
    await buildProgram(json).parseAsync(argv)
    return 0
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed help or the one-line usage error.
      return err.exitCode
    }
    const message = errorMessage(err).split('\n')[0]
    process.stderr.write(json ? JSON.stringify({ error: { code: errorCode(err), message } }) + '\n' : `babacloud: ${message}\n`)
    if (process.env.BABACLOUD_DEBUG != null) console.error(err)
    return err instanceof CliError ? err.exitCode : 1
  }
}

process.exitCode = await main(process.argv)
// libp2p may leave timers behind; the command is done.
setImmediate(() => process.exit())
