/**
 * Cost of the Double Ratchet over the bare AEAD it wraps: 1 KiB messages encrypted and decrypted
 * by a ratchet session, against XChaCha20-Poly1305 encrypt+decrypt of the same bytes by the same
 * backend, timed in turn with each measure. Also envelope sign+verify and sealed-box opening
 * (the per-message Ed25519/X25519 work outside the ratchet). Every measure runs on the installed
 * backend (node:crypto under `npm run bench`) and again on @noble, the pure-JavaScript code all of
 * it ran on before.
 *
 *   npx tsx bench/crypto.bench.ts
 *
 * `runCryptoBench()` is the entry point for a bench driver; importing this file runs nothing.
 */
import { pathToFileURL } from 'node:url'
import { randomBytes } from '@noble/hashes/utils.js'
import { createEnvelope, createRatchetEnvelope, openEnvelope, verifyEnvelope } from '../protocol/crypto/envelope.ts'
import { nobleProvider } from '../protocol/crypto/noble-provider.ts'
import { installCryptoProvider, installedCryptoProviders, toAsync } from '../protocol/crypto/provider.ts'
import type { AsyncCryptoProvider, CryptoProvider } from '../protocol/crypto/provider.ts'
import { initReceiver, initSender, ratchetDecrypt, ratchetEncrypt } from '../protocol/crypto/ratchet/index.ts'
import type { RatchetState } from '../protocol/crypto/ratchet/index.ts'
import { generateX25519KeyPair } from '../protocol/crypto/x3dh/index.ts'
import { DeviceIdentity } from '../protocol/identity.ts'
import { nodeProvider } from '../rendezvous/crypto/node-provider.ts'
import { median } from './harness.ts'

export interface CryptoBenchResult {
  name: string
  /** Median ops/s of the measured operation (one op = encrypt + decrypt of one message). */
  opsPerSec: number
  /** Median ops/s of the bare XChaCha20-Poly1305 baseline on the same bytes, same backend. */
  baselineOpsPerSec: number
  /** opsPerSec / baselineOpsPerSec: the share of raw AEAD throughput the ratchet keeps. */
  ratio: number
  messageBytes: number
  rounds: number
  backend: string
}

export interface CryptoBenchOptions {
  messageBytes?: number
  rounds?: number
  /** Target duration of one round; the op count per round is calibrated during warm-up. */
  roundMs?: number
}

type Op = () => unknown

/**
 * Warm-up (JIT, caches) and calibration to `roundMs` of each op, then `rounds` timed rounds of the
 * ops in turn (A B A B …): a machine whose speed changes during the run moves every op alike, so a
 * ratio between them holds. Returns the median ops/s of each.
 */
async function measureInTurn (ops: Op[], rounds: number, roundMs: number): Promise<number[]> {
  const perRound: number[] = []
  for (const op of ops) {
    const warmUpEnd = performance.now() + roundMs
    let warmUpOps = 0
    while (performance.now() < warmUpEnd) { await op(); warmUpOps++ }
    perRound.push(Math.max(10, warmUpOps))
  }
  const rates: number[][] = ops.map(() => [])
  for (let r = 0; r < rounds; r++) {
    for (const [k, op] of ops.entries()) {
      const start = performance.now()
      for (let i = 0; i < perRound[k]; i++) await op()
      rates[k].push(perRound[k] / ((performance.now() - start) / 1000))
    }
  }
  return rates.map(median)
}

function rawAead (crypto: AsyncCryptoProvider, message: Uint8Array, ad: Uint8Array): Op {
  const key = randomBytes(32)
  return async () => {
    // A fresh nonce per message, as the ratchet derives a fresh key+nonce per message.
    const nonce = randomBytes(24)
    const sealed = await crypto.xchachaEncrypt(key, nonce, message, ad)
    await crypto.xchachaDecrypt(key, nonce, sealed, ad)
  }
}

async function newSession (): Promise<{ alice: RatchetState, bob: RatchetState }> {
  const sharedSecret = randomBytes(32)
  const bobRatchet = generateX25519KeyPair()
  const ad = randomBytes(66)
  return { alice: await initSender(sharedSecret, bobRatchet.publicKey, ad), bob: initReceiver(sharedSecret, bobRatchet, ad) }
}

/** Steady state of a one-way stream: every message advances the symmetric chains only. */
async function ratchetSameChain (message: Uint8Array): Promise<Op> {
  let { alice, bob } = await newSession()
  return async () => {
    const sent = await ratchetEncrypt(alice, message)
    const received = await ratchetDecrypt(bob, sent.header, sent.ciphertext)
    alice = sent.state
    bob = received.state
  }
}

/** Strict turn-taking: every message also runs a DH ratchet step (three X25519 operations). */
async function ratchetPingPong (message: Uint8Array): Promise<Op> {
  let { alice, bob } = await newSession()
  let aliceTurn = true
  // The responder cannot send first: prime the session with one message from Alice.
  const first = await ratchetEncrypt(alice, message)
  alice = first.state
  bob = (await ratchetDecrypt(bob, first.header, first.ciphertext)).state
  aliceTurn = false
  return async () => {
    const [from, to] = aliceTurn ? [alice, bob] : [bob, alice]
    const sent = await ratchetEncrypt(from, message)
    const received = await ratchetDecrypt(to, sent.header, sent.ciphertext)
    if (aliceTurn) { alice = sent.state; bob = received.state } else { bob = sent.state; alice = received.state }
    aliceTurn = !aliceTurn
  }
}

