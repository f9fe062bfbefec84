// Fault injection: a real rendezvous process is SIGKILLed at random moments while one peer deposits
// and another fetches and acks; sometimes the tail of its write-ahead log is torn as a crash
// mid-write leaves it. After every restart, no envelope acked as stored may be lost, and the
// receiving client never shows a message twice. FAULT_CYCLES sets the budget (default 6).
import { appendFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { ChatClient } from '../../protocol/chat-client.ts'
import { createEnvelope, envelopeIdToString } from '../../protocol/crypto/envelope.ts'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { MailboxClient } from '../../protocol/mailbox/mailbox-client.ts'
import { createChatNode } from '../../protocol/mesh/create-node.ts'
import { SqliteChatStore } from '../../node/sqlite-chat-store.ts'
import { tcp } from '@libp2p/tcp'
import { startRendezvousProcess } from '../helpers/cli.ts'
import { Cleanup, tempDir, waitFor } from '../helpers/wait.ts'
import type { RendezvousProcess } from '../helpers/cli.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

const CYCLES = Number(process.env.FAULT_CYCLES ?? 6)

/** Deterministic jitter for kill points: the run is reproducible from FAULT_SEED. */
function prng (seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('fault injection', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it(`loses no acked message and shows none twice across ${CYCLES} SIGKILL cycles`, { timeout: 60_000 + CYCLES * 20_000 }, async () => {
    const data = tempDir('babacloud-fault-')
    cleanup.add(data.remove)
    const random = prng(Number(process.env.FAULT_SEED ?? 7))
    let node: RendezvousProcess = await startRendezvousProcess(cleanup, ['--data', data.dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off'])
    const listen = multiaddr(node.info.multiaddrs[0]).decapsulate('/p2p').toString()
    const addr: Multiaddr = multiaddr(node.info.multiaddrs[0])

    const sender = await DeviceIdentity.generate()
    const senderNode = await createChatNode({ privateKey: sender.privateKey, transports: [tcp()], privateNetwork: true })
    cleanup.add(async () => { await senderNode.stop() })
    const receiver = await DeviceIdentity.generate()
    const receiverNode = await createChatNode({ privateKey: receiver.privateKey, transports: [tcp()], privateNetwork: true })
    const store = new SqliteChatStore(join(data.dir, 'receiver.sqlite'))
    const client = new ChatClient({ node: receiverNode, identity: receiver, store, rendezvous: addr, federation: false })
    const shown: string[] = []
    client.addEventListener('message', evt => { shown.push(evt.detail.id) })
    cleanup.add(async () => { await client.stop(); await receiverNode.stop(); await store.close() })
    await client.start({ receive: false })

    // Deposits alternate between a stream per request and one kept-open stream, which must be
    // reopened after every kill.
    const mailboxes = [new MailboxClient(senderNode, addr, 3_000), new MailboxClient(senderNode, addr, 3_000, { keepStreamOpen: true })]
    cleanup.add(async () => { await mailboxes[1].close() })
    const acked = new Set<string>()
    let kills = 0
    let torn = 0
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      // Load: deposits from the sender and syncs by the receiver, running when the kill lands.
      let running = true
      const depositing = (async () => {
        for (let i = 0; running; i++) {
          const env = createEnvelope(sender, receiver.peerId, { text: `cycle ${cycle} message ${i}` })
          try {
            await mailboxes[i % 2].deposit(env)
            acked.add(envelopeIdToString(env.id))
          } catch {
            // The node died mid-request: not acked, so the sender would retry; nothing to check.
          }
        }
      })()
      const syncing = (async () => { while (running) await client.sync().catch(() => {}) })()
      // Kill once this cycle has some acked deposits in, at a random point after that.
      const before = acked.size
      await waitFor(() => acked.size >= before + 3, { timeout: 30_000, what: 'deposits before the kill' })
      await new Promise(resolve => setTimeout(resolve, random() * 300))
      node.child.kill('SIGKILL')
      await node.exited
      kills++
      running = false
      await Promise.all([depositing, syncing])
      // Every other cycle, leave a torn frame at the end of the WAL, as a crash mid-write would.
      const wal = join(data.dir, 'rendezvous.sqlite-wal')
      if (cycle % 2 === 1 && existsSync(wal)) {
        appendFileSync(wal, Buffer.from(Array.from({ length: 1000 + Math.floor(random() * 3000) }, () => Math.floor(random() * 256))))
        torn++
      }
      node = await startRendezvousProcess(cleanup, ['--data', data.dir, '--listen', listen, '--http', 'off'])
    }

    // Finally everything left is taken; every acked deposit must have reached the client, once.
    await waitFor(async () => {
      await client.sync().catch(() => {})
      return [...acked].every(id => shown.includes(id))
    }, { timeout: 60_000, what: 'every acked message at the client' })
    const missing = [...acked].filter(id => !shown.includes(id))
    console.log(`fault injection: ${kills} SIGKILL cycles (${torn} with a torn WAL tail), ${acked.size} deposits acked, ${missing.length} lost, ${shown.length - new Set(shown).size} shown twice`)
    expect(kills).toBe(CYCLES)
    expect(acked.size).toBeGreaterThan(0)
    expect(missing).toEqual([])
    expect(shown.length).toBe(new Set(shown).size)
  })
})
