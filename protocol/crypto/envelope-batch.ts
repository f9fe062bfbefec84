// Checks and opens a mailbox page's envelopes with the crypto on a pool the platform hands in (Node:
// worker threads, so both cores verify and open), with the same results as `verifyEnvelope` and
// `openEnvelope` one by one: the pool only runs the primitives, every decision stays here.
import { ed25519PublicKeyOf } from '../identity.ts'
import { Envelope } from '../wire/generated/messages.ts'
import { badSignature, decodeSealedPayload, prepareEnvelope, sealedBoxOf } from './envelope.ts'
import type { EnvelopeHeader } from './envelope.ts'
import type { DeviceIdentity } from '../identity.ts'
import type { Payload } from '../wire/generated/messages.ts'

/** Envelope crypto run elsewhere (another thread); each call keeps its items' order. */
export interface EnvelopeCryptoPool {
  /** Whether each `signature` is `publicKey`'s strict Ed25519 signature of `message`. */
  verifyEd25519(items: Array<{ publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array }>): Promise<boolean[]>
  /** Each sealed box (`sealed-box.ts` `open`) opened with `secretKey`; undefined where it does not open. */
  openSealed(secretKey: Uint8Array, items: Array<{ sealed: Uint8Array, associatedData: Uint8Array }>): Promise<Array<Uint8Array | undefined>>
}

/** A purge receipt's place: the node's own envelope, checked by its receiver. */
const NOT_CHECKED = new Error('not checked here: a purge receipt')

/** One envelope of a page, checked: its header or why it is refused, and a sealed payload opened. */
export interface CheckedEnvelope {
  header: EnvelopeHeader | Error
  /** Set for a sealed envelope to `recipient` that opened; anything else is opened on delivery. */
  payload?: Payload
}

/**
 * `verifyEnvelope` for every envelope of `envs` and `openEnvelope` for the sealed ones addressed to
 * `recipient`, the signatures and sealed boxes on `pool`. A purge receipt (the node's own) gets no
 * header here: its receiver checks it.
 */
export async function checkEnvelopes (pool: EnvelopeCryptoPool, recipient: DeviceIdentity, envs: Envelope[]): Promise<CheckedEnvelope[]> {
  const checked: CheckedEnvelope[] = []
  const verify: Array<{ publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array }> = []
  const verifyAt: number[] = []
  const boxes: Array<{ sealed: Uint8Array, associatedData: Uint8Array }> = []
  const boxAt: number[] = []
  for (const [i, env] of envs.entries()) {
    // Errors are made only for envelopes refused: an Error's stack costs more than a page's bookkeeping.
    checked.push({ header: NOT_CHECKED })
    if (env.kind === Envelope.Kind.PURGE_RECEIPT) continue
    let prepared
    try {
      prepared = prepareEnvelope(env)
    } catch (err) {
      checked[i].header = err as Error
      continue
    }
    let publicKey: Uint8Array
    try {
      publicKey = ed25519PublicKeyOf(prepared.from)
    } catch {
      // No Ed25519 key, no valid signature (as `verifySignature` says).
      checked[i].header = badSignature()
      continue
    }
    checked[i].header = prepared.header
    verify.push({ publicKey, message: prepared.signed, signature: env.signature })
    verifyAt.push(i)
    if (env.scheme !== Envelope.Scheme.SEALED) continue
    try {
      boxes.push(sealedBoxOf(recipient, env))
      boxAt.push(i)
    } catch {
      // Not ours to open here: delivery opens it and refuses it with the same error.
    }
  }
  const [valid, opened] = await Promise.all([
    verify.length > 0 ? pool.verifyEd25519(verify) : [],
    boxes.length > 0 ? pool.openSealed(recipient.x25519Secret(), boxes) : []
  ])
  valid.forEach((ok, j) => { if (!ok) checked[verifyAt[j]].header = badSignature() })
  opened.forEach((plaintext, j) => {
    const item = checked[boxAt[j]]
    if (plaintext === undefined || item.header instanceof Error) return
    try {
      item.payload = decodeSealedPayload(plaintext)
    } catch {
      // Refused on delivery, with the same error, by opening it there.
    }
  })
  return checked
}
