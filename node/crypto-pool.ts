// Envelope crypto on worker threads, handed to protocol/ as an EnvelopeCryptoPool: a mailbox drain
// verifies signatures and opens sealed boxes on every core while the main thread runs libp2p and
// the store. Workers start on first use and are unref'd (they never keep the process alive).
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { pack, unpack } from './crypto-pool-wire.ts'
import type { PoolRequest, PoolResponse } from './crypto-pool-wire.ts'
import type { EnvelopeCryptoPool } from '../protocol/crypto/envelope-batch.ts'

type VerifyItem = Parameters<EnvelopeCryptoPool['verifyEd25519']>[0][number]
type SealedItem = Parameters<EnvelopeCryptoPool['openSealed']>[1][number]
type Results = Array<boolean | Uint8Array | undefined>

/** Below this many items a request is not split: a round trip to a worker costs about one verify. */
const MIN_CHUNK = 16

interface Pending {
  resolve: (results: Results) => void
  reject: (err: Error) => void
}

class PoolWorker {
  readonly #worker: Worker
  readonly #pending = new Map<number, Pending>()
  #failed?: Error

  constructor () {
    this.#worker = spawn()
    this.#worker.unref()
    this.#worker.on('message', (response: PoolResponse) => {
      const pending = this.#pending.get(response.id)
      this.#pending.delete(response.id)
      if (response.error !== undefined) pending?.reject(new Error(`crypto worker: ${response.error}`))
      else pending?.resolve(response.op === 'verify' ? response.results : unpack(response.results))
    })
    const fail = (err: Error): void => {
      this.#failed ??= err
      for (const p of this.#pending.values()) p.reject(err)
      this.#pending.clear()
    }
    this.#worker.on('error', fail)
    this.#worker.on('exit', code => { fail(new Error(`crypto worker exited (${code})`)) })
  }

  get failed (): boolean {
    return this.#failed !== undefined
  }

  async run (request: PoolRequest): Promise<Results> {
    if (this.#failed !== undefined) throw this.#failed
    return await new Promise((resolve, reject) => {
      this.#pending.set(request.id, { resolve, reject })
      this.#worker.postMessage(request, [request.items.data])
    })
  }

  async terminate (): Promise<void> {
    await this.#worker.terminate()
  }
}

/**
 * The worker bundled beside the command (dist/crypto-worker.mjs, next to dist/babacloud.mjs), or
 * from the .ts source with tsx's loader (tests, bench, dev).
 */
function spawn (): Worker {
  const source = import.meta.url.endsWith('.ts')
  const url = new URL(source ? './crypto-worker.ts' : './crypto-worker.mjs', import.meta.url)
  if (!source) return new Worker(url)
  const tsx = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href
  return new Worker(`import(${JSON.stringify(tsx)}).then(m => { m.register(); return import(${JSON.stringify(url.href)}) })`, { eval: true })
}

/**
 * The pool a Node client drains with: a worker per core but the main thread's, none on one core.
 * On a quiet 2-core machine the one worker made drains 17–27 % faster; on one loaded by other
 * work it made them slower (docs/performance.md, "Mailbox drain").
 */
export function platformCryptoPool (cores = availableParallelism(), workers = process.env.BABACLOUD_CRYPTO_WORKERS): WorkerCryptoPool | undefined {
  // BABACLOUD_CRYPTO_WORKERS=N sets the count (0: none), e.g. on a machine shared with other work.
  if (workers != null && workers !== '') {
    const n = Number(workers)
    if (!Number.isInteger(n) || n < 0 || n > 64) throw new Error(`BABACLOUD_CRYPTO_WORKERS: expected a whole number from 0 to 64, got ${JSON.stringify(workers)}`)
    return n === 0 ? undefined : new WorkerCryptoPool(n)
  }
  return cores >= 2 ? new WorkerCryptoPool(cores - 1) : undefined
}

export class WorkerCryptoPool implements EnvelopeCryptoPool {
  readonly #size: number
  #workers: PoolWorker[] = []
  #nextId = 0

  /**
   * `size` workers (default: one per core but the main thread's: more threads than cores made a
   * drain slower on a loaded 2-core machine).
   */
  constructor (size = availableParallelism() - 1) {
    this.#size = Math.max(1, size)
  }

  async verifyEd25519 (items: VerifyItem[]): Promise<boolean[]> {
    return await this.#spread(items, (id, chunk) => ({ id, op: 'verify', items: pack(chunk.flatMap(i => [i.publicKey, i.message, i.signature])) })) as boolean[]
  }

  async openSealed (secretKey: Uint8Array, items: SealedItem[]): Promise<Array<Uint8Array | undefined>> {
    const results = await this.#spread(items, (id, chunk) => ({ id, op: 'open', secretKey, items: pack(chunk.flatMap(i => [i.sealed, i.associatedData])) }))
    return results.map(r => r instanceof Uint8Array ? r : undefined)
  }

  /** Starts the workers now and resolves once each answers (otherwise the first drain starts them). */
  async start (): Promise<void> {
    await Promise.all(this.#ready().map(async w => await w.run({ id: this.#nextId++, op: 'verify', items: pack([]) })))
  }

  async close (): Promise<void> {
    const workers = this.#workers
    this.#workers = []
    await Promise.all(workers.map(async w => { await w.terminate() }))
  }

  /** Splits `items` into one chunk per worker and joins the answers in order. */
  async #spread<T>(items: T[], request: (id: number, chunk: T[]) => PoolRequest): Promise<Results> {
    const workers = this.#ready()
    const chunks = Math.max(1, Math.min(workers.length, Math.floor(items.length / MIN_CHUNK)))
    const per = Math.ceil(items.length / chunks)
    const parts = await Promise.all(Array.from({ length: chunks }, async (_, i) =>
      await workers[i].run(request(this.#nextId++, items.slice(i * per, (i + 1) * per)))))
    return parts.flat()
  }

  /** The workers, replacing any that died (the failed request was already rejected). */
  #ready (): PoolWorker[] {
    this.#workers = this.#workers.filter(w => !w.failed)
    while (this.#workers.length < this.#size) this.#workers.push(new PoolWorker())
    // The least recently used first, so small requests take turns.
    this.#workers.push(this.#workers.shift() as PoolWorker)
    return this.#workers
  }
}
