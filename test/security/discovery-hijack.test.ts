// Contact discovery hijack: an account saves someone else's email so that discovery returns the
// attacker's @username to everyone who has that email. Guards the defence that an identifier is
// discoverable only after its owner proved control with a one-time code sent to it (SMTP, read here
// from a real in-process SMTP server), that an unverified claim never changes discovery for anyone,
// that a node without a sender says so (VERIFICATION_UNAVAILABLE), and that codes expire (injected
// clock) and end after a few wrong attempts.
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../rendezvous/config.ts'
import { RendezvousNode } from '../../rendezvous/rendezvous-node.ts'
import { VERIFY_CODE_TTL_MS } from '../../rendezvous/accounts/account-service.ts'
import { createPeer } from '../helpers/network.ts'
import { startSmtp } from '../helpers/smtp.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'
import type { AccountClient } from '../../protocol/account/account-client.ts'
import type { CodeSender } from '../../rendezvous/accounts/code-sender.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

const ADULT = '1990-05-17'
const VICTIM = 'victim@example.org'

describe('contact discovery hijack', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  let clock = 1_800_000_000_000
  const now = (): number => clock

  /** A rendezvous with the given SMTP section and code senders, on the test's clock. */
  async function rendezvous (options: { smtp?: Record<string, unknown>, phone?: CodeSender } = {}): Promise<Multiaddr> {
    const tmp = tempDir('babacloud-rv-')
    cleanup.add(tmp.remove)
    const config = resolveConfig({ listen: ['/ip4/127.0.0.1/tcp/0'], http: false, ...(options.smtp == null ? {} : { smtp: options.smtp }) })
    const node = new RendezvousNode({ dataDir: tmp.dir, config, now, codeSenders: options.phone == null ? undefined : { phone: options.phone } })
    const info = await node.start()
    cleanup.add(async () => { await node.stop() })
    return multiaddr(info.multiaddrs[0])
  }

  async function account (addr: Multiaddr, username: string, profile: { email?: string, phone?: string } = {}): Promise<AccountClient> {
    const peer = await createPeer(cleanup, addr)
    const accounts = peer.client.accounts as AccountClient
    await accounts.signUp({ username, ...profile }, ADULT)
    return accounts
  }

  const found = async (by: AccountClient, kind: 'email' | 'phone', value: string): Promise<string[]> =>
    (await by.discover([{ kind, value }])).map(m => m.username)

  it('never returns an unverified claim, and returns the owner once the owner proves control by mail', async () => {
    const smtp = await startSmtp(cleanup)
    const addr = await rendezvous({ smtp: smtp.config })
    const victim = await account(addr, 'victim', { email: VICTIM })
    const attacker = await account(addr, 'attacker', { email: 'Victim@Example.org' })
    const friend = await account(addr, 'friend')
    // The attacker saves the victim's address last: under "last writer wins" discovery returned it.
    await attacker.update({ email: VICTIM })
    expect(await found(friend, 'email', VICTIM)).toEqual([])

    // The attacker can make the node mail a code, but the code goes to the victim's inbox.
    await attacker.verifyStart('email')
    expect(await smtp.codeFor(VICTIM, 1)).toMatch(/^\d{4}-\d{4}$/)
    await expect(attacker.verifyConfirm('email', '0000-0000')).rejects.toMatchObject({ code: 'WRONG_CODE' })
    expect(await found(friend, 'email', VICTIM)).toEqual([])

    await victim.verifyStart('email')
    const code = await smtp.codeFor(VICTIM, 2)
    expect(smtp.mails[1].raw).toMatch(/From: BabaCloud Chat <noreply@chat\.test>/)
    expect((await victim.verifyConfirm('email', code)).emailVerified).toBe(true)
    expect(await found(friend, 'email', VICTIM)).toEqual(['victim'])
    // A code works once, and saving the address again changes nothing for anyone else.
    await expect(victim.verifyConfirm('email', code)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await attacker.update({ email: VICTIM })
    expect(await found(friend, 'email', VICTIM)).toEqual(['victim'])
    expect((await attacker.get()).emailVerified).toBe(false)
  })

  it('gives the identifier to the newest verified owner, and drops verification when it changes', async () => {
    const smtp = await startSmtp(cleanup)
    const addr = await rendezvous({ smtp: smtp.config })
    const first = await account(addr, 'first_owner', { email: VICTIM })
    const second = await account(addr, 'second_owner', { email: VICTIM })
    const friend = await account(addr, 'friend')
    await first.verifyStart('email')
    await first.verifyConfirm('email', await smtp.codeFor(VICTIM, 1))
    expect(await found(friend, 'email', VICTIM)).toEqual(['first_owner'])
    // Whoever reads the mailbox now (a recycled or shared address) proves control anew and wins.
    await second.verifyStart('email')
    await second.verifyConfirm('email', await smtp.codeFor(VICTIM, 2))
    expect(await found(friend, 'email', VICTIM)).toEqual(['second_owner'])
    expect((await first.get()).emailVerified).toBe(false)

    await second.update({ email: 'elsewhere@example.org' })
    expect((await second.get()).emailVerified).toBe(false)
    expect(await found(friend, 'email', VICTIM)).toEqual([])
    expect(await found(friend, 'email', 'elsewhere@example.org')).toEqual([])
  })

  it('with no sender, says so with a typed error and keeps identifiers as undiscoverable profile data', async () => {
    const addr = await rendezvous()
    const ana = await account(addr, 'ana', { email: 'ana@example.org', phone: '+41 79 123 45 67' })
    const friend = await account(addr, 'friend')
    await expect(ana.verifyStart('email')).rejects.toMatchObject({ code: 'VERIFICATION_UNAVAILABLE' })
    await expect(ana.verifyStart('phone')).rejects.toMatchObject({ code: 'VERIFICATION_UNAVAILABLE' })
    expect(await found(friend, 'email', 'ana@example.org')).toEqual([])
    expect(await found(friend, 'phone', '+41791234567')).toEqual([])
    // Still the user's data: exported, corrected and erased like the rest.
    const exported = JSON.parse(await ana.export())
    expect(exported.account).toMatchObject({ email: 'ana@example.org', phone: '+41791234567', emailVerifiedAt: null, phoneVerifiedAt: null })
    expect((await ana.update({}, ['phone'])).profile?.phone).toBeUndefined()
  })

  it('ends a code after five wrong attempts, and refuses an expired one', async () => {
    const smtp = await startSmtp(cleanup)
    const addr = await rendezvous({ smtp: smtp.config })
    const victim = await account(addr, 'victim', { email: VICTIM })
    const friend = await account(addr, 'friend')
    await victim.verifyStart('email')
    const code = await smtp.codeFor(VICTIM, 1)
    const wrong = code === '1111-1111' ? '2222-2222' : '1111-1111'
    for (const left of [4, 3, 2, 1, 0]) {
      await expect(victim.verifyConfirm('email', wrong)).rejects.toMatchObject({ code: 'WRONG_CODE', message: left > 0 ? expect.stringContaining(`${left} attempts left`) : expect.stringContaining('no longer works') })
    }
    await expect(victim.verifyConfirm('email', code)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(await found(friend, 'email', VICTIM)).toEqual([])

    await victim.verifyStart('email')
    const late = await smtp.codeFor(VICTIM, 2)
    clock += VERIFY_CODE_TTL_MS
    await expect(victim.verifyConfirm('email', late)).rejects.toMatchObject({ code: 'EXPIRED' })
    expect(await found(friend, 'email', VICTIM)).toEqual([])
  })

  it('verifies a phone number through the sender an operator plugs in', async () => {
    const texts: Array<{ to: string, code: string }> = []
    const sms: CodeSender = { async send (to, code) { texts.push({ to, code }) } }
    const addr = await rendezvous({ phone: sms })
    const bob = await account(addr, 'bob', { phone: '+41 79 765 43 21' })
    const friend = await account(addr, 'friend')
    await expect(bob.verifyStart('email')).rejects.toMatchObject({ code: 'INVALID' })
    await bob.verifyStart('phone')
    expect(texts).toHaveLength(1)
    expect(texts[0].to).toBe('+41797654321')
    expect(await found(friend, 'phone', '+41797654321')).toEqual([])
    expect((await bob.verifyConfirm('phone', texts[0].code)).phoneVerified).toBe(true)
    expect(await found(friend, 'phone', '+41 79 765 43 21')).toEqual(['bob'])
  })
})
