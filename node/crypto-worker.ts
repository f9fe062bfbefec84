// A worker thread of the envelope crypto pool (node/crypto-pool.ts): runs the primitives on
// node:crypto, as the main thread does, and answers each request with results in item order.
import { parentPort } from 'node:worker_threads'
import '../rendezvous/crypto/install.ts'
import { cryptoProvider } from '../protocol/crypto/provider.ts'
import { open } from '../protocol/crypto/sealed-box.ts'
import type { PoolRequest, PoolResponse } from './crypto-pool.ts'

/**
 * The secret of the last open request: the backend caches a key object per secret array (its import
 * costs more than a DH), and every request brings a fresh copy of the same secret.
 */
let secret: Uint8Array | undefined

function sameSecret (key: Uint8Array): Uint8Array {
  if (secret === undefined || secret.length !== key.length || secret.some((b, i) => b !== key[i])) secret = key
  return secret
}

function handle (request: PoolRequest): PoolResponse {
  if (request.op === 'verify') {
    const crypto = cryptoProvider()
    return { id: request.id, results: request.items.map(i => crypto.ed25519Verify(i.publicKey, i.message, i.signature)) }
  }
  const secretKey = sameSecret(request.secretKey)
  return {
    id: request.id,
    results: request.items.map(i => {
      try {
        return open(i.sealed, secretKey, i.associatedData)
      } catch {
        return null
      }
    })
  }
}

parentPort?.on('message', (request: PoolRequest) => {
  let response: PoolResponse
  try {
    response = handle(request)
  } catch (err) {
    response = { id: request.id, error: err instanceof Error ? err.message : String(err) }
  }
  parentPort?.postMessage(response)
})
