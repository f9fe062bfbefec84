import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { HomeRecordError, MAX_HOMES, homeKey, homeRecordSelector, homeRecordValidator, openHomeRecord, peerOfHomeKey, signHomeRecord } from '../../../protocol/federation/home.ts'
import { DeviceIdentity } from '../../../protocol/identity.ts'

const NOW = 1_800_000_000_000

describe('home records', () => {
  it('round-trips homes, sequence, expiry and address hints', async () => {
    const user = await DeviceIdentity.generate()
    const [a, b] = await Promise.all([DeviceIdentity.generate(), DeviceIdentity.generate()])
    const bytes = signHomeRecord(user, { homes: [{ peer: a.peerId, addrs: [multiaddr(`/ip4/10.0.0.1/tcp/7701/p2p/${a.peerId.toString()}`)] }, { peer: b.peerId }], seq: 7n, expires: NOW + 1000 })
    const r = openHomeRecord(user.peerId, bytes, NOW)
    expect(r.peer.equals(user.peerId)).toBe(true)
    expect(r.homes.map(h => h.peer.toString())).toEqual([a.peerId.toString(), b.peerId.toString()])
    expect(r.homes[0].addrs.map(ma => ma.toString())).toEqual([`/ip4/10.0.0.1/tcp/7701/p2p/${a.peerId.toString()}`])
    expect(r.homes[1].addrs).toEqual([])
    expect(r).toMatchObject({ seq: 7n, expires: NOW + 1000 })
    expect(peerOfHomeKey(homeKey(user.peerId)).equals(user.peerId)).toBe(true)
  })

  it('refuses with a typed code: another key, a bad signature, expired, too long-lived, oversize, garbage', async () => {
    const user = await DeviceIdentity.generate()
    const other = await DeviceIdentity.generate()
    const record = signHomeRecord(user, { homes: [{ peer: other.peerId }], seq: 1n, expires: NOW + 1000 })
    const code = (f: () => unknown): string | undefined => {
      try { f() } catch (err) { return HomeRecordError.is(err) ? err.code : `untyped: ${String(err)}` }
      return undefined
    }
    expect(code(() => openHomeRecord(other.peerId, record, NOW))).toBe('WRONG_KEY')
    const tampered = Uint8Array.from(record)
    tampered[tampered.length - 1] ^= 1
    expect(code(() => openHomeRecord(user.peerId, tampered, NOW))).toBe('BAD_SIGNATURE')
    expect(code(() => openHomeRecord(user.peerId, record, NOW + 1000))).toBe('EXPIRED')
    const longLived = signHomeRecord(user, { homes: [{ peer: other.peerId }], seq: 1n, expires: NOW + 400 * 86_400_000 })
    expect(code(() => openHomeRecord(user.peerId, longLived, NOW))).toBe('TOO_LONG_LIVED')
    expect(code(() => openHomeRecord(user.peerId, new Uint8Array(4096), NOW))).toBe('TOO_LARGE')
    expect(code(() => openHomeRecord(user.peerId, new Uint8Array([0xff, 0xff]), NOW))).toBe('MALFORMED')
    expect(code(() => peerOfHomeKey(new TextEncoder().encode('/pk/whatever')))).toBe('WRONG_KEY')
    expect(() => signHomeRecord(user, { homes: Array.from({ length: MAX_HOMES + 1 }, () => ({ peer: other.peerId })), seq: 1n, expires: NOW + 1 })).toThrow(RangeError)
    // The DHT validator is the same check, keyed by the DHT key.
    expect(() => homeRecordValidator(() => NOW)(homeKey(user.peerId), record)).not.toThrow()
    expect(() => homeRecordValidator(() => NOW)(homeKey(other.peerId), record)).toThrow(HomeRecordError)
  })

  it('selects the highest sequence number', async () => {
    const user = await DeviceIdentity.generate()
    const home = await DeviceIdentity.generate()
    const at = (seq: bigint): Uint8Array => signHomeRecord(user, { homes: [{ peer: home.peerId }], seq, expires: NOW + 1000 })
    expect(homeRecordSelector(homeKey(user.peerId), [at(3n), at(9n), new Uint8Array([1]), at(5n)])).toBe(1)
  })
})
