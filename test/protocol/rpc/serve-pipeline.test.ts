// `serve` with `pipeline`: several requests of one stream handled at once, never more than the
// depth, and every answer in request order even when later handlers finish first.
import { tcp } from '@libp2p/tcp'
import { afterEach, describe, expect, it } from 'vitest'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { createChatNode } from '../../../protocol/mesh/create-node.ts'
import { RequestStream } from '../../../protocol/rpc/request-stream.ts'
import { serve } from '../../../protocol/rpc/rpc.ts'
import { MailboxRequest, MailboxResponse } from '../../../protocol/wire/generated/messages.ts'
import { Cleanup, waitFor } from '../../helpers/wait.ts'
import type { ChatNode } from '../../../protocol/mesh/create-node.ts'

const PROTOCOL = '/babacloud/test-pipeline/1.0.0'
const codecs = { request: MailboxRequest, response: MailboxResponse }

describe('serve with a pipeline', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  async function node (listen: string[] = []): Promise<ChatNode> {
    const identity = await DeviceIdentity.generate()
    const n = await createChatNode({ privateKey: identity.privateKey, transports: [tcp()], listen, privateNetwork: true })
    cleanup.add(async () => { await n.stop() })
    return n
  }

  it('handles up to `pipeline` requests at once and answers them in request order', async () => {
    const server = await node(['/ip4/127.0.0.1/tcp/0'])
    const client = await node()
    const depth = 4
    let running = 0
    let most = 0
    const release: Array<() => void> = []
    await server.handle(PROTOCOL, stream => {
      void serve<MailboxRequest, MailboxResponse>(stream, {
        ...codecs,
        maxRequestBytes: 1024,
        timeoutMs: 10_000,
        pipeline: depth,
        errorResponse: error => ({ error, envelopes: [], cursor: 0n, more: false, count: 0 }),
        handle: async req => {
          running++
          most = Math.max(most, running)
          await new Promise<void>(resolve => { release.push(resolve) })
          running--
          return { envelopes: [], cursor: req.after, more: false, count: 0 }
        }
      })
    })
    const target = { node: client, peer: server.getMultiaddrs()[0], protocol: PROTOCOL, timeoutMs: 10_000, maxResponseBytes: 1024 }
    const stream = new RequestStream<MailboxRequest, MailboxResponse>(target, codecs, { maxInFlight: 2 * depth })
    cleanup.add(async () => { await stream.close() })
    const answers = Array.from({ length: 2 * depth }, async (_, i) => await stream.call({ type: MailboxRequest.Type.FETCH, limit: 1, after: BigInt(i), ids: [] }))
    await waitFor(() => release.length === depth, { what: `${depth} handlers running` })
    // The newest first: answers must still come back in request order.
    for (let i = depth - 1; i >= 0; i--) release[i]()
    await waitFor(() => release.length === 2 * depth, { what: 'the next handlers' })
    for (let i = 2 * depth - 1; i >= depth; i--) release[i]()
    expect((await Promise.all(answers)).map(a => a.cursor)).toEqual(Array.from({ length: 2 * depth }, (_, i) => BigInt(i)))
    expect(most).toBe(depth)
  })
})
