// Client side of `/babacloud/prekeys/1.0.0`: publish this device's prekeys, fetch another device's
// bundle, ask how many one-time prekeys the rendezvous still holds for us. PrekeyPublisher
// (prekey-publisher.ts) keeps them published and rotated.
import { DEFAULT_TIMEOUT_MS, PREKEYS_PROTOCOL } from '../constants.ts'
import { decodePrekeyBundle } from '../crypto/x3dh/wire.ts'
import { ErrorCode, ProtocolError, errorMessage } from '../errors.ts'
import { InvalidPrekeyBundleError } from './errors.ts'
import { call } from '../rpc/rpc.ts'
import type { CallTarget } from '../rpc/rpc.ts'
import { PrekeyRequest, PrekeyResponse } from '../wire/generated/messages.ts'
import type { PrekeyBundle } from '../crypto/x3dh/pqxdh.ts'
import type { ChatNode } from '../mesh/create-node.ts'
import type { OneTimePrekeyWire, SignedPrekeyWire } from '../wire/generated/messages.ts'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** A bundle is ≈1.4 KB; anything much larger is not an answer to our request. */
const MAX_RESPONSE_BYTES = 16 * 1024

export interface PrekeyUploadWire {
  signedPrekey?: SignedPrekeyWire
  pqLastResort?: SignedPrekeyWire
  oneTimePrekeys: OneTimePrekeyWire[]
  pqOneTimePrekeys: SignedPrekeyWire[]
  replaceOneTime: boolean
}

export interface PrekeyStatus {
  oneTimeRemaining: number
  pqOneTimeRemaining: number
  hasBundle: boolean
}

export class PrekeyClient {
  readonly #target: CallTarget

  constructor (node: ChatNode, rendezvous: PeerId | Multiaddr | Multiaddr[], timeoutMs = DEFAULT_TIMEOUT_MS) {
    this.#target = { node, peer: rendezvous, protocol: PREKEYS_PROTOCOL, timeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES }
  }

  async #call (req: Partial<PrekeyRequest>, options: AbortOptions): Promise<PrekeyResponse> {
    return await call<PrekeyRequest, PrekeyResponse>(this.#target, { type: PrekeyRequest.Type.STATUS, oneTimePrekeys: [], pqOneTimePrekeys: [], replaceOneTime: false, peerId: '', ...req }, { request: PrekeyRequest, response: PrekeyResponse }, options)
  }

  async publish (upload: PrekeyUploadWire, options: AbortOptions = {}): Promise<PrekeyStatus> {
    return status(await this.#call({ type: PrekeyRequest.Type.PUBLISH, ...upload }, options))
  }

  /** Deletes every key the node holds for this device (its bundle is gone there); answers the counts, all 0. */
  async withdraw (options: AbortOptions = {}): Promise<PrekeyStatus> {
    return status(await this.#call({ type: PrekeyRequest.Type.WITHDRAW }, options))
  }

  async status (options: AbortOptions = {}): Promise<PrekeyStatus> {
    return status(await this.#call({ type: PrekeyRequest.Type.STATUS }, options))
  }

  /**
   * `peer`'s bundle, or undefined only when the node answered NOT_FOUND (it published none). A
   * bundle that does not decode is an InvalidPrekeyBundleError; transport failures are thrown as
   * they come. Signatures are checked later by `initiateSession`; the caller checks that the
   * identity key is the PeerId's.
   */
  async fetch (peer: PeerId, options: AbortOptions = {}): Promise<PrekeyBundle | undefined> {
    let res: PrekeyResponse
    try {
      res = await this.#call({ type: PrekeyRequest.Type.FETCH, peerId: peer.toString() }, options)
    } catch (err) {
      if (ProtocolError.is(err, ErrorCode.NOT_FOUND)) return undefined
      throw err
    }
    try {
      return decodePrekeyBundle(res.bundle)
    } catch (err) {
      throw new InvalidPrekeyBundleError('malformed', peer.toString(), errorMessage(err), { cause: err })
    }
  }
}

function status (res: PrekeyResponse): PrekeyStatus {
  return { oneTimeRemaining: res.oneTimeRemaining, pqOneTimeRemaining: res.pqOneTimeRemaining, hasBundle: res.hasBundle }
}

export { PREKEY_BATCH, PREKEY_LOW_WATER, PQ_PREKEY_BATCH, PQ_PREKEY_LOW_WATER } from './constants.ts'
