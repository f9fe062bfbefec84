// Federation home hijack: a hostile DHT server (fresh PeerId, on 127.0.0.1) claims to be the home of
// a victim so that senders on other nodes deposit the victim's mail with it (to read its metadata,
// or drop it). Guards two defences: the DHT validator for /babacloud-home/ (servers refuse any home
// record not signed by the PeerId it names, expired, or malformed), and the sender's own check of
// the record before it deposits (protocol/delivery/router.ts). Homes are no longer DHT providers,
// so the old provider announcement must count for nothing either.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { afterEach, describe, expect, it } from 'vitest'
import { ChatClient } from '../../protocol/chat-client.ts'
import { homeKey, openHomeRecord, signHomeRecord } from '../../protocol/federation/home.ts'
import { HomeRecordBody, SignedHomeRecord } from '../../protocol/federation/generated/home-record.ts'
import { DeviceIdentity, peerIdToBytes } from '../../protocol/identity.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import type { TestPeer, TestRendezvous } from '../helpers/network.ts'
import type { PeerId } from '@libp2p/interface'

/** The DHT key under which homes used to be announced as providers (before signed records). */
function oldProviderKey (recipient: PeerId): CID {
  const digest = sha256(concatBytes(utf8ToBytes('babacloud/home/v1:'), recipient.toMultihash().bytes))
  return CID.createV1(0x55, Digest.create(0x12, digest))
}

/** A record that claims to be `victim`'s, naming `home`, but signed by `signer`. */
function forgedRecord (signer: DeviceIdentity, victim: PeerId, home: PeerId, now: number): Uint8Array {
  const body = HomeRecordBody.encode({
    peer: peerIdToBytes(victim) as Uint8Array<ArrayBuffer>,
    homes: [{ peer: peerIdToBytes(home) as Uint8Array<ArrayBuffer>, addrs: [] }],
    seq: BigInt(now) * 1000n,
    expires: BigInt(now + 3_600_000)
  })
  const signature = signer.sign(concatBytes(utf8ToBytes('babacloud/home-record/v1\0'), body))
  return SignedHomeRecord.encode({ body, signature: signature as Uint8Array<ArrayBuffer> })
}

/** Which servers answered a PUT of `record` under the victim's key as stored. */
async function storedBy (from: TestRendezvous, victim: PeerId, record: Uint8Array): Promise<string[]> {
  const stored: string[] = []
  try {
    for await (const e of from.node.node.services.dht.put(homeKey(victim), record, { signal: AbortSignal.timeout(10_000) })) {
      if (e.name === 'PEER_RESPONSE' && e.messageName === 'PUT_VALUE') stored.push(e.from.toString())
    }
  } catch {}
  return stored
}

/** Every home record value the DHT servers answer a GET with, by server (invalid ones as errors). */
async function answers (asker: TestPeer, victim: PeerId): Promise<{ records: Map<string, Uint8Array>, refused: Set<string> }> {
  const records = new Map<string, Uint8Array>()
  const refused = new Set<string>()
  try {
    for await (const e of asker.node.services.dht.get(homeKey(victim), { signal: AbortSignal.timeout(5_000) })) {
      if (e.name === 'PEER_RESPONSE' && e.record != null) records.set(e.from.toString(), e.record.value)
      if (e.name === 'QUERY_ERROR' && e.error.message.includes('invalid record')) refused.add(e.from.toString())
    }
  } catch {}
  return { records, refused }
}

