// `babacloud account …`: the account on the home rendezvous and the user's rights over its data.
import { readFileSync } from 'node:fs'
import { open, rm } from 'node:fs/promises'
import { platform } from 'node:os'
import { normalizeEmail, normalizePhone } from '../../protocol/account/identifiers.ts'
import { formatAmount } from '../../rendezvous/billing/plans.ts'
import { ProtocolError, errorMessage } from '../../protocol/errors.ts'
import { CliError } from '../cli-error.ts'
import { defaultHome } from '../home.ts'
import { note, print } from '../output.ts'
import { collectRendezvous, openPeer } from '../peer.ts'
import { registerAccountBlobs } from './account-blobs.ts'
import type { AccountClient } from '../../protocol/account/account-client.ts'
import type { ChatClient } from '../../protocol/chat-client.ts'
import type { HistorySummary } from '../../protocol/history/history-service.ts'
import type { Account, PlanStatus } from '../../protocol/wire/generated/messages.ts'
import type { Command } from 'commander'

const CLIENT_VERSION = '0.1.0'
export const CLI_DEVICE = { type: 'cli', os: platform(), clientVersion: CLIENT_VERSION }

interface Common { home: string, rendezvous?: string[], json?: boolean }

/** The account as people and scripts read it. */
export function accountJson (a: Account): Record<string, unknown> {
  const p = a.profile
  return {
    id: a.id,
    username: p?.username,
    email: p?.email ?? null,
    emailVerified: a.emailVerified,
    phone: p?.phone ?? null,
    phoneVerified: a.phoneVerified,
    displayName: p?.displayName ?? null,
    bio: p?.bio ?? null,
    avatarBytes: p?.avatar?.length ?? 0,
    createdAt: new Date(Number(a.createdAt)).toISOString(),
    restricted: a.restricted,
    marketingOptOut: a.marketingOptOut,
    mailRetentionHours: a.mailRetentionMs === 0n ? null : Number(a.mailRetentionMs) / 3_600_000,
    policyVersionAccepted: a.policyVersionAccepted,
    policyVersionCurrent: a.policyVersionCurrent,
    devices: a.devices.map(d => ({ peerId: d.peerId, type: d.info?.type, os: d.info?.os, clientVersion: d.info?.clientVersion, linkedAt: new Date(Number(d.linkedAt)).toISOString() }))
  }
}

const mb = (bytes: bigint | number): string => `${(Number(bytes) / 1024 / 1024).toFixed(1)} MB`

/** Plan, limits, usage and invoices as people and scripts read them (amounts in the currency's smallest unit). */
export function planJson (p: PlanStatus): Record<string, unknown> {
  const l = p.limits
  return {
    plan: p.plan,
    limits: l == null
      ? null
      : { mailboxMaxMessages: l.mailboxMaxMessages, mailboxMaxBytes: Number(l.mailboxMaxBytes), retentionDays: Number(l.retentionMs) / 86_400_000, attachmentMaxBytes: Number(l.attachmentMaxBytes), groupMaxMembers: l.groupMaxMembers, depositsPerMinute: l.depositsPerMinute },
    usage: { mailboxMessages: p.mailboxMessages, mailboxBytes: Number(p.mailboxBytes) },
    subscriptionStatus: p.subscriptionStatus === '' ? null : p.subscriptionStatus,
    invoices: p.invoices.map(i => ({ id: i.id, amount: Number(i.amount), currency: i.currency, status: i.status, periodStart: new Date(Number(i.periodStart)).toISOString(), periodEnd: new Date(Number(i.periodEnd)).toISOString(), url: i.hostedUrl === '' ? null : i.hostedUrl })),
    plans: p.plans,
    checkoutAvailable: p.checkoutAvailable
  }
}

