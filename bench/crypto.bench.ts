/**
 * Cost of the Double Ratchet over the bare AEAD it wraps: 1 KiB messages encrypted and decrypted
 * by a ratchet session, against XChaCha20-Poly1305 encrypt+decrypt of the same bytes.
 *
 *   npx tsx bench/crypto.bench.ts
 *
 * `runCryptoBench()` is the entry point for a bench driver; importing this file runs nothing.
 */
import { pathToFileURL } from 'node:url'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { initReceiver, initSender, ratchetDecrypt, ratchetEncrypt } from '../protocol/crypto/ratchet/index.ts'
import type { RatchetState } from '../protocol/crypto/ratchet/index.ts'
import { generateX25519KeyPair } from '../protocol/crypto/x3dh/index.ts'

export interface CryptoBenchResult {
  name: string
  /** Median ops/s of the measured operation (one op = encrypt + decrypt of one message). */
  opsPerSec: number
  /** Median ops/s of the bare XChaCha20-Poly1305 baseline on the same bytes. */
  baselineOpsPerSec: number
  /** opsPerSec / baselineOpsPerSec: the share of raw AEAD throughput the ratchet keeps. */
  ratio: number
  messageBytes: number
  rounds: number
}

export interface CryptoBenchOptions {
  messageBytes?: number
  rounds?: number
  /** Target duration of one round; the op count per round is calibrated during warm-up. */
  roundMs?: number
}

type Op = () => void

/** Warm-up (JIT, caches), calibration to `roundMs`, then `rounds` timed rounds; returns the median ops/s. */
function measure (op: Op, rounds: number, roundMs: number): number {
  const warmUpEnd = performance.now() + roundMs
  let warmUpOps = 0
  while (performance.now() < warmUpEnd) { op(); warmUpOps++ }
  const perRound = Math.max(10, Math.round(warmUpOps))
  const rates: number[] = []
  for (let r = 0; r < rounds; r++) {
    const start = performance.now()
    for (let i = 0; i < perRound; i++) op()
    rates.push(perRound / ((performance.now() - start) / 1000))
  }
  rates.sort((a, b) => a - b)
  return rates[Math.floor(rates.length / 2)]
}

function rawAead (message: Uint8Array, ad: Uint8Array): Op {
  const key = randomBytes(32)
  return () => {
    // A fresh nonce per message, as the ratchet derives a fresh key+nonce per message.
    const nonce = randomBytes(24)
    const sealed = xchacha20poly1305(key, nonce, ad).encrypt(message)
    xchacha20poly1305(key, nonce, ad).decrypt(sealed)
  }
}

function newSession (): { alice: RatchetState, bob: RatchetState } {
  const sharedSecret = randomBytes(32)
  const bobRatchet = generateX25519KeyPair()
  const ad = randomBytes(66)
  return { alice: initSender(sharedSecret, bobRatchet.publicKey, ad), bob: initReceiver(sharedSecret, bobRatchet, ad) }
}

/** Steady state of a one-way stream: every message advances the symmetric chains only. */
function ratchetSameChain (message: Uint8Array): Op {
  let { alice, bob } = newSession()
  return () => {
    const sent = ratchetEncrypt(alice, message)
    const received = ratchetDecrypt(bob, sent.header, sent.ciphertext)
    alice = sent.state
    bob = received.state
  }
}

/** Strict turn-taking: every message also runs a DH ratchet step (three X25519 operations). */
function ratchetPingPong (message: Uint8Array): Op {
  let { alice, bob } = newSession()
  let aliceTurn = true
  // The responder cannot send first: prime the session with one message from Alice.
  const first = ratchetEncrypt(alice, message)
  alice = first.state
  bob = ratchetDecrypt(bob, first.header, first.ciphertext).state
  aliceTurn = false
  return () => {
    const [from, to] = aliceTurn ? [alice, bob] : [bob, alice]
    const sent = ratchetEncrypt(from, message)
    const received = ratchetDecrypt(to, sent.header, sent.ciphertext)
    if (aliceTurn) { alice = sent.state; bob = received.state } else { bob = sent.state; alice = received.state }
    aliceTurn = !aliceTurn
  }
}

export async function runCryptoBench (options: CryptoBenchOptions = {}): Promise<CryptoBenchResult[]> {
  const messageBytes = options.messageBytes ?? 1024
  const rounds = options.rounds ?? 5
  const roundMs = options.roundMs ?? 300
  const message = randomBytes(messageBytes)
  // Same AD length as a ratchet message sees: session AD (66) + header (40).
  const baseline = measure(rawAead(message, randomBytes(106)), rounds, roundMs)
  const cases: Array<[string, Op]> = [
    ['ratchet encrypt+decrypt, same chain', ratchetSameChain(message)],
    ['ratchet encrypt+decrypt, DH step every message', ratchetPingPong(message)]
  ]
  const results: CryptoBenchResult[] = []
  for (const [name, op] of cases) {
    // Yield between cases so a driver's timers and signals still run.
    await new Promise((resolve) => setTimeout(resolve, 0))
    const opsPerSec = measure(op, rounds, roundMs)
    results.push({ name, opsPerSec, baselineOpsPerSec: baseline, ratio: opsPerSec / baseline, messageBytes, rounds })
  }
  return results
}

function format (results: CryptoBenchResult[]): string {
  const lines = [`XChaCha20-Poly1305 encrypt+decrypt, ${results[0].messageBytes} B: ${Math.round(results[0].baselineOpsPerSec)} ops/s (median of ${results[0].rounds})`]
  for (const r of results) {
    lines.push(`${r.name}: ${Math.round(r.opsPerSec)} ops/s, ratio ${r.ratio.toFixed(3)} of raw AEAD (${(1 / r.ratio).toFixed(2)}× the cost)`)
  }
  return lines.join('\n')
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(format(await runCryptoBench()))
}
