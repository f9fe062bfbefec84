// DHT record flood: a stranger makes a rendezvous node keep ever more DHT state, provider records for
// made-up keys or validly signed home records of throwaway PeerIds, until memory runs out. Guards
// the bounded DHT datastore (protocol/mesh/dht-store-limits.ts, `limits.dhtMaxProviderRecords` and
// `limits.dhtMaxRecords`): beyond the cap new keys are refused, while known keys can still be updated.
import { tcp } from '@libp2p/tcp'
import { sha256 } from '@noble/hashes/sha2.js'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { afterEach, describe, expect, it } from 'vitest'
import { homeKey, signHomeRecord } from '../../protocol/federation/home.ts'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { createChatNode } from '../../protocol/mesh/create-node.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import type { TestRendezvous } from '../helpers/network.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'

const CAP = 3
const FLOOD = 12

/** A stranger on 127.0.0.1 with a fresh PeerId, answering DHT queries itself, connected to `rv`. */
async function stranger (cleanup: Cleanup, rv: TestRendezvous): Promise<ChatNode> {
  const identity = await DeviceIdentity.generate()
  const node = await createChatNode({ privateKey: identity.privateKey, transports: [tcp()], listen: ['/ip4/127.0.0.1/tcp/0'], dhtServer: true, privateNetwork: true })
  cleanup.add(async () => { await node.stop() })
  await node.dial(rv.addr, { signal: AbortSignal.timeout(10_000) })
  await waitFor(async () => (await node.peerStore.get(rv.node.node.peerId).catch(() => undefined))?.protocols.some(p => p.includes('/kad/')) === true, { what: 'the node identified as a DHT server' })
  return node
}

function madeUpKey (i: number): CID {
  return CID.createV1(0x55, Digest.create(0x12, sha256(new TextEncoder().encode(`flood-${i}`))))
}

/** Whether `rv` answered the PUT of `record` as stored. */
async function putAt (from: ChatNode, rv: TestRendezvous, key: Uint8Array, record: Uint8Array): Promise<boolean> {
  let stored = false
  try {
    for await (const e of from.services.dht.put(key, record, { signal: AbortSignal.timeout(10_000) })) {
      if (e.name === 'PEER_RESPONSE' && e.messageName === 'PUT_VALUE' && e.from.equals(rv.node.node.peerId)) stored = true
    }
  } catch {}
  return stored
}

describe('DHT record flood', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('keeps at most the configured number of provider records, however many a stranger announces', async () => {
    const rv = await startRendezvous(cleanup, { limits: { dhtMaxProviderRecords: CAP } })
    const attacker = await stranger(cleanup, rv)
    for (let i = 0; i < FLOOD; i++) {
      for await (const e of attacker.services.dht.provide(madeUpKey(i), { signal: AbortSignal.timeout(10_000) })) void e
    }
    // Another peer asks the node for each key's providers, until the count stops changing.
    const probe = await createPeer(cleanup, rv.addr)
    await probe.client.start({ receive: false })
    const held = async (): Promise<number> => {
      let n = 0
      for (let i = 0; i < FLOOD; i++) {
        try {
          for await (const e of probe.node.services.dht.findProviders(madeUpKey(i), { signal: AbortSignal.timeout(3_000) })) {
            if (e.name === 'PEER_RESPONSE' && e.from.equals(rv.node.node.peerId) && e.providers.some(p => p.id.equals(attacker.peerId))) { n++; break }
          }
        } catch {}
      }
      return n
    }
    let last = -1
    const settled = await waitFor(async () => {
      const n = await held()
      const same = n === last && n > 0
      last = n
      return same ? n : false
    }, { timeout: 30_000, what: 'the provider count at the node to settle' })
    expect(settled).toBe(CAP)
    expect(await rv.node.metricsText()).toMatch(/babacloud_limit_hits_total\{limit="dht_provider_records"\} [1-9]/)
  })

  it('keeps at most the configured number of value records, and still takes updates to those it holds', async () => {
    const rv = await startRendezvous(cleanup, { limits: { dhtMaxRecords: CAP } })
    const attacker = await stranger(cleanup, rv)
    const now = Date.now()
    const throwaways = await Promise.all(Array.from({ length: FLOOD }, async () => await DeviceIdentity.generate()))
    const accepted: DeviceIdentity[] = []
    for (const id of throwaways) {
      // Each record is valid: signed by its own (throwaway) key, so only the count bound stops them.
      const record = signHomeRecord(id, { homes: [{ peer: rv.node.node.peerId }], seq: 1n, expires: now + 60_000 })
      if (await putAt(attacker, rv, homeKey(id.peerId), record)) accepted.push(id)
    }
    expect(accepted.length).toBe(CAP)
    expect(await rv.node.metricsText()).toMatch(/babacloud_limit_hits_total\{limit="dht_records"\} [1-9]/)
    // A held record can still be replaced by its owner's newer one.
    const newer = signHomeRecord(accepted[0], { homes: [{ peer: rv.node.node.peerId }], seq: 2n, expires: now + 60_000 })
    expect(await putAt(attacker, rv, homeKey(accepted[0].peerId), newer)).toBe(true)
  })
})
