// Bounds what remote peers can make this node's DHT keep. kad-dht 16 stores every valid PUT_VALUE
// and every ADD_PROVIDER in the datastore with no count limit (its `providers` options only set
// timings), so a stranger with fresh PeerIds could fill memory. This wraps the datastore kad-dht
// sees: new keys beyond a cap are refused (the remote's request fails), updates to known keys pass.
import type { KadDHTComponents } from '@libp2p/kad-dht'

type Datastore = KadDHTComponents['datastore']
type Key = Parameters<Datastore['put']>[0]

export interface DhtStoreLimits {
  /** Value records (PUT_VALUE), e.g. signed home records. */
  maxRecords: number
  /** Provider records (ADD_PROVIDER); BabaCloud itself no longer uses any. */
  maxProviderRecords: number
  /** Largest stored value record, kad-dht's framing included. */
  maxRecordBytes: number
  /** Told of each refusal: `dht_records`, `dht_record_bytes` or `dht_provider_records`. */
  onLimit?: (limit: string) => void
}

/** The DHT refused to keep a record: too many already, or too large. */
export class DhtStoreFullError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'DhtStoreFullError'
  }
}

class Bucket {
  readonly keys = new Set<string>()
  constructor (readonly prefix: string, readonly max: number, readonly what: string, readonly onFull: () => void) {}

  holds (key: Key): boolean {
    return key.toString().startsWith(this.prefix)
  }

  admit (key: Key): void {
    const k = key.toString()
    if (!this.keys.has(k) && this.keys.size >= this.max) {
      this.onFull()
      throw new DhtStoreFullError(`this node keeps at most ${this.max} DHT ${this.what}`)
    }
    this.keys.add(k)
  }
}

/** `inner` with the DHT's record and provider prefixes (under `prefix`, kad-dht's `/dht`) bounded. */
export function boundedDhtDatastore (inner: Datastore, limits: DhtStoreLimits, prefix = '/dht'): Datastore {
  const records = new Bucket(`${prefix}/record/`, limits.maxRecords, 'value records', () => limits.onLimit?.('dht_records'))
  const providers = new Bucket(`${prefix}/provider/`, limits.maxProviderRecords, 'provider records', () => limits.onLimit?.('dht_provider_records'))
  const bucketOf = (key: Key): Bucket | undefined => records.holds(key) ? records : providers.holds(key) ? providers : undefined
  const admit = (key: Key, value: Uint8Array): void => {
    const bucket = bucketOf(key)
    if (bucket === records && value.length > limits.maxRecordBytes) {
      limits.onLimit?.('dht_record_bytes')
      throw new DhtStoreFullError(`DHT value records are limited to ${limits.maxRecordBytes} bytes`)
    }
    bucket?.admit(key)
  }
  const forget = (key: Key): void => { bucketOf(key)?.keys.delete(key.toString()) }

  const store: Datastore = {
    has: async (key, options) => await inner.has(key, options),
    get: async (key, options) => await inner.get(key, options),
    put: async (key, value, options) => {
      admit(key, value)
      return await inner.put(key, value, options)
    },
    delete: async (key, options) => {
      await inner.delete(key, options)
      forget(key)
    },
    async * putMany (source, options) {
      for await (const { key, value } of source) yield await store.put(key, value, options)
    },
    async * deleteMany (source, options) {
      for await (const key of source) {
        await store.delete(key, options)
        yield key
      }
    },
    getMany: (source, options) => inner.getMany(source, options),
    query: (query, options) => inner.query(query, options),
    queryKeys: (query, options) => inner.queryKeys(query, options),
    batch: () => {
      const batch = inner.batch()
      return {
        put: (key, value) => { admit(key, value); batch.put(key, value) },
        delete: (key) => { forget(key); batch.delete(key) },
        commit: async (options) => { await batch.commit(options) }
      }
    }
  }
  return store
}

/** kad-dht's components with `datastore` replaced; every other component is read through. */
export function withDatastore<C extends object> (components: C, datastore: Datastore): C {
  return new Proxy(components, {
    get: (target, prop, receiver) => prop === 'datastore' ? datastore : Reflect.get(target, prop, receiver)
  })
}
