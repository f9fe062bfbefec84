// A real SMTP server in-process (smtp-server) on 127.0.0.1, port 0: collects the mails a rendezvous
// sends, so tests read verification codes the way a person would, from the received mail.
import { SMTPServer } from 'smtp-server'
import { waitFor } from './wait.ts'
import type { Cleanup } from './wait.ts'
import type { AddressInfo } from 'node:net'

export interface ReceivedMail {
  to: string[]
  raw: string
}

export interface TestSmtp {
  /** The `smtp:` section of a rendezvous config that sends here. */
  config: { host: string, port: number, tls: 'none', from: string }
  mails: ReceivedMail[]
  /** Waits for the `nth` (1-based) mail to `to` and returns the code in it. */
  codeFor(to: string, nth?: number): Promise<string>
}

/** The mail body with quoted-printable soft line breaks undone. */
const body = (raw: string): string => raw.replace(/=\r?\n/g, '')

export async function startSmtp (cleanup: Cleanup): Promise<TestSmtp> {
  const mails: ReceivedMail[] = []
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: the test has no certificate a client would trust.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 64 * 1024,
    onData (stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => { chunks.push(c) })
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map(r => r.address.toLowerCase()), raw: Buffer.concat(chunks).toString('utf8') })
        callback()
      })
    }
  })
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => { resolve((server.server.address() as AddressInfo).port) })
  })
  cleanup.add(async () => { await new Promise<void>(resolve => { server.close(() => { resolve() }) }) })
  return {
    config: { host: '127.0.0.1', port, tls: 'none', from: 'BabaCloud Chat <noreply@chat.test>' },
    mails,
    async codeFor (to, nth = 1) {
      const mail = await waitFor(() => mails.filter(m => m.to.includes(to.toLowerCase()))[nth - 1], { what: `mail ${nth} to ${to}` })
      const m = /code is (\d{4}-\d{4})/.exec(body(mail.raw))
      if (m == null) throw new Error(`no code in the mail to ${to}:\n${mail.raw}`)
      return m[1]
    }
  }
}
