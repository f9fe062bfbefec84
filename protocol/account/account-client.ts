// Client side of `/babacloud/account/1.0.0`, used by the CLI and the web app's settings.
import { ACCOUNT_PROTOCOL, DEFAULT_TIMEOUT_MS, MAX_RESPONSE_BYTES } from '../constants.ts'
import { ErrorCode, ProtocolError } from '../errors.ts'
import { call } from '../rpc/rpc.ts'
import type { CallTarget } from '../rpc/rpc.ts'
import { AccountRequest, AccountResponse } from '../wire/generated/messages.ts'
import { hashIdentifier } from './identifiers.ts'
import type { IdentifierKind } from './identifiers.ts'
import type { ChatNode } from '../mesh/create-node.ts'
import type { Account, DeviceInfo, PlanStatus, Profile } from '../wire/generated/messages.ts'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export type ProfileFields = Partial<Profile>

const indent = (json: string, by: string): string => json.replaceAll('\n', `\n${by}`)

function parseExportJson (json: string, kind: 'object' | 'array'): unknown {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    throw new ProtocolError(ErrorCode.MALFORMED, 'the node sent an export that is not JSON')
  }
  if (Array.isArray(value) !== (kind === 'array') || typeof value !== 'object' || value == null) {
    throw new ProtocolError(ErrorCode.MALFORMED, `the node sent an export page that is not a JSON ${kind}`)
  }
  return value
}

export class AccountClient {
  readonly #target: CallTarget

  constructor (node: ChatNode, rendezvous: PeerId | Multiaddr, timeoutMs = DEFAULT_TIMEOUT_MS) {
    this.#target = { node, peer: rendezvous, protocol: ACCOUNT_PROTOCOL, timeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES }
  }

  async #call (req: Partial<AccountRequest>, options: AbortOptions = {}): Promise<AccountResponse> {
    return await call<AccountRequest, AccountResponse>(this.#target, { type: AccountRequest.Type.GET, birthDate: '', username: '', code: '', peerId: '', hashes: [], flag: false, policyVersion: 0, clear: [], plan: '', kind: '', exportCursor: '', retentionMs: 0n, ...req }, { request: AccountRequest, response: AccountResponse }, options)
  }

