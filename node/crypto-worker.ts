// A worker thread of the envelope crypto pool (node/crypto-pool.ts): runs the primitives on
// node:crypto, as the main thread does, and answers each request with results in item order.
import { parentPort } from 'node:worker_threads'
import '../rendezvous/crypto/install.ts'
import { cryptoProvider } from '../protocol/crypto/provider.ts'
import { open } from '../protocol/crypto/sealed-box.ts'
import { pack, unpack } from './crypto-pool-wire.ts'
import type { PoolRequest, PoolResponse } from './crypto-pool-wire.ts'

/**
 * The secret of the last open request: the backend caches a key object per secret array (its import
 * costs more than a DH), and every request brings a fresh copy of the same secret.
 */
let secret: Uint8Array | undefined

function sameSecret (key: Uint8Array): Uint8Array {
  if (secret === undefined || secret.length !== key.length || secret.some((b, i) => b !== key[i])) secret = key
  return secret
}

function handle (request: PoolRequest): { response: PoolResponse, transfer: ArrayBuffer[] } {
  const fields = unpack(request.items) as Uint8Array[]
  if (request.op === 'verify') {
    const crypto = cryptoProvider()
    const results: boolean[] = []
    for (let i = 0; i < fields.length; i += 3) results.push(crypto.ed25519Verify(fields[i], fields[i + 1], fields[i + 2]))
    return { response: { id: request.id, op: 'verify', results }, transfer: [] }
  }
  const secretKey = sameSecret(request.secretKey)
  const opened: Array<Uint8Array | undefined> = []
  for (let i = 0; i < fields.length; i += 2) {
    try {
      opened.push(open(fields[i], secretKey, fields[i + 1]))
    } catch {
      opened.push(undefined)
    }
  }
  const results = pack(opened)
  return { response: { id: request.id, op: 'open', results }, transfer: [results.data] }
}

parentPort?.on('message', (request: PoolRequest) => {
  let answer: { response: PoolResponse, transfer: ArrayBuffer[] }
  try {
    answer = handle(request)
  } catch (err) {
    answer = { response: { id: request.id, error: err instanceof Error ? err.message : String(err) }, transfer: [] }
  }
  parentPort?.postMessage(answer.response, answer.transfer)
})
