// A request whose timeout hits while its stream is still being opened (a host that accepts the TCP
// connection and never answers the handshake) fails like one whose answer never came.
import { createServer } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { MAILBOX_PROTOCOL } from '../../../protocol/constants.ts'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { createChatNode } from '../../../protocol/mesh/create-node.ts'
import { RequestStream } from '../../../protocol/rpc/request-stream.ts'
import { MailboxRequest, MailboxResponse } from '../../../protocol/wire/generated/messages.ts'
import { Cleanup } from '../../helpers/wait.ts'

describe('request stream opening', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('reports a timeout while opening the stream as the request timing out', async () => {
    const sockets: Socket[] = []
    const silent: Server = createServer(socket => { sockets.push(socket) })
    await new Promise<void>(resolve => { silent.listen(0, '127.0.0.1', resolve) })
    cleanup.add(async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>(resolve => { silent.close(() => { resolve() }) })
    })
    const [me, them] = await Promise.all([DeviceIdentity.generate(), DeviceIdentity.generate()])
    const node = await createChatNode({ privateKey: me.privateKey, transports: [tcp()], privateNetwork: true })
    cleanup.add(async () => { await node.stop() })
    const port = (silent.address() as AddressInfo).port
    const target = { node, peer: multiaddr(`/ip4/127.0.0.1/tcp/${port}/p2p/${them.peerId.toString()}`), protocol: MAILBOX_PROTOCOL, timeoutMs: 300, maxResponseBytes: 1024 }
    const stream = new RequestStream<MailboxRequest, MailboxResponse>(target, { request: MailboxRequest, response: MailboxResponse })
    cleanup.add(async () => { await stream.close() })
    await expect(stream.call({ type: MailboxRequest.Type.FETCH, limit: 1, after: 0n, ids: [] }))
      .rejects.toMatchObject({ code: 'INTERNAL', message: 'request timed out or was aborted' })
  })
})
