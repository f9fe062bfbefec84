// A hostile "rendezvous" for security tests: a plain libp2p peer on 127.0.0.1 that speaks the public
// protocols itself. Its prekey directory is the real one (PrekeyProtocol over SQLite) until a test
// installs its own prekey handler (forged bundles, no answer). Its mailbox keeps every deposit
// forever and serves all of them again on every fetch, ignoring acks: the replaying node. It can
// also drop the acks of deposits it committed (the fault behind duplicate retries).
import { join } from 'node:path'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { ChatClient } from '../../protocol/chat-client.ts'
import { MAILBOX_PROTOCOL, MAX_REQUEST_BYTES, PREKEYS_PROTOCOL } from '../../protocol/constants.ts'
import { verifyEnvelope } from '../../protocol/crypto/envelope.ts'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { createChatNode } from '../../protocol/mesh/create-node.ts'
import { serve } from '../../protocol/rpc/rpc.ts'
import { MemoryChatStore } from '../../protocol/store/memory-chat-store.ts'
import { MailboxRequest, MailboxResponse, PrekeyRequest, PrekeyResponse } from '../../protocol/wire/generated/messages.ts'
import { PrekeyProtocol } from '../../rendezvous/prekeys/prekey-protocol.ts'
import { PrekeyService } from '../../rendezvous/prekeys/prekey-service.ts'
import { SqlPrekeyStore } from '../../rendezvous/prekeys/sql-prekey-store.ts'
import { SqlDatabase } from '../../rendezvous/storage/sql-database.ts'
import { tempDir } from './wait.ts'
import type { Cleanup } from './wait.ts'
import type { ChatClientEvents, ChatClientInit } from '../../protocol/chat-client.ts'
import type { ChatNode } from '../../protocol/mesh/create-node.ts'
import type { ChatMessage } from '../../protocol/store/chat-store.ts'
import type { Envelope } from '../../protocol/wire/generated/messages.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface HostileNode {
  node: ChatNode
  addr: Multiaddr
  /** Every envelope deposited here, in order; none is ever deleted. */
  deposits: Envelope[]
  /** Replaces the prekey directory with `answer` (a forged bundle, an error, or no answer at all). */
  answerPrekeys(answer: (req: PrekeyRequest) => Promise<PrekeyResponse>): Promise<void>
}

const emptyPrekeys = (): PrekeyResponse => ({ bundle: new Uint8Array(0), oneTimeRemaining: 0, pqOneTimeRemaining: 0, hasBundle: false })
const emptyMailbox = (): MailboxResponse => ({ envelopes: [], cursor: 0n, more: false, count: 0 })

export interface HostileNodeOptions {
  /**
   * The first this many deposits are committed and then their ack is dropped (the stream is
   * reset instead of answered): the sender cannot tell stored from lost and must retry.
   */
  dropDepositAcks?: number
}

export async function startHostileNode (cleanup: Cleanup, options: HostileNodeOptions = {}): Promise<HostileNode> {
  let dropAcks = options.dropDepositAcks ?? 0
  const identity = await DeviceIdentity.generate()
  const node = await createChatNode({ privateKey: identity.privateKey, transports: [tcp()], listen: ['/ip4/127.0.0.1/tcp/0'], privateNetwork: true })
  const dir = tempDir('babacloud-hostile-')
  const store = await SqlPrekeyStore.open(SqlDatabase.sqliteFile(join(dir.dir, 'prekeys.sqlite')))
  cleanup.add(dir.remove)
  cleanup.add(async () => {
    await node.stop()
    await store.close()
  })
  await new PrekeyProtocol(node, new PrekeyService({ store })).start()
  const deposits: Envelope[] = []
  await node.handle(MAILBOX_PROTOCOL, (stream, connection) => {
    void serve<MailboxRequest, MailboxResponse>(stream, {
      request: MailboxRequest,
      response: MailboxResponse,
      maxRequestBytes: MAX_REQUEST_BYTES,
      timeoutMs: 10_000,
      errorResponse: error => ({ ...emptyMailbox(), error }),
      handle: async req => {
        if (req.type === MailboxRequest.Type.DEPOSIT) {
          if (req.envelope == null) throw new ProtocolError(ErrorCode.MALFORMED, 'no envelope')
          verifyEnvelope(req.envelope)
          deposits.push(req.envelope)
          if (dropAcks > 0) {
            dropAcks--
            stream.abort(new Error('ack dropped after commit'))
          }
          return emptyMailbox()
        }
        if (req.type === MailboxRequest.Type.ACK) return { ...emptyMailbox(), count: req.ids.length }
        // Everything ever deposited for the caller, on every first page: acked or not.
        if (req.after > 0n) return { ...emptyMailbox(), cursor: req.after }
        const mine = deposits.filter(e => verifyEnvelope(e).to.equals(connection.remotePeer))
        return { ...emptyMailbox(), envelopes: mine, cursor: BigInt(mine.length + 1) }
      }
    })
  }, { maxInboundStreams: 16 })
  return {
    node,
    addr: withPeerId(node),
    deposits,
    answerPrekeys: async answer => {
      await node.unhandle(PREKEYS_PROTOCOL)
      await node.handle(PREKEYS_PROTOCOL, stream => {
        void serve<PrekeyRequest, PrekeyResponse>(stream, {
          request: PrekeyRequest,
          response: PrekeyResponse,
          maxRequestBytes: MAX_REQUEST_BYTES,
          timeoutMs: 30_000,
          errorResponse: error => ({ ...emptyPrekeys(), error }),
          handle: answer
        })
      })
    }
  }
}

function withPeerId (node: ChatNode): Multiaddr {
  const addr = node.getMultiaddrs()[0]
  return addr.getComponents().some(c => c.name === 'p2p') ? addr : multiaddr(`${addr.toString()}/p2p/${node.peerId.toString()}`)
}

export interface HostilePeer {
  identity: DeviceIdentity
  node: ChatNode
  client: ChatClient
  store: MemoryChatStore
  received: ChatMessage[]
}

/**
 * A chat peer homed on `rendezvous` (hostile or not); no federation lookups, no relay needed. Pass
 * `init.identity` and `init.store` of an earlier peer to restart that device.
 */
export async function createTestPeer (cleanup: Cleanup, rendezvous: Multiaddr, init: Partial<ChatClientInit> & { store?: MemoryChatStore } = {}): Promise<HostilePeer> {
  const identity = init.identity ?? await DeviceIdentity.generate()
  const node = await createChatNode({ privateKey: identity.privateKey, transports: [tcp()], listen: ['/p2p-circuit'], privateNetwork: true })
  const store = init.store ?? new MemoryChatStore()
  const client = new ChatClient({ federation: false, ...init, node, identity, store, rendezvous })
  const received: ChatMessage[] = []
  client.addEventListener('message', (evt: ChatClientEvents['message']) => { received.push(evt.detail) })
  cleanup.add(async () => {
    await client.stop()
    await node.stop()
  })
  return { identity, node, client, store, received }
}
