// `babacloud account …`: the account on the home rendezvous and the user's rights over its data.
import { readFileSync, writeFileSync } from 'node:fs'
import { platform } from 'node:os'
import { formatAmount } from '../../rendezvous/billing/plans.ts'
import { CliError } from '../cli-error.ts'
import { defaultHome } from '../home.ts'
import { note, print } from '../output.ts'
import { openPeer } from '../peer.ts'
import { registerAccountBlobs } from './account-blobs.ts'
import type { AccountClient } from '../../protocol/account/account-client.ts'
import type { Account, PlanStatus } from '../../protocol/wire/messages.ts'
import type { Command } from 'commander'

const CLIENT_VERSION = '0.1.0'
export const CLI_DEVICE = { type: 'cli', os: platform(), clientVersion: CLIENT_VERSION }

interface Common { home: string, rendezvous?: string, json?: boolean }

/** The account as people and scripts read it. */
export function accountJson (a: Account): Record<string, unknown> {
  const p = a.profile
  return {
    id: a.id,
    username: p?.username,
    email: p?.email ?? null,
    phone: p?.phone ?? null,
    displayName: p?.displayName ?? null,
    bio: p?.bio ?? null,
    avatarBytes: p?.avatar?.length ?? 0,
    createdAt: new Date(Number(a.createdAt)).toISOString(),
    restricted: a.restricted,
    marketingOptOut: a.marketingOptOut,
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

function showAccount (opts: Common, a: Account): void {
  const j = accountJson(a)
  const lines = [
    `@${String(j.username)} (account ${a.id})`,
    ...['displayName', 'email', 'phone', 'bio'].filter(k => j[k] != null).map(k => `  ${k}: ${String(j[k])}`),
    `  processing restricted: ${a.restricted ? 'yes' : 'no'}, marketing opt-out: ${a.marketingOptOut ? 'yes' : 'no'}`,
    `  devices: ${a.devices.map(d => `${d.peerId} (${d.info?.type ?? '?'})`).join(', ')}`
  ]
  print(opts, j, lines.join('\n'))
  if (a.policyVersionAccepted < a.policyVersionCurrent) {
    note(opts, `The privacy policy of this node changed (version ${a.policyVersionCurrent}). Read it with \`babacloud account policy\`, accept with \`babacloud account policy --accept\`.`)
  }
}

/** Runs `fn` with an account client on a connection that takes no messages. */
async function withAccounts<T> (opts: Common, fn: (accounts: AccountClient) => Promise<T>): Promise<T> {
  const session = await openPeer({ home: opts.home, rendezvous: opts.rendezvous, receive: false })
  try {
    const accounts = session.client.accounts
    if (accounts == null) throw new CliError('no rendezvous configured')
    return await fn(accounts)
  } finally {
    await session.close()
  }
}

function common (cmd: Command): Command {
  return cmd
    .option('--home <dir>', 'device home directory', defaultHome())
    .option('--rendezvous <multiaddr>', 'rendezvous address (remembered after first use)')
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
      const doc = await withAccounts(o, async acc => await acc.export())
      writeFileSync(o.out, doc + '\n', { mode: 0o600 })
      print(o, { out: o.out, bytes: doc.length }, `wrote ${o.out}`)
    })

  common(account.command('delete').description('delete the account, its devices, waiting messages, logs and discovery entries'))
    .option('--yes', 'confirm: this cannot be undone')
    .action(async (o: Common & { yes?: boolean }) => {
      if (o.yes !== true) throw new CliError('deleting the account cannot be undone: add --yes to confirm')
      await withAccounts(o, async acc => { await acc.delete() })
      print(o, { deleted: true }, 'account deleted')
    })

  common(account.command('restrict').description('restrict processing: not discoverable, no access logging, no marketing'))
    .option('--off', 'lift the restriction')
    .action(async (o: Common & { off?: boolean }) => { showAccount(o, await withAccounts(o, async acc => await acc.setRestricted(o.off !== true))) })

  common(account.command('opt-out').description('opt out of marketing messages'))
    .option('--off', 'opt back in')
    .action(async (o: Common & { off?: boolean }) => { showAccount(o, await withAccounts(o, async acc => await acc.setMarketingOptOut(o.off !== true))) })

  common(account.command('link-code').description('show a one-time code that links another device to this account'))
    .action(async (o: Common) => {
      const { code, expiresAt } = await withAccounts(o, async acc => await acc.createLinkCode())
      print(o, { code, expiresAt: new Date(expiresAt).toISOString() }, `link code ${code} (valid until ${new Date(expiresAt).toISOString()}); on the new device run: babacloud account link --code ${code}`)
    })

  common(account.command('link').description('link this device to an account with a code from one of its devices'))
    .requiredOption('--code <code>')
    .action(async (o: Common & { code: string }) => { showAccount(o, await withAccounts(o, async acc => await acc.linkDevice(o.code, CLI_DEVICE))) })

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
