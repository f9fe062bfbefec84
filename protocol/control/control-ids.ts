// Bodies of receipts and deletion requests: a list of 16-byte envelope ids.
import { ENVELOPE_ID_LENGTH, envelopeIdFromString, envelopeIdToString } from '../crypto/envelope.ts'

/** Ids per control message: 16 bytes each, far below the control body limit. */
export const MAX_IDS = 1000

export function encodeIds (ids: string[]): Uint8Array {
  const out = new Uint8Array(ids.length * ENVELOPE_ID_LENGTH)
  ids.forEach((id, i) => { out.set(envelopeIdFromString(id), i * ENVELOPE_ID_LENGTH) })
  return out
}

/** An empty list for a body of the wrong size: such a request changes nothing. */
export function decodeIds (body: Uint8Array): string[] {
  if (body.length % ENVELOPE_ID_LENGTH !== 0 || body.length > MAX_IDS * ENVELOPE_ID_LENGTH) return []
  const ids: string[] = []
  for (let i = 0; i < body.length; i += ENVELOPE_ID_LENGTH) ids.push(envelopeIdToString(body.subarray(i, i + ENVELOPE_ID_LENGTH)))
  return ids
}

export function chunks<T> (list: T[], size = MAX_IDS): T[][] {
  const out: T[][] = []
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
  return out
}
