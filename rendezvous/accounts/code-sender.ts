// Where one-time verification codes go: SMTP for email (nodemailer), and a pluggable sender for
// phone numbers, since SMS gateways are third parties an operator chooses and wires in.
import nodemailer from 'nodemailer'
import type { Transporter } from 'nodemailer'
import type { AbortOptions } from '@libp2p/interface'
import type { SmtpConfig } from '../config.ts'
import type { IdentifierKind } from './account-store.ts'

export interface CodeSendOptions extends AbortOptions {
  /** How long the code stays valid, for the text of the message. */
  validForMs?: number
}

/** Delivers a one-time code to an email address or phone number; throws if it could not. */
export interface CodeSender {
  send(to: string, code: string, options?: CodeSendOptions): Promise<void>
}

/** One sender per identifier kind; a missing kind cannot be verified on this node. */
export type CodeSenders = Partial<Record<IdentifierKind, CodeSender>>

/** A sender abandoned by the caller's signal must not leave the request hanging. */
async function raceSignal<T> (work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal == null) return await work
  signal.throwIfAborted()
  return await new Promise<T>((resolve, reject) => {
    const onAbort = (): void => { reject(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => { signal.removeEventListener('abort', onAbort) })
  })
}

/** Sends codes by email through the operator's SMTP server. */
export class SmtpCodeSender implements CodeSender {
  readonly #config: SmtpConfig
  readonly #transport: Transporter

  constructor (config: SmtpConfig) {
    this.#config = config
    this.#transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.tls === 'implicit',
      requireTLS: config.tls === 'starttls',
      ignoreTLS: config.tls === 'none',
      auth: config.user == null ? undefined : { user: config.user, pass: config.pass },
      // Bounded so an unreachable server fails the request instead of outliving it.
      connectionTimeout: 5_000,
      greetingTimeout: 5_000,
      socketTimeout: 8_000
    })
  }

  async send (to: string, code: string, options: CodeSendOptions = {}): Promise<void> {
    const minutes = Math.round((options.validForMs ?? 0) / 60_000)
    await raceSignal(this.#transport.sendMail({
      from: this.#config.from,
      to,
      subject: `Your BabaCloud Chat code: ${code}`,
      text: [
        `Your verification code is ${code}${minutes > 0 ? `; it works once, for ${minutes} minutes` : ''}.`,
        '',
        'Enter it in BabaCloud Chat to let your contacts find you by this address.',
        'If you did not ask for it, ignore this mail: without the code nobody can use your address.'
      ].join('\n')
    }), options.signal)
  }

  close (): void {
    this.#transport.close()
  }
}
