// Persists groups in the ChatStore's key-value space, so a restarted device continues where it was:
// signed states, the own sender key, other members' sender keys, which member has which of our keys,
// messages waiting for a key, and the sender of each group message in the history. KeyedLock
// serialises the read-modify-write cycles on one group's records.
import { GroupMessage, GroupState, SenderKeyRecord } from './generated/groups.ts'
import { MAX_PENDING_MESSAGES, OLD_SENDER_KEYS_KEPT } from './constants.ts'
import type { ChatStore } from '../store/chat-store.ts'

const P = 'groups/'
const STATE = `${P}state/`
const OWN = `${P}own/`
const KEY = `${P}key/`
const SENT = `${P}sent/`
const PENDING = `${P}pending/`
const SENDER = `${P}sender/`
const EARLY = `${P}early/`

/** Zero-padded so listValues (sorted by key) returns key ids in numeric order. */
function keyIdPart (keyId: number): string {
  return keyId.toString().padStart(10, '0')
}

function u32 (n: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, n)
  return out
}

export class GroupStore {
  readonly #store: ChatStore

  constructor (store: ChatStore) {
    this.#store = store
  }

  async getState (groupId: string): Promise<GroupState | undefined> {
    const bytes = await this.#store.getValue(STATE + groupId)
    return bytes == null ? undefined : GroupState.decode(bytes)
  }

  async putState (state: GroupState): Promise<void> {
    await this.#store.setValue(STATE + state.id, GroupState.encode(state))
  }

  async listStates (): Promise<GroupState[]> {
    return (await this.#store.listValues(STATE)).map(([, v]) => GroupState.decode(v))
  }

  async getOwnKey (groupId: string): Promise<SenderKeyRecord | undefined> {
    const bytes = await this.#store.getValue(OWN + groupId)
    return bytes == null ? undefined : SenderKeyRecord.decode(bytes)
  }

  async putOwnKey (record: SenderKeyRecord): Promise<void> {
    await this.#store.setValue(OWN + record.groupId, SenderKeyRecord.encode(record))
  }

  async getKey (groupId: string, owner: string, keyId: number): Promise<SenderKeyRecord | undefined> {
    const bytes = await this.#store.getValue(`${KEY}${groupId}/${owner}/${keyIdPart(keyId)}`)
    return bytes == null ? undefined : SenderKeyRecord.decode(bytes)
  }

  /** Every stored sender key of other members in a group (tests, diagnostics). */
  async listKeys (groupId: string): Promise<SenderKeyRecord[]> {
    return (await this.#store.listValues(`${KEY}${groupId}/`)).map(([, v]) => SenderKeyRecord.decode(v))
  }

  /** Stores a member's key and drops its keys older than the few kept for late messages. */
  async putKey (record: SenderKeyRecord): Promise<void> {
    const prefix = `${KEY}${record.groupId}/${record.owner}/`
    await this.#store.setValue(prefix + keyIdPart(record.keyId), SenderKeyRecord.encode(record))
    const keys = (await this.#store.listValues(prefix)).map(([k]) => k)
    for (const k of keys.slice(0, Math.max(0, keys.length - 1 - OLD_SENDER_KEYS_KEPT))) await this.#store.deleteValue(k)
  }

  /**
   * Keeps a sender key of a group this device does not know yet, within `max` such keys in all:
   * the oldest (by `receivedAt`) go first, so made-up groups cannot fill the store.
   */
  async putEarlyKey (record: SenderKeyRecord, max: number): Promise<void> {
    const key = `${EARLY}${record.groupId}/${record.owner}/${keyIdPart(record.keyId)}`
    await this.#store.setValue(key, SenderKeyRecord.encode(record))
    const all = (await this.#store.listValues(EARLY)).map(([k, v]) => ({ k, at: SenderKeyRecord.decode(v).receivedAt }))
    if (all.length <= max) return
    all.sort((a, b) => a.at < b.at ? -1 : a.at > b.at ? 1 : 0)
    for (const { k } of all.slice(0, all.length - max)) await this.#store.deleteValue(k)
  }

  async listEarlyKeys (groupId?: string): Promise<SenderKeyRecord[]> {
    return (await this.#store.listValues(groupId == null ? EARLY : `${EARLY}${groupId}/`)).map(([, v]) => SenderKeyRecord.decode(v))
  }

  /** A group became known: its members' early keys become its keys, the rest go. */
  async adoptEarlyKeys (groupId: string, members: string[]): Promise<void> {
    for (const [k, v] of await this.#store.listValues(`${EARLY}${groupId}/`)) {
      const record = SenderKeyRecord.decode(v)
      if (members.includes(record.owner) && await this.getKey(groupId, record.owner, record.keyId) == null) await this.putKey({ ...record, receivedAt: 0n })
      await this.#store.deleteValue(k)
    }
  }

  async deleteKeysOf (groupId: string, owner: string): Promise<void> {
    for (const [k] of await this.#store.listValues(`${KEY}${groupId}/${owner}/`)) await this.#store.deleteValue(k)
  }

  /** The id of our sender key that `member` last received, if any. */
  async getSent (groupId: string, member: string): Promise<number | undefined> {
    const bytes = await this.#store.getValue(`${SENT}${groupId}/${member}`)
    return bytes == null || bytes.length !== 4 ? undefined : new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0)
  }

  async setSent (groupId: string, member: string, keyId: number): Promise<void> {
    await this.#store.setValue(`${SENT}${groupId}/${member}`, u32(keyId))
  }

  /** Keeps a message whose sender key has not arrived; false when the group's queue is full. */
  async addPending (message: GroupMessage, idHex: string): Promise<boolean> {
    const prefix = `${PENDING}${message.groupId}/`
    if ((await this.#store.listValues(prefix)).length >= MAX_PENDING_MESSAGES) return false
    await this.#store.setValue(prefix + idHex, GroupMessage.encode(message))
    return true
  }

  async listPending (groupId: string): Promise<Array<[string, GroupMessage]>> {
    return (await this.#store.listValues(`${PENDING}${groupId}/`)).map(([k, v]) => [k.slice(k.lastIndexOf('/') + 1), GroupMessage.decode(v)])
  }

  async deletePending (groupId: string, idHex: string): Promise<void> {
    await this.#store.deleteValue(`${PENDING}${groupId}/${idHex}`)
  }

  async setSender (idHex: string, sender: string): Promise<void> {
    await this.#store.setValue(SENDER + idHex, new TextEncoder().encode(sender))
  }

  async getSender (idHex: string): Promise<string | undefined> {
    const bytes = await this.#store.getValue(SENDER + idHex)
    return bytes == null ? undefined : new TextDecoder().decode(bytes)
  }
}

/** One queue per group: state changes, key updates and decryption read and rewrite the same records. */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>()

  async run<T> (key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve()
    const result = previous.then(fn)
    const tail = result.then(() => {}, () => {})
    this.#tails.set(key, tail)
    try {
      return await result
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    }
  }
}