function planText (p: PlanStatus): string {
  const l = p.limits
  const lines = [`plan: ${p.plan}${p.subscriptionStatus !== '' ? ` (subscription ${p.subscriptionStatus})` : ''}`]
  if (l != null) {
    lines.push(`  mailbox: ${p.mailboxMessages} of ${l.mailboxMaxMessages} messages, ${mb(p.mailboxBytes)} of ${mb(l.mailboxMaxBytes)}; kept ${Number(l.retentionMs) / 86_400_000} days`)
    lines.push(`  attachments up to ${mb(l.attachmentMaxBytes)}, groups up to ${l.groupMaxMembers} members, ${l.depositsPerMinute} offline deliveries a minute`)
  }
  for (const i of p.invoices) lines.push(`  invoice ${i.id}: ${formatAmount(Number(i.amount), i.currency)} ${i.status}, ${new Date(Number(i.periodStart)).toISOString().slice(0, 10)} – ${new Date(Number(i.periodEnd)).toISOString().slice(0, 10)}`)
  const others = p.plans.filter(x => x !== p.plan)
  if (others.length > 0) lines.push(`  other plans: ${others.join(', ')}${p.checkoutAvailable ? ' (babacloud account upgrade --plan NAME)' : ''}`)
  return lines.join('\n')
}

function verifiedNote (j: Record<string, unknown>, key: string): string {
  if (key !== 'email' && key !== 'phone') return ''
  return j[`${key}Verified`] === true ? ' (verified: contacts can find you by it)' : ` (not verified, so not discoverable: babacloud account verify --${key})`
}

const formatHours = (ms: number): string => ms % 86_400_000 === 0 ? `${ms / 86_400_000} days` : `${ms / 3_600_000} h`

/** `12h`, `3d`, `2w`: whole hours, days or weeks. */
function parseKeepMail (value: string): number {
  const m = /^(\d{1,4})([hdw])$/.exec(value.trim())
  if (m == null) throw new CliError(`keep-mail: "${value}" is not a duration like 12h, 3d or 2w (or "plan")`)
  return Number(m[1]) * { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }[m[2] as 'h' | 'd' | 'w']
}

function showAccount (opts: Common, a: Account): void {
  const j = accountJson(a)
  const lines = [
    `@${String(j.username)} (account ${a.id})`,
    ...['displayName', 'email', 'phone', 'bio'].filter(k => j[k] != null).map(k => `  ${k}: ${String(j[k])}${verifiedNote(j, k)}`),
    `  processing restricted: ${a.restricted ? 'yes' : 'no'}, marketing opt-out: ${a.marketingOptOut ? 'yes' : 'no'}`,
    `  waiting mail kept: ${a.mailRetentionMs === 0n ? "the plan's retention" : formatHours(Number(a.mailRetentionMs))}`,
    `  devices: ${a.devices.map(d => `${d.peerId} (${d.info?.type ?? '?'})`).join(', ')}`
  ]
  print(opts, j, lines.join('\n'))
  if (a.policyVersionAccepted < a.policyVersionCurrent) {
    note(opts, `The privacy policy of this node changed (version ${a.policyVersionCurrent}). Read it with \`babacloud account policy\`, accept with \`babacloud account policy --accept\`.`)
  }
}

/** Runs `fn` with a client connected to the rendezvous that takes no messages. */
async function withClient<T> (opts: Common, fn: (client: ChatClient) => Promise<T>): Promise<T> {
  const session = await openPeer({ home: opts.home, rendezvous: opts.rendezvous, mode: 'connect' })
  try {
    return await fn(session.client)
  } finally {
    await session.close()
  }
}

function accountsOf (client: ChatClient): AccountClient {
  if (client.accounts == null) throw new CliError('no rendezvous configured')
  return client.accounts
}

/** Runs `fn` with an account client on a connection that takes no messages. */
async function withAccounts<T> (opts: Common, fn: (accounts: AccountClient) => Promise<T>): Promise<T> {
  return await withClient(opts, async client => await fn(accountsOf(client)))
}

type HistoryOutcome = (HistorySummary & { error?: undefined }) | { error: { code: string, message: string } }

/** The history from another device of the account, with progress on stderr; a failure is reported, not thrown (the link stands). */
async function receiveHistory (o: Common, client: ChatClient, code: string, wait: number): Promise<HistoryOutcome> {
  const tty = process.stderr.isTTY && o.json !== true
  if (wait > 0) note(o, `linked; waiting up to ${wait} s for a device of the account to send its history…`)
  let shown = ''
  try {
    const summary = await client.history.receive(code, {
      waitMs: wait * 1000,
      onProgress: p => {
        const line = `history from ${p.from}: ${p.received}/${p.total}`
        if (tty && line !== shown) process.stderr.write(`\r${line}`)
        shown = line
      }
    })
    if (tty && shown !== '') process.stderr.write('\n')
    return summary
  } catch (err) {
    if (tty && shown !== '') process.stderr.write('\n')
    const code = ProtocolError.is(err) ? err.code : (err as Error).name === 'UnreachableError' ? 'UNREACHABLE' : 'INTERNAL'
    return { error: { code, message: errorMessage(err) } }
  }
}

