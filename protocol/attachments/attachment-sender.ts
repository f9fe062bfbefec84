// Sending an attachment to one device: straight to it when it is online and the connection can
// carry the bytes, otherwise through the home rendezvous. The E2EE offer (key, digest, name) always
// travels as a control message; only ciphertext ever crosses the network outside it.
import { multiaddr } from '@multiformats/multiaddr'
import { connectionPath } from '../delivery/path.ts'
import { ErrorCode, ProtocolError, UnreachableError, errorMessage } from '../errors.ts'
import { ATTACHMENT_CONTROL_TYPE, AttachmentError } from './constants.ts'
import { openDirect, pushDirect } from './direct-transfer.ts'
import { AttachmentOffer } from './generated/wire.ts'
import type { ControlHost } from '../control/control-host.ts'
import type { DeliveryPath } from '../delivery/path.ts'
import type { BlobClient, Progress } from './blob-client.ts'
import type { SealedAttachment } from './cipher.ts'
import type { AbortOptions, Connection, Logger, PeerId, Stream } from '@libp2p/interface'

export interface OutgoingAttachment {
  name: string
  mime?: string
  bytes: Uint8Array
  caption?: string
  /** The group it is sent to (its id): each member's device gets its own offer naming the group. */
  group?: string
}

export interface AttachmentDeviceResult {
  peerId: string
  /** `delivered`: the device has stored it; `stored`: it waits on the rendezvous. */
  status: 'delivered' | 'stored'
  /** How the ciphertext travelled; `mailbox` means via the rendezvous blob store. */
  path: DeliveryPath
}

export interface SendAttachmentOptions extends AbortOptions {
  /** Ciphertext bytes sent so far of all devices together, and the total. */
  onProgress?: Progress
  /** How long reaching the device directly may take before the rendezvous is used. */
  liveTimeoutMs?: number
}

/** Bytes left for protocol chatter on a relayed connection after the ciphertext. */
const LIMIT_HEADROOM = 64 * 1024

/** Generous for slow links (64 KiB/s) yet bounded, so a stuck transfer ends. */
export function transferTimeoutMs (bytes: number): number {
  return 30_000 + Math.ceil(bytes / 64)
}

function fits (connection: Connection, bytes: number): boolean {
  const limits = connection.limits
  if (limits == null) return true
  if (limits.bytes != null && limits.bytes < BigInt(bytes + LIMIT_HEADROOM)) return false
  return limits.seconds == null || limits.seconds * 1000 > transferTimeoutMs(bytes)
}

/** The caller's signal (a person pressing Cancel) together with a bound of our own. */
function bounded (signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms)
  return signal == null ? timeout : AbortSignal.any([signal, timeout])
}

/** Codes a second path cannot fix: the recipient refused the attachment itself. */
function isFinal (err: unknown): boolean {
  // A recipient that cancelled gets the file parked on the rendezvous, to fetch when it wants.
  if (AttachmentError.is(err)) return err.code !== 'TIMEOUT' && err.code !== 'CANCELLED'
  return ProtocolError.is(err) && [ErrorCode.TOO_LARGE, ErrorCode.MALFORMED, ErrorCode.UNAUTHORIZED].includes(err.code)
}

export class AttachmentSender {
  readonly #client: ControlHost
  readonly #blobs?: BlobClient
  readonly #log: Logger

  constructor (client: ControlHost, blobs: BlobClient | undefined, log: Logger) {
    this.#client = client
    this.#blobs = blobs
    this.#log = log
  }

  async send (device: PeerId, sealed: SealedAttachment, file: OutgoingAttachment, options: SendAttachmentOptions): Promise<AttachmentDeviceResult> {
    const bytes = sealed.ciphertext.reduce((n, c) => n + c.length, 0)
    const offer = (source: AttachmentOffer.Source): Uint8Array => AttachmentOffer.encode({
      id: sealed.id as Uint8Array<ArrayBuffer>,
      key: sealed.key as Uint8Array<ArrayBuffer>,
      digest: sealed.digest as Uint8Array<ArrayBuffer>,
      size: BigInt(sealed.size),
      chunks: sealed.chunks,
      name: file.name,
      mime: file.mime ?? 'application/octet-stream',
      source,
      caption: file.caption ?? '',
      group: file.group ?? ''
    })
    const direct = await this.#openDirect(device, bytes, options)
    if (direct != null) {
      const { connection, stream } = direct
      try {
        const sent = await this.#client.sendControl(device, ATTACHMENT_CONTROL_TYPE, offer(AttachmentOffer.Source.DIRECT), options)
        // The device went away between the dial and the offer: the offer waits in its mailbox and
        // will expire unanswered there, the ciphertext goes to the rendezvous below.
        if (sent.status === 'delivered') {
          await pushDirect(stream, sealed, { signal: bounded(options.signal, transferTimeoutMs(bytes)), onProgress: options.onProgress })
          return { peerId: device.toString(), status: 'delivered', path: connectionPath(connection) }
        }
        stream.abort(new Error('offer was not delivered live'))
      } catch (err) {
        stream.abort(err instanceof Error ? err : new Error(String(err)))
        // Cancelled by the sender: no second path; the recipient's half-received copy was dropped.
        if (isFinal(err) || options.signal?.aborted === true) throw err
        this.#log('direct transfer to %p failed, using the rendezvous - %e', device, err)
      }
    }
    if (this.#blobs == null) throw new UnreachableError(`peer ${device.toString()} is not reachable and no rendezvous is configured`)
    options.signal?.throwIfAborted()
    // The offer goes only after the whole blob is committed: a cancelled upload never reaches the recipient.
    await this.#blobs.upload(device, sealed, { signal: bounded(options.signal, transferTimeoutMs(bytes)), onProgress: options.onProgress })
    const sent = await this.#client.sendControl(device, ATTACHMENT_CONTROL_TYPE, offer(AttachmentOffer.Source.RENDEZVOUS), options)
    return { peerId: device.toString(), status: sent.status, path: 'mailbox' }
  }

  /** A connection that can carry `bytes` and a stream the device accepted, or nothing. */
  async #openDirect (device: PeerId, bytes: number, options: SendAttachmentOptions): Promise<{ connection: Connection, stream: Stream } | undefined> {
    const node = this.#client.node
    const rendezvous = this.#client.rendezvous
    const target = node.getConnections(device).length > 0 || rendezvous == null
      ? device
      : multiaddr(`${rendezvous.toString()}/p2p-circuit/p2p/${device.toString()}`)
    try {
      const signal = bounded(options.signal, options.liveTimeoutMs ?? 5_000)
      const connection = await node.dial(target, { signal })
      // A relay would cut the connection mid-file; only a connection that fits is worth trying.
      const usable = [connection, ...node.getConnections(device)].find(c => c.status === 'open' && fits(c, bytes))
      if (usable == null) return undefined
      return { connection: usable, stream: await openDirect(usable, { signal }) }
    } catch (err) {
      this.#log('%p is not reachable directly - %s', device, errorMessage(err))
      return undefined
    }
  }
}
