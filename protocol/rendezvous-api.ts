// What a rendezvous node tells the web app it serves (`GET /api/rendezvous`): one type for both ends,
// checked where it is read, so the page and the node cannot drift apart.

/** An ICE server the operator wants browsers to use for WebRTC (STUN or TURN), as in RTCIceServer. */
export interface IceServer {
  urls: string | string[]
  username?: string
  credential?: string
}

export interface RendezvousApiInfo {
  peerId: string
  /** Every address the node listens on; the page picks a WebSocket one it may dial. */
  multiaddrs: string[]
  /** From the node's `iceServers` config; empty means host candidates only (no STUN or TURN). */
  iceServers: IceServer[]
  /**
   * Largest attachment the node stores for an offline recipient (ciphertext bytes, config
   * `attachments.maxBytes`); the web app refuses larger files before uploading. Older nodes omit it.
   */
  attachmentMaxBytes?: number
}

export class RendezvousApiError extends Error {
  static {
    Object.defineProperty(this, 'name', { value: 'RendezvousApiError' })
  }

  override name = 'RendezvousApiError'
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every(x => typeof x === 'string')

/** Checks one ICE server entry; `where` names it in the error. */
export function parseIceServer (value: unknown, where: string): IceServer {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) throw new RendezvousApiError(`${where}: expected {urls, username?, credential?}`)
  const { urls, username, credential, ...rest } = value as Record<string, unknown>
  const unknownKey = Object.keys(rest)[0]
  if (unknownKey != null) throw new RendezvousApiError(`${where}: unknown key ${unknownKey}`)
  if (!(typeof urls === 'string' || (isStringList(urls) && urls.length > 0))) throw new RendezvousApiError(`${where}.urls: expected a URL or a list of URLs`)
  for (const url of typeof urls === 'string' ? [urls] : urls) {
    if (!/^(stun|stuns|turn|turns):/.test(url)) throw new RendezvousApiError(`${where}.urls: ${url} is not a stun:, stuns:, turn: or turns: URL`)
  }
  if (username != null && typeof username !== 'string') throw new RendezvousApiError(`${where}.username: expected text`)
  if (credential != null && typeof credential !== 'string') throw new RendezvousApiError(`${where}.credential: expected text`)
  return { urls, ...(username != null ? { username } : {}), ...(credential != null ? { credential } : {}) }
}

/** Validates what `/api/rendezvous` answered. */
export function parseRendezvousApiInfo (body: unknown): RendezvousApiInfo {
  if (body == null || typeof body !== 'object') throw new RendezvousApiError('rendezvous info is not an object')
  const { peerId, multiaddrs, iceServers, attachmentMaxBytes } = body as Record<string, unknown>
  if (typeof peerId !== 'string' || !isStringList(multiaddrs)) throw new RendezvousApiError('rendezvous info lacks peerId or multiaddrs')
  if (iceServers != null && !Array.isArray(iceServers)) throw new RendezvousApiError('iceServers: expected a list')
  if (attachmentMaxBytes != null && !(typeof attachmentMaxBytes === 'number' && Number.isSafeInteger(attachmentMaxBytes) && attachmentMaxBytes > 0)) {
    throw new RendezvousApiError('attachmentMaxBytes: expected a positive whole number')
  }
  return {
    peerId,
    multiaddrs,
    iceServers: (iceServers ?? []).map((s, i) => parseIceServer(s, `iceServers[${i}]`)),
    ...(attachmentMaxBytes != null ? { attachmentMaxBytes } : {})
  }
}