function historyText (h: HistoryOutcome): string {
  if (h.error != null) {
    const hint = h.error.code === 'UNAUTHORIZED'
      ? 'give the whole code from `account link-code` (digits and letters) on the device that made it'
      : 'keep a device of the account online (babacloud chat, or inbox --wait) and run this again with --wait SECONDS'
    return `no history arrived: ${h.error.message} (${hint})`
  }
  return `history from ${h.from}: ${h.messages} messages (${h.added} new) in ${h.conversations} conversations, ${h.groups} groups, ${h.contacts} contacts, ${h.timers} timers`
}

function common (cmd: Command): Command {
  return cmd
    .option('--home <dir>', 'device home directory', defaultHome())
    .option('--rendezvous <multiaddr>', 'rendezvous address (remembered after first use); repeat to be homed on several nodes', collectRendezvous)
    .option('--json', 'machine-readable output')
}

function readAvatar (file: string | undefined): Uint8Array | undefined {
  if (file == null) return undefined
  try {
    return new Uint8Array(readFileSync(file))
  } catch (err) {
    throw new CliError(`cannot read avatar ${file}: ${(err as Error).message}`)
  }
}

interface ProfileOpts { email?: string, phone?: string, name?: string, bio?: string, avatar?: string }
const profileFrom = (o: ProfileOpts): Record<string, unknown> => Object.fromEntries(Object.entries({
  email: o.email, phone: o.phone, displayName: o.name, bio: o.bio, avatar: readAvatar(o.avatar)
}).filter(([, v]) => v != null))

