// Fuzzing the protocol handlers of a live rendezvous and a live peer over real streams: random and
// mutated frames always get a well-formed answer (or the stream ends after TOO_LARGE), nothing
// crashes, memory stays bounded, and honest peers are still served afterwards.
import { lpStream } from '@libp2p/utils'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ACCOUNT_PROTOCOL, BLOB_PROTOCOL, DM_PROTOCOL, MAILBOX_PROTOCOL, PREKEYS_PROTOCOL } from '../../protocol/constants.ts'
import { BlobRequest, BlobResponse } from '../../protocol/attachments/generated/wire.ts'
import { createEnvelope } from '../../protocol/crypto/envelope.ts'
import { HISTORY_PROTOCOL } from '../../protocol/history/constants.ts'
import { HistoryFrame, HistoryRequest } from '../../protocol/history/generated/history.ts'
import { AccountRequest, AccountResponse, DirectRequest, DirectResponse, MailboxRequest, MailboxResponse, PrekeyRequest, PrekeyResponse } from '../../protocol/wire/generated/messages.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup } from '../helpers/wait.ts'
import type { TestPeer, TestRendezvous } from '../helpers/network.ts'
import type { Connection } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

const RUNS = Number(process.env.FUZZ_RUNS ?? 40)
const cleanup = new Cleanup()
let rv: TestRendezvous
let fuzzer: TestPeer
let alice: TestPeer
let bob: TestPeer
let bobAddr: Multiaddr

beforeAll(async () => {
  rv = await startRendezvous(cleanup)
  ;[fuzzer, alice, bob] = [await createPeer(cleanup, rv.addr), await createPeer(cleanup, rv.addr), await createPeer(cleanup, rv.addr)]
  for (const p of [fuzzer, alice, bob]) await p.client.start()
  bobAddr = await bob.client.waitUntilReachable()
}, 60_000)
afterAll(async () => { await cleanup.run() })

function frames (sample: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 4096 }),
    fc.array(fc.tuple(fc.nat(sample.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }).map(flips => {
      const out = Uint8Array.from(sample)
      for (const [i, x] of flips) out[i] ^= x
      return out
    })
  )
}

/** One raw frame on a fresh stream; resolves with the decoded answer (which must decode). */
async function exchange<T> (target: Multiaddr | Connection, protocol: string, frame: Uint8Array, decode: (b: Uint8Array) => T): Promise<T> {
  const options = { signal: AbortSignal.timeout(10_000), runOnLimitedConnection: true }
  const stream = 'newStream' in target ? await target.newStream(protocol, options) : await fuzzer.node.dialProtocol(target, protocol, options)
  try {
    const lp = lpStream(stream)
    await lp.write(frame, { signal: AbortSignal.timeout(10_000) })
    return decode((await lp.read({ signal: AbortSignal.timeout(10_000) })).subarray())
  } finally {
    stream.abort(new Error('done'))
  }
}

