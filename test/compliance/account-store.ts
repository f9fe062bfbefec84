// The AccountStore contract, run against every adapter (SQLite, PostgreSQL).
import { beforeEach, describe, expect, it } from 'vitest'
import { useStore } from './harness.ts'
import type { StoreFactory } from './harness.ts'
import type { AccountRecord, AccountStore, DeviceRecord } from '../../rendezvous/accounts/account-store.ts'

const T0 = 1_700_000_000_000

export function account (id: string, overrides: Partial<AccountRecord> = {}): AccountRecord {
  return {
    id, username: `user_${id}`, email: `${id}@example.org`, createdAt: T0, updatedAt: T0, ageCheckedAt: T0,
    restricted: false, marketingOptOut: false, policyVersionAccepted: 1, ...overrides
  }
}

export function device (peerId: string, accountId: string): DeviceRecord {
  return { peerId, accountId, type: 'cli', os: 'linux', clientVersion: '1', linkedAt: T0, lastSeenAt: T0 }
}

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b)
const hash = (n: number): Uint8Array => new Uint8Array(32).fill(n)

export function accountStoreCompliance (name: string, factory: StoreFactory<AccountStore>): void {
  describe(`AccountStore compliance: ${name}`, () => {
    const opened = useStore(factory)
    let store: AccountStore
    beforeEach(() => { store = opened().store })

    it('creates an account with its first device and finds it by id, username and device', async () => {
      await store.createAccount(account('a1', { avatar: bytes(1, 2), bio: 'hi' }), device('peer-1', 'a1'))
      expect(await store.getAccount('a1')).toEqual(account('a1', { avatar: bytes(1, 2), bio: 'hi' }))
      expect((await store.getAccountByUsername('user_a1'))?.id).toBe('a1')
      expect((await store.getAccountByDevice('peer-1'))?.id).toBe('a1')
      expect(await store.getAccountByDevice('peer-x')).toBeUndefined()
      expect(await store.listDevices('a1')).toEqual([device('peer-1', 'a1')])
    })

    it('refuses a taken username or a device that has an account, and keeps nothing of the attempt', async () => {
      await store.createAccount(account('a1'), device('peer-1', 'a1'))
      await expect(store.createAccount(account('a2', { username: 'user_a1' }), device('peer-2', 'a2'))).rejects.toMatchObject({ code: 'ALREADY_EXISTS', message: /taken/ })
      await expect(store.createAccount(account('a3'), device('peer-1', 'a3'))).rejects.toMatchObject({ code: 'ALREADY_EXISTS' })
      expect(await store.getAccount('a2')).toBeUndefined()
      expect(await store.getAccount('a3')).toBeUndefined()
      await expect(store.addDevice(device('peer-1', 'a1'))).rejects.toMatchObject({ code: 'ALREADY_EXISTS' })
    })

    it('updates fields, erases fields set to undefined, and moves updatedAt', async () => {
      await store.createAccount(account('a1', { phone: '+41791234567' }), device('peer-1', 'a1'))
      await store.updateAccount('a1', { displayName: 'Ana', phone: undefined, restricted: true, policyVersionAccepted: 2 }, T0 + 5)
      const a = await store.getAccount('a1')
      expect(a).toMatchObject({ displayName: 'Ana', restricted: true, policyVersionAccepted: 2, updatedAt: T0 + 5, email: 'a1@example.org' })
      expect(a?.phone).toBeUndefined()
    })

    it('deletes an account with its devices, codes, identifiers and access logs, and nobody else\'s', async () => {
      await store.createAccount(account('a1'), device('peer-1', 'a1'))
      await store.addDevice(device('peer-2', 'a1'))
      await store.createAccount(account('b1'), device('peer-b', 'b1'))
      await store.putCode({ accountId: 'a1', purpose: 'link', digest: hash(1), expiresAt: T0 + 1000, attempts: 5 })
      await store.setVerifiedIdentifier('a1', 'email', hash(2), T0)
      await store.setVerifiedIdentifier('b1', 'email', hash(3), T0)
      for (const peerId of ['peer-1', 'peer-2', 'peer-b']) await store.logAccess({ peerId, ip: '127.0.0.1', at: T0 })
      await store.deleteAccount('a1')
      expect(await store.getAccount('a1')).toBeUndefined()
      expect(await store.listDevices('a1')).toEqual([])
      expect(await store.getAccountByDevice('peer-2')).toBeUndefined()
      expect(await store.tryCode('a1', 'link', hash(1), T0)).toEqual({ outcome: 'none' })
      expect(await store.listVerifiedIdentifiers('a1')).toEqual([])
      expect(await store.findIdentifiers([hash(2), hash(3)])).toEqual([{ hash: hash(3), username: 'user_b1' }])
      expect((await store.listAccess(['peer-1', 'peer-2', 'peer-b'])).map(r => r.peerId)).toEqual(['peer-b'])
    })

    it('takes a one-time code once, per account and purpose, and not after it expires', async () => {
      await store.createAccount(account('a1'), device('peer-1', 'a1'))
      await store.createAccount(account('b1'), device('peer-b', 'b1'))
      await store.putCode({ accountId: 'a1', purpose: 'link', digest: hash(1), expiresAt: T0 + 1000, attempts: 5 })
      await store.putCode({ accountId: 'a1', purpose: 'verify:email', digest: hash(2), target: hash(7), expiresAt: T0 + 1000, attempts: 5 })
      // Bound to its account and purpose: the same digest does nothing elsewhere.
      expect(await store.tryCode('b1', 'link', hash(1), T0)).toEqual({ outcome: 'none' })
      expect(await store.tryCode('a1', 'verify:phone', hash(2), T0)).toEqual({ outcome: 'none' })
      expect(await store.tryCode('a1', 'link', hash(1), T0)).toEqual({ outcome: 'accepted' })
      expect(await store.tryCode('a1', 'link', hash(1), T0)).toEqual({ outcome: 'none' })
      expect(await store.tryCode('a1', 'verify:email', hash(2), T0 + 1000)).toEqual({ outcome: 'expired' })
      expect(await store.tryCode('a1', 'verify:email', hash(2), T0)).toEqual({ outcome: 'none' })
      await store.putCode({ accountId: 'a1', purpose: 'verify:email', digest: hash(2), target: hash(7), expiresAt: T0 + 1000, attempts: 5 })
      expect(await store.tryCode('a1', 'verify:email', hash(2), T0)).toEqual({ outcome: 'accepted', target: hash(7) })
    })

    it('counts wrong guesses and deletes the code at the last one; a new code replaces the old', async () => {
      await store.createAccount(account('a1'), device('peer-1', 'a1'))
      await store.putCode({ accountId: 'a1', purpose: 'link', digest: hash(1), expiresAt: T0 + 1000, attempts: 3 })
      expect(await store.tryCode('a1', 'link', hash(9), T0)).toEqual({ outcome: 'wrong', attemptsLeft: 2 })
      expect(await store.tryCode('a1', 'link', hash(9), T0)).toEqual({ outcome: 'wrong', attemptsLeft: 1 })
      expect(await store.tryCode('a1', 'link', hash(9), T0)).toEqual({ outcome: 'wrong', attemptsLeft: 0 })
      expect(await store.tryCode('a1', 'link', hash(1), T0)).toEqual({ outcome: 'none' })
      await store.putCode({ accountId: 'a1', purpose: 'link', digest: hash(1), expiresAt: T0 + 1000, attempts: 3 })
      await store.putCode({ accountId: 'a1', purpose: 'link', digest: hash(2), expiresAt: T0 + 1000, attempts: 3 })
      expect(await store.tryCode('a1', 'link', hash(1), T0)).toEqual({ outcome: 'wrong', attemptsLeft: 2 })
      expect(await store.tryCode('a1', 'link', hash(2), T0)).toEqual({ outcome: 'accepted' })
      await store.putCode({ accountId: 'a1', purpose: 'link', digest: hash(3), expiresAt: T0 + 10, attempts: 3 })
      await store.putCode({ accountId: 'a1', purpose: 'verify:phone', digest: hash(4), expiresAt: T0 + 20, attempts: 3 })
      expect(await store.purgeCodes(T0 + 10)).toBe(1)
      expect(await store.tryCode('a1', 'link', hash(3), T0)).toEqual({ outcome: 'none' })
      await store.deleteCode('a1', 'verify:phone')
      expect(await store.tryCode('a1', 'verify:phone', hash(4), T0)).toEqual({ outcome: 'none' })
    })

    it('finds only verified identifiers, of accounts that have not restricted processing', async () => {
      await store.createAccount(account('a1'), device('peer-1', 'a1'))
      await store.createAccount(account('b1', { restricted: true }), device('peer-b', 'b1'))
      await store.setVerifiedIdentifier('a1', 'email', hash(1), T0)
      await store.setVerifiedIdentifier('a1', 'phone', hash(2), T0 + 1)
      await store.setVerifiedIdentifier('b1', 'email', hash(3), T0)
      expect(await store.findIdentifiers([hash(3), hash(2), hash(9)])).toEqual([{ hash: hash(2), username: 'user_a1' }])
      expect(await store.listVerifiedIdentifiers('a1')).toEqual([{ kind: 'email', hash: hash(1), verifiedAt: T0 }, { kind: 'phone', hash: hash(2), verifiedAt: T0 + 1 }])
      // A new identifier of a kind replaces the old one; dropping removes it from discovery.
      await store.setVerifiedIdentifier('a1', 'email', hash(4), T0 + 2)
      expect(await store.findIdentifiers([hash(1), hash(4)])).toEqual([{ hash: hash(4), username: 'user_a1' }])
      await store.dropVerifiedIdentifier('a1', 'phone')
      expect(await store.findIdentifiers([hash(2)])).toEqual([])
      expect((await store.listVerifiedIdentifiers('a1')).map(v => v.kind)).toEqual(['email'])
    })

    it('gives an identifier to the account that verified it last, and takes it from the earlier one', async () => {
      await store.createAccount(account('a1'), device('peer-1', 'a1'))
      await store.createAccount(account('c1'), device('peer-c', 'c1'))
      await store.setVerifiedIdentifier('a1', 'email', hash(5), T0)
      await store.setVerifiedIdentifier('c1', 'email', hash(5), T0 + 1)
      expect(await store.findIdentifiers([hash(5)])).toEqual([{ hash: hash(5), username: 'user_c1' }])
      expect(await store.listVerifiedIdentifiers('a1')).toEqual([])
    })

    it('lists and purges access logs by time', async () => {
      await store.logAccess({ peerId: 'p', ip: '10.0.0.1', at: T0 })
      await store.logAccess({ peerId: 'p', ip: '10.0.0.2', at: T0 + 10 })
      expect(await store.purgeAccessBefore(T0 + 10)).toBe(1)
      expect(await store.listAccess(['p'])).toEqual([{ peerId: 'p', ip: '10.0.0.2', at: T0 + 10 }])
    })

    it('keeps the first value of a setting', async () => {
      expect(await store.getSetting('salt')).toBeUndefined()
      await store.setSetting('salt', bytes(1))
      await store.setSetting('salt', bytes(2))
      expect(await store.getSetting('salt')).toEqual(bytes(1))
    })

    it('lists accounts and touches devices', async () => {
      await store.createAccount(account('a1'), device('peer-1', 'a1'))
      await store.createAccount(account('b1', { createdAt: T0 + 1 }), device('peer-b', 'b1'))
      await store.touchDevice('peer-1', T0 + 99)
      expect((await store.listAccounts()).map(a => a.id)).toEqual(['a1', 'b1'])
      expect((await store.listDevices('a1'))[0].lastSeenAt).toBe(T0 + 99)
      await store.removeDevice('peer-1')
      expect(await store.listDevices('a1')).toEqual([])
    })
  })
}
