// Safety numbers as the CLI prints them (`babacloud safety-number`): offline, from the two PeerIds,
// since a PeerId is its device's identity key. 5200 SHA-512 rounds a side, so each is cached.
import { formatSafetyNumber, safetyNumber } from '../../protocol/crypto/x3dh/safety-number.ts'
import { ed25519PublicKeyOf, parsePeerId } from '../../protocol/identity.ts'
import type { DeviceIdentity } from '../../protocol/identity.ts'

export class SafetyNumbers {
  readonly #identity: DeviceIdentity
  readonly #cache = new Map<string, string>()

  constructor (identity: DeviceIdentity) {
    this.#identity = identity
  }

  /** Twelve groups of five digits separated by spaces. */
  with (peer: string): string {
    let number = this.#cache.get(peer)
    if (number == null) {
      const other = parsePeerId(peer)
      number = formatSafetyNumber(safetyNumber(this.#identity.publicKey, this.#identity.peerId.toString(), ed25519PublicKeyOf(other), other.toString()))
      this.#cache.set(peer, number)
    }
    return number
  }
}
