// Link-code guessing: fresh PeerIds cost nothing, so per-peer rate limits do not stop someone from
// guessing device link codes and joining another person's account. Guards the defence that a code
// is bound to the account that issued it (the new device names the account), is single use and
// short-lived (injected clock), is uniformly random (rejection sampling, no modulo bias), and that a
// few wrong guesses at an account, from any number of peers, end its code.
import { afterEach, describe, expect, it } from 'vitest'
import { LINK_CODE_TTL_MS } from '../../rendezvous/accounts/account-service.ts'
import { CODE_ATTEMPTS, randomDigits } from '../../rendezvous/accounts/one-time-code.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup } from '../helpers/wait.ts'
import type { AccountClient } from '../../protocol/account/account-client.ts'
import type { TestRendezvous } from '../helpers/network.ts'

const ADULT = '1990-05-17'

describe('link-code guessing', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  let clock = 1_800_000_000_000
  const now = (): number => clock

  async function device (rv: TestRendezvous): Promise<AccountClient> {
    return (await createPeer(cleanup, rv.addr)).client.accounts as AccountClient
  }

  const other = (code: string, i: number): string => {
    const digits = code.replace('-', '')
    const guess = ((Number(digits) + 1 + i) % 1e8).toString().padStart(8, '0')
    return `${guess.slice(0, 4)}-${guess.slice(4)}`
  }

  it('ends the code after a few wrong guesses at the account, from fresh PeerIds each time', async () => {
    const rv = await startRendezvous(cleanup, {}, undefined, now)
    const owner = await device(rv)
    await owner.signUp({ username: 'owner' }, ADULT)
    const { code } = await owner.createLinkCode()
    for (let i = 0; i < CODE_ATTEMPTS; i++) {
      const attacker = await device(rv)
      await expect(attacker.linkDevice('@owner', other(code, i))).rejects.toMatchObject({ code: 'WRONG_CODE' })
    }
    // Even the right code no longer works: the guesses used the code up, for everyone.
    const attacker = await device(rv)
    await expect(attacker.linkDevice('@owner', code)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect((await owner.get()).devices).toHaveLength(1)
    // The owner makes a new one, which works once.
    const fresh = await owner.createLinkCode()
    const phone = await device(rv)
    expect((await phone.linkDevice('owner', fresh.code)).devices).toHaveLength(2)
    await expect((await device(rv)).linkDevice('owner', fresh.code)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('binds a code to the account that issued it, and refuses it once expired', async () => {
    const rv = await startRendezvous(cleanup, {}, undefined, now)
    const alice = await device(rv)
    const bob = await device(rv)
    await alice.signUp({ username: 'alice' }, ADULT)
    await bob.signUp({ username: 'bob' }, ADULT)
    const { code: aliceCode, expiresAt } = await alice.createLinkCode()
    expect(expiresAt).toBe(clock + LINK_CODE_TTL_MS)
    expect(aliceCode).toMatch(/^\d{4}-\d{4}$/)
    // Alice's code joins nobody else's account.
    const newcomer = await device(rv)
    await expect(newcomer.linkDevice('bob', aliceCode)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(newcomer.linkDevice('nobody_here', aliceCode)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(newcomer.linkDevice('alice', 'not a code')).rejects.toMatchObject({ code: 'INVALID' })
    clock += LINK_CODE_TTL_MS
    await expect(newcomer.linkDevice('alice', aliceCode)).rejects.toMatchObject({ code: 'EXPIRED' })
    expect((await alice.get()).devices).toHaveLength(1)
    expect((await bob.get()).devices).toHaveLength(1)
  })

  it('draws codes uniformly: a 32-bit draw past the last whole multiple of 10^8 is drawn again', () => {
    const draws = [[0xff, 0xff, 0xff, 0xff], [0xfa, 0x56, 0xea, 0x00], [0xfa, 0x56, 0xe9, 0xff]]
    let i = 0
    // 0xFFFFFFFF and 4_200_000_000 lie in the biased tail; 4_199_999_999 is the last fair value.
    expect(randomDigits(8, () => Uint8Array.from(draws[i++]))).toBe('99999999')
    expect(i).toBe(3)
  })
})