  async #account (req: Partial<AccountRequest>): Promise<Account> {
    const res = await this.#call(req)
    if (res.account == null) throw new Error('the node sent no account')
    return res.account
  }

  async signUp (profile: ProfileFields & { username: string }, birthDate: string, device?: DeviceInfo): Promise<Account> {
    return await this.#account({ type: AccountRequest.Type.SIGN_UP, profile, birthDate, device })
  }

  async get (): Promise<Account> {
    return await this.#account({ type: AccountRequest.Type.GET })
  }

  /** Sets the given fields; `clear` names optional fields to erase. */
  async update (profile: ProfileFields, clear: string[] = []): Promise<Account> {
    return await this.#account({ type: AccountRequest.Type.UPDATE, profile: { username: '', ...profile }, clear })
  }

  async delete (): Promise<void> {
    await this.#call({ type: AccountRequest.Type.DELETE })
  }

  /** The export document, as JSON text (collected from exportTo). */
  async export (): Promise<string> {
    let text = ''
    await this.exportTo(chunk => { text += chunk })
    return text
  }

  /**
   * Writes the export document piece by piece, as `JSON.stringify(document, null, 2)` would: the
   * node sends it with a first page of pending messages, then a page per request, so neither side
   * holds every waiting message at once (docs/account-export.md).
   */
  async exportTo (write: (chunk: string) => void | Promise<void>, options: AbortOptions = {}): Promise<void> {
    const first = await this.#call({ type: AccountRequest.Type.EXPORT }, options)
    const document = parseExportJson(first.json, 'object') as Record<string, unknown>
    const keys = Object.keys(document)
    await write('{\n')
    for (const [i, key] of keys.entries()) {
      await write(`  ${JSON.stringify(key)}: `)
      if (key === 'pendingMessages') {
        let n = 0
        const entry = async (e: unknown): Promise<void> => { await write(`${n++ === 0 ? '\n' : ',\n'}    ${indent(JSON.stringify(e, null, 2), '    ')}`) }
        await write('[')
        const firstPage = document[key]
        if (!Array.isArray(firstPage)) throw new ProtocolError(ErrorCode.MALFORMED, 'the node sent an export without pendingMessages')
        for (const e of firstPage) await entry(e)
        let cursor = first.exportCursor
        const seen = new Set<string>()
        while (cursor !== '') {
          // A node that hands out a cursor twice would page forever.
          if (seen.has(cursor)) throw new ProtocolError(ErrorCode.MALFORMED, 'the node repeated an export cursor')
          seen.add(cursor)
          const page = await this.#call({ type: AccountRequest.Type.EXPORT, exportCursor: cursor }, options)
          for (const e of parseExportJson(page.json, 'array') as unknown[]) await entry(e)
          cursor = page.exportCursor
        }
        await write(n === 0 ? ']' : '\n  ]')
      } else {
        await write(indent(JSON.stringify(document[key], null, 2), '  '))
      }
      await write(i < keys.length - 1 ? ',\n' : '\n')
    }
    await write('}')
  }

  async setRestricted (restricted: boolean): Promise<Account> {
    return await this.#account({ type: AccountRequest.Type.SET_RESTRICTED, flag: restricted })
  }

  /** Keep mail waiting for this account's devices `ms` at most (within the plan's); 0: the plan's retention. */
  async setMailRetention (ms: number): Promise<Account> {
    return await this.#account({ type: AccountRequest.Type.SET_MAIL_RETENTION, retentionMs: BigInt(ms) })
  }

  async setMarketingOptOut (optOut: boolean): Promise<Account> {
    return await this.#account({ type: AccountRequest.Type.SET_MARKETING_OPT_OUT, flag: optOut })
  }

  async resolve (username: string): Promise<string[]> {
    return (await this.#call({ type: AccountRequest.Type.RESOLVE, username: username.replace(/^@/, '') })).peerIds
  }

  async createLinkCode (): Promise<{ code: string, expiresAt: number }> {
    const res = await this.#call({ type: AccountRequest.Type.CREATE_LINK_CODE })
    return { code: res.code, expiresAt: Number(res.expiresAt) }
  }

  /** Links this device to `@username` with a code one of its devices made (createLinkCode). */
  async linkDevice (username: string, code: string, device?: DeviceInfo): Promise<Account> {
    return await this.#account({ type: AccountRequest.Type.LINK_DEVICE, username: username.replace(/^@/, ''), code, device })
  }

  /**
   * Asks the node to send a one-time code to the profile's email or phone (set it with `update`
   * first). VERIFICATION_UNAVAILABLE when the node cannot send to that kind of identifier.
   */
  async verifyStart (kind: IdentifierKind): Promise<{ expiresAt: number }> {
    const res = await this.#call({ type: AccountRequest.Type.VERIFY_START, kind })
    return { expiresAt: Number(res.expiresAt) }
  }

  /** Proves control with the code that was sent: the identifier becomes discoverable. */
  async verifyConfirm (kind: IdentifierKind, code: string): Promise<Account> {
    return await this.#account({ type: AccountRequest.Type.VERIFY_CONFIRM, kind, code })
  }

  async unlinkDevice (peerId: string): Promise<Account> {
    return await this.#account({ type: AccountRequest.Type.UNLINK_DEVICE, peerId })
  }

  /** Hashes the identifiers with the node's salt, uploads only the hashes, returns the matches. */
  async discover (identifiers: Array<{ kind: IdentifierKind, value: string }>): Promise<Array<{ kind: IdentifierKind, value: string, username: string }>> {
    const salt = (await this.#call({ type: AccountRequest.Type.DISCOVER })).salt
    const hashed = identifiers.map(i => ({ ...i, hash: hashIdentifier(salt, i.kind, i.value) }))
    const res = await this.#call({ type: AccountRequest.Type.DISCOVER, hashes: hashed.map(h => h.hash as Uint8Array<ArrayBuffer>) })
    const hex = (b: Uint8Array): string => Array.from(b, x => x.toString(16).padStart(2, '0')).join('')
    const byHash = new Map(res.matches.map(m => [hex(m.hash), m.username]))
    return hashed.filter(h => byHash.has(hex(h.hash))).map(h => ({ kind: h.kind, value: h.value, username: byHash.get(hex(h.hash)) as string }))
  }

  async policy (): Promise<{ version: number, text: string }> {
    const res = await this.#call({ type: AccountRequest.Type.GET_POLICY })
    return { version: res.policyVersion, text: res.policyText }
  }

  async acceptPolicy (version: number): Promise<Account> {
    return await this.#account({ type: AccountRequest.Type.ACCEPT_POLICY, policyVersion: version })
  }

  /** The account's plan, its limits, what the account uses now, and its invoices. */
  async plan (): Promise<PlanStatus> {
    const res = await this.#call({ type: AccountRequest.Type.GET_PLAN })
    if (res.plan == null) throw new Error('the node sent no plan')
    return res.plan
  }

  /** A payment page for `plan`; the plan changes once the payment processor confirms it. */
  async checkout (plan: string): Promise<string> {
    return (await this.#call({ type: AccountRequest.Type.CHECKOUT, plan })).checkoutUrl
  }
}