describe('federation home hijack', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('a hostile DHT server cannot take the victim\'s mail by claiming to be its home', async () => {
    const senderHome = await startRendezvous(cleanup)
    const victimHome = await startRendezvous(cleanup, { bootstrap: [senderHome.addr.toString()] })
    const hostile = await startRendezvous(cleanup, { bootstrap: [senderHome.addr.toString(), victimHome.addr.toString()] })
    const hostileId = await DeviceIdentity.fromSeed(new Uint8Array(readFileSync(join(hostile.dataDir, 'identity.key'))))
    const hostilePeer = hostile.node.node.peerId
    const honest = [senderHome.node.node.peerId.toString(), victimHome.node.node.peerId.toString()]

    const victim = await createPeer(cleanup, victimHome.addr)
    // What took over a home before: a provider record for the old home key, announced before the
    // victim's node did (senders took the first provider). It must count for nothing now.
    for await (const e of hostile.node.node.services.dht.provide(oldProviderKey(victim.node.peerId), { signal: AbortSignal.timeout(10_000) })) void e
    await victim.client.start()
    // The victim's own record, naming its real home, is in the DHT before the attack starts.
    const probe = await createPeer(cleanup, senderHome.addr)
    await probe.client.start({ receive: false })
    await waitFor(async () => [...(await answers(probe, victim.node.peerId)).records.values()]
      .some(r => openHomeRecord(victim.node.peerId, r, Date.now()).homes[0].peer.equals(victimHome.node.node.peerId)), { timeout: 30_000, what: 'the victim\'s home record' })
    await victim.client.stop()

    const now = Date.now()
    const attacks: Array<[string, () => Promise<void>]> = [
      ['provider announcement', async () => {}],
      // The hostile node's own valid record, stored under the victim's key.
      ['record signed by the attacker for itself', async () => {
        const own = signHomeRecord(hostileId, { homes: [{ peer: hostilePeer }], seq: BigInt(now) * 1000n, expires: now + 3_600_000 })
        const stored = await storedBy(hostile, victim.node.peerId, own)
        expect(stored.filter(p => honest.includes(p))).toEqual([])
      }],
      // Claims to be the victim's record, signature by the attacker's key.
      ['forged record', async () => {
        const stored = await storedBy(hostile, victim.node.peerId, forgedRecord(hostileId, victim.node.peerId, hostilePeer, now))
        expect(stored.filter(p => honest.includes(p))).toEqual([])
      }],
      // Really signed by the victim once (say it lived there), with a higher sequence, but expired.
      ['expired record', async () => {
        const expired = signHomeRecord(victim.identity, { homes: [{ peer: hostilePeer }], seq: BigInt(now) * 1000n, expires: now - 1_000 })
        const stored = await storedBy(hostile, victim.node.peerId, expired)
        expect(stored.filter(p => honest.includes(p))).toEqual([])
      }]
    ]

    for (const [what, attack] of attacks) {
      await attack()
      // The hostile node serves its claim; the honest servers still hold only the victim's record.
      const seen = await answers(probe, victim.node.peerId)
      if (what !== 'provider announcement') expect(seen.refused.has(hostilePeer.toString()) || seen.records.has(hostilePeer.toString()), `the hostile node answered with its ${what}`).toBe(true)
      for (const server of honest) {
        expect(seen.refused.has(server), `${server} serves a bad record after the ${what}`).toBe(false)
        const record = seen.records.get(server)
        if (record != null) expect(openHomeRecord(victim.node.peerId, record, Date.now()).homes.map(h => h.peer.toString())).toEqual([victimHome.node.node.peerId.toString()])
      }
      // A fresh sender (nothing cached) on another node writes to the offline victim; the live
      // attempt is cut short, the victim being known to be offline.
      const sender = await createPeer(cleanup, senderHome.addr)
      const client = new ChatClient({ node: sender.node, identity: sender.identity, store: sender.store, rendezvous: senderHome.addr, liveTimeoutMs: 500 })
      await client.start()
      const sent = await client.send(victim.node.peerId, `after the ${what}`)
      expect(sent.status, what).toBe('stored')
      expect((await hostile.node.store.usage(victim.node.peerId.toString())).count, `mail went to the attacker after the ${what}`).toBe(0)
      expect((await victimHome.node.store.usage(victim.node.peerId.toString())).count).toBeGreaterThan(0)
      await client.stop()
    }

    await victim.client.start()
    await waitFor(() => victim.received.length === attacks.length, { what: 'every message at the victim\'s real home' })
    expect(victim.received.map(m => m.text).sort()).toEqual(attacks.map(([what]) => `after the ${what}`).sort())
  })

  it('DHT servers refuse home records that are forged, expired, too long-lived or oversize', async () => {
    const a = await startRendezvous(cleanup)
    const b = await startRendezvous(cleanup, { bootstrap: [a.addr.toString()] })
    await waitFor(async () => b.node.node.services.dht.getMode() === 'server' && a.node.node.getConnections(b.node.node.peerId).length > 0, { what: 'the two DHT servers connected' })
    const victim = await DeviceIdentity.generate()
    const attacker = await DeviceIdentity.generate()
    const home = a.node.node.peerId
    const now = Date.now()
    const bad: Record<string, Uint8Array> = {
      forged: forgedRecord(attacker, victim.peerId, b.node.node.peerId, now),
      expired: signHomeRecord(victim, { homes: [{ peer: home }], seq: 1n, expires: now - 1 }),
      'too long-lived': signHomeRecord(victim, { homes: [{ peer: home }], seq: 1n, expires: now + 365 * 24 * 3_600_000 }),
      oversize: concatBytes(signHomeRecord(victim, { homes: [{ peer: home }], seq: 1n, expires: now + 60_000 }), new Uint8Array(4096).fill(0x0a)),
      garbage: new Uint8Array([0xff, 0xff, 0xff])
    }
    for (const [what, record] of Object.entries(bad)) {
      expect(await storedBy(b, victim.peerId, record), what).not.toContain(a.node.node.peerId.toString())
    }
    // The same path accepts the victim's own valid record: the refusals above are the validator's.
    const good = signHomeRecord(victim, { homes: [{ peer: home }], seq: 2n, expires: now + 60_000 })
    expect(await storedBy(b, victim.peerId, good)).toContain(a.node.node.peerId.toString())
  })
})