describe('protocol handlers under fuzzing', () => {
  it('mailbox answers every frame with a response, and still serves honest peers', async () => {
    const sample = MailboxRequest.encode({ type: MailboxRequest.Type.DEPOSIT, envelope: createEnvelope(fuzzer.identity, bob.node.peerId, { text: 'x' }), ids: [], limit: 0, after: 0n })
    const rss = process.memoryUsage().rss
    await fc.assert(fc.asyncProperty(frames(sample), async frame => {
      const res = await exchange(rv.addr, MAILBOX_PROTOCOL, frame, b => MailboxResponse.decode(b))
      if (res.error != null) expect(typeof res.error.code).toBe('string')
    }), { numRuns: RUNS })
    expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 1024 * 1024)
    expect((await alice.client.send(bob.node.peerId, 'after the mailbox fuzz')).status).toMatch(/delivered|stored/)
  })

  it('account protocol answers every frame with a response', async () => {
    const sample = AccountRequest.encode({ type: AccountRequest.Type.DISCOVER, hashes: [new Uint8Array(32)], birthDate: '', username: 'x', code: '', peerId: '', flag: false, policyVersion: 0, clear: [] })
    await fc.assert(fc.asyncProperty(frames(sample), async frame => {
      const res = await exchange(rv.addr, ACCOUNT_PROTOCOL, frame, b => AccountResponse.decode(b))
      if (res.error != null) expect(typeof res.error.code).toBe('string')
    }), { numRuns: RUNS })
    expect((await alice.client.accounts?.policy())?.version).toBeGreaterThan(0)
  })

  it('prekeys protocol answers every frame with a response', async () => {
    const sample = PrekeyRequest.encode({ type: PrekeyRequest.Type.FETCH, peerId: bob.node.peerId.toString() })
    await fc.assert(fc.asyncProperty(frames(sample), async frame => {
      const res = await exchange(rv.addr, PREKEYS_PROTOCOL, frame, b => PrekeyResponse.decode(b))
      if (res.error != null) expect(typeof res.error.code).toBe('string')
    }), { numRuns: RUNS })
  })

  it('blob protocol answers every frame, refusing what it cannot take', async () => {
    const sample = BlobRequest.encode({ type: BlobRequest.Type.UPLOAD, id: new Uint8Array(16), recipient: bob.node.peerId.toString(), size: 100n, chunks: 1 })
    await fc.assert(fc.asyncProperty(frames(sample), async frame => {
      const res = await exchange(rv.addr, BLOB_PROTOCOL, frame, b => BlobResponse.decode(b))
      if (res.error != null) expect(typeof res.error.code).toBe('string')
    }), { numRuns: RUNS })
    expect((await alice.client.send(bob.node.peerId, 'after the blob fuzz')).status).toMatch(/delivered|stored/)
  })

  it('a peer\'s DM handler answers every frame and never shows a forged message', async () => {
    const sample = DirectRequest.encode({ envelope: createEnvelope(fuzzer.identity, bob.node.peerId, { text: 'sample' }) })
    const before = bob.received.length
    // One relayed connection for the whole run, as a real sender keeps.
    const connection = await fuzzer.node.dial(bobAddr, { signal: AbortSignal.timeout(10_000) })
    await fc.assert(fc.asyncProperty(frames(sample), async frame => {
      const res = await exchange(connection, DM_PROTOCOL, frame, b => DirectResponse.decode(b))
      if (res.error != null) expect(typeof res.error.code).toBe('string')
    }), { numRuns: RUNS })
    // Only the untouched sample (if the fuzzer produced it) could have been shown, and only once.
    const shown = bob.received.slice(before)
    expect(shown.every(m => m.text === 'sample' && m.peer === fuzzer.node.peerId.toString())).toBe(true)
    expect(shown.length).toBeLessThanOrEqual(1)
    expect((await alice.client.send(bob.node.peerId, 'after the DM fuzz')).status).toBe('delivered')
  })

  it('a peer\'s history handler answers every frame with one refusal and sends nothing of its store', async () => {
    await bob.store.addMessage({ id: 'ab'.repeat(16), peer: alice.node.peerId.toString(), direction: 'in', text: 'history canary', sentAt: 1, receivedAt: 1, status: 'received' })
    const sample = HistoryRequest.encode({ proof: new Uint8Array(32), skip: 0, cursor: '' })
    const connection = await fuzzer.node.dial(bobAddr, { signal: AbortSignal.timeout(10_000) })
    await fc.assert(fc.asyncProperty(frames(sample), async frame => {
      const res = await exchange(connection, HISTORY_PROTOCOL, frame, b => HistoryFrame.decode(b))
      expect(res.kind).toBe(HistoryFrame.Kind.ERROR)
      expect(res.messages).toEqual([])
      expect(res.values).toEqual([])
    }), { numRuns: RUNS })
    expect((await alice.client.send(bob.node.peerId, 'after the history fuzz')).status).toBe('delivered')
  })
})
