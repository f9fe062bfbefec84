// How requests and answers of the crypto pool cross to a worker: every byte array of a chunk packed
// into one buffer that is transferred, not cloned. A clone of a Uint8Array copies its whole
// underlying buffer, and a decoded envelope's fields are views into the page they came in.

/** Byte arrays packed back to back; `lengths[i]` is -1 for an absent one. */
export interface Packed {
  data: ArrayBuffer
  lengths: number[]
}

export function pack (arrays: Array<Uint8Array | undefined>): Packed {
  let total = 0
  for (const a of arrays) total += a?.length ?? 0
  const data = new Uint8Array(total)
  const lengths: number[] = []
  let offset = 0
  for (const a of arrays) {
    if (a === undefined) {
      lengths.push(-1)
      continue
    }
    data.set(a, offset)
    offset += a.length
    lengths.push(a.length)
  }
  return { data: data.buffer, lengths }
}

/** Views into `packed.data` (which the receiver owns after the transfer). */
export function unpack (packed: Packed): Array<Uint8Array | undefined> {
  const out: Array<Uint8Array | undefined> = []
  let offset = 0
  for (const length of packed.lengths) {
    if (length < 0) {
      out.push(undefined)
      continue
    }
    out.push(new Uint8Array(packed.data, offset, length))
    offset += length
  }
  return out
}

export type PoolRequest =
  | { id: number, op: 'verify', items: Packed } // publicKey, message, signature per item
  | { id: number, op: 'open', secretKey: Uint8Array, items: Packed } // sealed, associatedData per item

export type PoolResponse =
  | { id: number, op: 'verify', results: boolean[], error?: undefined }
  | { id: number, op: 'open', results: Packed, error?: undefined }
  | { id: number, error: string }