export function registerAccount (program: Command): void {
  const account = program.command('account').description('your account on the rendezvous, and your rights over its data')

  common(account.command('create').description('sign up (you must be 13 or older; only that the check passed is kept)'))
    .requiredOption('--username <name>', '3–32 characters of a-z, 0-9 and _')
    .requiredOption('--birth-date <YYYY-MM-DD>', 'checked once, never stored')
    .option('--email <email>').option('--phone <phone>', 'international form, e.g. +41791234567')
    .option('--name <display name>').option('--bio <text>').option('--avatar <file>', 'image of at most 64 KiB')
    .action(async (o: Common & ProfileOpts & { username: string, birthDate: string }) => {
      const a = await withAccounts(o, async acc => await acc.signUp({ username: o.username, ...profileFrom(o) }, o.birthDate, CLI_DEVICE))
      showAccount(o, a)
    })

  common(account.command('show').description('print the account'))
    .action(async (o: Common) => { showAccount(o, await withAccounts(o, async acc => await acc.get())) })

  common(account.command('update').description('correct your profile'))
    .option('--email <email>').option('--phone <phone>').option('--name <display name>').option('--bio <text>').option('--avatar <file>')
    .option('--clear <field...>', 'erase fields: email, phone, displayName, avatar, bio')
    .action(async (o: Common & ProfileOpts & { clear?: string[] }) => {
      showAccount(o, await withAccounts(o, async acc => await acc.update(profileFrom(o), o.clear ?? [])))
    })

  common(account.command('export').description('download everything the node holds about your account (JSON)'))
    .requiredOption('--out <file>', 'where to write the export')
    .action(async (o: Common & { out: string }) => {
      // Written as the pages arrive: a mailbox with many waiting messages is never held whole.
      const file = await open(o.out, 'w', 0o600)
      let bytes = 0
      try {
        await file.chmod(0o600)
        await withAccounts(o, async acc => {
          await acc.exportTo(async chunk => {
            bytes += Buffer.byteLength(chunk)
            await file.write(chunk)
          })
        })
        await file.write('\n')
      } catch (err) {
        // Half an export is no export: leave nothing that looks like one.
        await file.close().catch(() => {})
        await rm(o.out, { force: true })
        throw err
      }
      await file.close()
      print(o, { out: o.out, bytes: bytes + 1 }, `wrote ${o.out}`)
    })

  common(account.command('delete').description('delete the account, its devices, waiting messages, logs and discovery entries'))
    .option('--yes', 'confirm: this cannot be undone')
    .action(async (o: Common & { yes?: boolean }) => {
      if (o.yes !== true) throw new CliError('deleting the account cannot be undone: add --yes to confirm')
      const withdrawal = await withClient(o, async client => {
        // The other homes hold this device's prekeys but no account: they are told first.
        const w = await client.sessions.withdrawPrekeys()
        await accountsOf(client).delete()
        return w
      })
      for (const f of withdrawal.failures) note(o, `could not withdraw this device's prekeys from home ${f.home}: ${errorMessage(f.error)}`)
      print(o, { deleted: true, ...(withdrawal.failures.length > 0 ? { prekeysLeftOnHomes: withdrawal.failures.map(f => f.home) } : {}) }, 'account deleted')
    })

  common(account.command('restrict').description('restrict processing: not discoverable, no access logging, no marketing'))
    .option('--off', 'lift the restriction')
    .action(async (o: Common & { off?: boolean }) => { showAccount(o, await withAccounts(o, async acc => await acc.setRestricted(o.off !== true))) })

  common(account.command('keep-mail').description("how long the node keeps messages waiting for your devices (at most your plan's retention); senders are told when one expires"))
    .argument('<duration>', 'e.g. 12h, 3d, 2w; "plan" for the plan\'s retention')
    .action(async (duration: string, o: Common) => {
      const ms = duration === 'plan' ? 0 : parseKeepMail(duration)
      showAccount(o, await withAccounts(o, async acc => await acc.setMailRetention(ms)))
    })

  common(account.command('opt-out').description('opt out of marketing messages'))
    .option('--off', 'opt back in')
    .action(async (o: Common & { off?: boolean }) => { showAccount(o, await withAccounts(o, async acc => await acc.setMarketingOptOut(o.off !== true))) })

  common(account.command('link-code').description('show a one-time code that links another device to this account and lets it take this device\'s history'))
    .action(async (o: Common) => {
      // The code's last part is made here and never sent to the node: it is what the new device
      // proves when it asks this device for the history (while this device runs `chat` or `inbox --wait`).
      const { username, code, expiresAt } = await withClient(o, async client => ({ username: (await accountsOf(client).get()).profile?.username ?? '', ...await client.history.createLinkCode() }))
      print(o, { account: username, code, expiresAt: new Date(expiresAt).toISOString() },
        `link code ${code} (valid until ${new Date(expiresAt).toISOString()}, once); on the new device run: babacloud account link --account @${username} --code ${code} --wait 120\n` +
        'then keep this device online (babacloud chat, or babacloud inbox --wait SECONDS) so it can send its history')
    })

  common(account.command('link').description('link this device to an account with a code from one of its devices, and take the history from a device of the account that is online'))
    .requiredOption('--account <@username>', 'the account the code belongs to')
    .requiredOption('--code <code>', 'the whole code `account link-code` printed')
    .option('--wait <seconds>', 'how long to wait for a device of the account to send its history', '0')
    .action(async (o: Common & { account: string, code: string, wait: string }) => {
      const wait = Number(o.wait)
      if (!Number.isFinite(wait) || wait < 0) throw new CliError(`--wait expects a number of seconds, got ${o.wait}`)
      await withClient(o, async client => {
        // Linked already (the node's part of the code is used up): run again, it only takes the history.
        const current = await accountsOf(client).get().catch(() => undefined)
        const linked = current != null && current.profile?.username === o.account.replace(/^@/, '')
          ? current
          : await client.history.link(o.account, o.code, CLI_DEVICE)
        // Kept in the store: deletions made here later reach the account's other devices.
        await client.parts.own.refresh()
        const history = await receiveHistory(o, client, o.code, wait)
        const j = accountJson(linked)
        print(o, { ...j, history }, `linked to @${String(j.username)} (account ${linked.id}); devices: ${linked.devices.map(d => d.peerId).join(', ')}\n${historyText(history)}`)
      })
    })

  common(account.command('verify').description('prove you control your email or phone, so contacts who have it can find you'))
    .option('--email [address]', 'send a code to your email (this one, if given: it replaces the one on your profile)')
    .option('--phone [number]', 'send a code to your phone (this one, if given)')
    .option('--code <code>', 'confirm with the code you received')
    .action(async (o: Common & { email?: string | true, phone?: string | true, code?: string }) => {
      if ((o.email == null) === (o.phone == null)) throw new CliError('give one of --email or --phone')
      const kind = o.email != null ? 'email' as const : 'phone' as const
      const given = o[kind]
      const value = typeof given === 'string' ? (kind === 'email' ? normalizeEmail(given) : normalizePhone(given)) : undefined
      if (o.code != null) {
        const code = o.code
        const a = await withAccounts(o, async acc => {
          const current = (await acc.get()).profile?.[kind]
          if (value != null && value !== current) throw new CliError(`your profile's ${kind} is ${current ?? 'not set'}: ask for a code for ${value} first (babacloud account verify --${kind} ${value})`)
          return await acc.verifyConfirm(kind, code)
        })
        print(o, { kind, value: a.profile?.[kind] ?? null, verified: true }, `${a.profile?.[kind] ?? kind} verified: contacts who have it can now find @${a.profile?.username ?? ''}`)
        return
      }
      const sent = await withAccounts(o, async acc => {
        let to = (await acc.get()).profile?.[kind]
        if (value != null && value !== to) to = (await acc.update({ [kind]: value })).profile?.[kind]
        if (to == null) throw new CliError(`your profile has no ${kind}: give one, e.g. babacloud account verify --${kind} ${kind === 'email' ? 'you@example.org' : '+41791234567'}`)
        return { to, ...await acc.verifyStart(kind) }
      })
      const until = new Date(sent.expiresAt).toISOString()
      print(o, { kind, sentTo: sent.to, expiresAt: until }, `sent a code to ${sent.to} (valid until ${until}); confirm with: babacloud account verify --${kind} --code CODE`)
    })

  common(account.command('unlink').description('revoke a device: it receives nothing more for this account'))
    .requiredOption('--device <peerId>')
    .action(async (o: Common & { device: string }) => { showAccount(o, await withAccounts(o, async acc => await acc.unlinkDevice(o.device))) })

  common(account.command('discover').description('find which of your contacts have accounts (only salted hashes are sent)'))
    .option('--email <email...>').option('--phone <phone...>')
    .action(async (o: Common & { email?: string[], phone?: string[] }) => {
      const ids = [...(o.email ?? []).map(value => ({ kind: 'email' as const, value })), ...(o.phone ?? []).map(value => ({ kind: 'phone' as const, value }))]
      if (ids.length === 0) throw new CliError('give at least one --email or --phone')
      const matches = await withAccounts(o, async acc => await acc.discover(ids))
      if (o.json === true) for (const m of matches) print(o, m, '')
      else print(o, matches, matches.length === 0 ? 'none of them has an account here' : matches.map(m => `${m.value} → @${m.username}`).join('\n'))
    })

  common(account.command('plan').description('your plan, its limits, what you use, and your invoices'))
    .action(async (o: Common) => {
      const plan = await withAccounts(o, async acc => await acc.plan())
      print(o, planJson(plan), planText(plan))
    })

  common(account.command('upgrade').description('get a payment page for a plan; the plan changes once the payment is confirmed'))
    .requiredOption('--plan <name>', 'the plan to buy, e.g. premium')
    .action(async (o: Common & { plan: string }) => {
      const url = await withAccounts(o, async acc => await acc.checkout(o.plan))
      print(o, { plan: o.plan, url }, `open this page to pay for ${o.plan}:\n${url}`)
    })

  common(account.command('policy').description("print the node's privacy policy"))
    .option('--accept', 'record that you accept the current version')
    .action(async (o: Common & { accept?: boolean }) => {
      const policy = await withAccounts(o, async acc => {
        const p = await acc.policy()
        if (o.accept === true) await acc.acceptPolicy(p.version)
        return p
      })
      print(o, { ...policy, accepted: o.accept === true }, `privacy policy, version ${policy.version}\n\n${policy.text}${o.accept === true ? '\n\naccepted' : ''}`)
    })

  registerAccountBlobs(account, common)
}