/** What every relay and receiver does per message: Ed25519 sign by the sender, verify on arrival. */
async function envelopeSignVerify (message: Uint8Array): Promise<Op> {
  const [alice, bob] = await Promise.all([DeviceIdentity.generate(), DeviceIdentity.generate()])
  return () => { verifyEnvelope(createRatchetEnvelope(alice, bob.peerId, message)) }
}

/** Opening a sealed-box envelope: X25519 with a fresh ephemeral key, HKDF, XChaCha20-Poly1305. */
async function sealedBoxOpen (message: Uint8Array): Promise<Op> {
  const [alice, bob] = await Promise.all([DeviceIdentity.generate(), DeviceIdentity.generate()])
  // Distinct envelopes (distinct ephemeral keys), as a mailbox drain sees them.
  const envelopes = Array.from({ length: 64 }, () => createEnvelope(alice, bob.peerId, { text: '', body: message as Uint8Array<ArrayBuffer> }))
  let i = 0
  return () => { openEnvelope(bob, envelopes[i++ % envelopes.length]) }
}

/**
 * The primitives of one DH ratchet step, each alone on the backend, keys cached as in a session:
 * a round of `ratchetPingPong` is one AEAD encrypt+decrypt, one key generation, two X25519, two
 * HKDFs of the root chain, and per message two chain HMACs and an HKDF for key and nonce per side.
 */
function stepPrimitives (crypto: CryptoProvider): Array<[string, () => Promise<Op>]> {
  const own = crypto.x25519KeyPair()
  const peer = crypto.x25519KeyPair()
  const key = randomBytes(32)
  const data = Uint8Array.of(1)
  return [
    ['DH step breakdown: one X25519 agreement (cached keys)', async () => () => crypto.x25519(own.secretKey, peer.publicKey)],
    ['DH step breakdown: one X25519 key pair generation', async () => () => crypto.x25519KeyPair()],
    ['DH step breakdown: one HMAC-SHA256 (chain step)', async () => () => crypto.hmacSha256(key, data)],
    ['DH step breakdown: one HKDF-SHA256, 64 bytes (root chain)', async () => () => crypto.hkdfSha256(key, key, data, 64)]
  ]
}

async function onBackend (sync: CryptoProvider, message: Uint8Array, rounds: number, roundMs: number, suffix: string, breakdown = false): Promise<CryptoBenchResult[]> {
  const previous = installedCryptoProviders()
  installCryptoProvider({ sync })
  try {
    // Same AD length as a ratchet message sees: session AD (66) + header (40).
    const aead = rawAead(toAsync(sync), message, randomBytes(106))
    const cases: Array<[string, () => Promise<Op>]> = [
      ['ratchet encrypt+decrypt, same chain', async () => await ratchetSameChain(message)],
      ['ratchet encrypt+decrypt, DH step every message', async () => await ratchetPingPong(message)],
      ['envelope sign+verify', async () => await envelopeSignVerify(message)],
      ['sealed-box envelope open', async () => await sealedBoxOpen(message)],
      ...breakdown ? stepPrimitives(sync) : []
    ]
    const results: CryptoBenchResult[] = []
    for (const [name, make] of cases) {
      // Yield between cases so a driver's timers and signals still run.
      await new Promise((resolve) => setTimeout(resolve, 0))
      // Each case with its own baseline, timed in turn with it.
      const [baseline, opsPerSec] = await measureInTurn([aead, await make()], rounds, roundMs)
      results.push({ name: name + suffix, opsPerSec, baselineOpsPerSec: baseline, ratio: opsPerSec / baseline, messageBytes: message.length, rounds, backend: sync.name })
    }
    return results
  } finally {
    installCryptoProvider(previous)
  }
}

export async function runCryptoBench (options: CryptoBenchOptions = {}): Promise<CryptoBenchResult[]> {
  const messageBytes = options.messageBytes ?? 1024
  const rounds = options.rounds ?? 5
  const roundMs = options.roundMs ?? 300
  const message = randomBytes(messageBytes)
  // The names without a suffix are the measures the issue tracks: node:crypto, as Node runs them.
  return [
    ...await onBackend(nodeProvider, message, rounds, roundMs, '', true),
    ...await onBackend(nobleProvider, message, rounds, roundMs, ' (@noble)')
  ]
}

function format (results: CryptoBenchResult[]): string {
  const lines: string[] = []
  let baseline = -1
  for (const r of results) {
    if (r.baselineOpsPerSec !== baseline) {
      baseline = r.baselineOpsPerSec
      lines.push(`XChaCha20-Poly1305 encrypt+decrypt on ${r.backend}, ${r.messageBytes} B: ${Math.round(baseline)} ops/s (median of ${r.rounds})`)
    }
    lines.push(`${r.name}: ${Math.round(r.opsPerSec)} ops/s, ratio ${r.ratio.toFixed(3)} of raw AEAD (${(1 / r.ratio).toFixed(2)}× the cost)`)
  }
  return lines.join('\n')
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(format(await runCryptoBench()))
}
