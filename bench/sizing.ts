// Sizing for docs/operators.md: memory and disk of a real rendezvous node process (the compiled
// `babacloud rendezvous` when built, else through tsx) as users come online and messages wait.
//   npx tsx bench/sizing.ts [--users 1000] [--online 100] [--messages 100000]
// Users: each comes online as the web app does (a libp2p peer with a relay reservation that
// publishes its prekey bundle) in waves of --online, then goes offline; RSS is read at the peak of
// a wave (users online at once) and after all have left (what the node keeps). Messages: 1 KiB texts
// deposited by 16 senders through the mailbox protocol to those users while they are offline.
import '../protocol/polyfills.ts'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { ChatClient } from '../protocol/chat-client.ts'
import { createEnvelope } from '../protocol/crypto/envelope.ts'
import { DeviceIdentity } from '../protocol/identity.ts'
import { MailboxClient } from '../protocol/mailbox/mailbox-client.ts'
import { createChatNode } from '../protocol/mesh/create-node.ts'
import { MemoryChatStore } from '../protocol/store/memory-chat-store.ts'
import type { ChildProcess } from 'node:child_process'
import type { ChatNode } from '../protocol/mesh/create-node.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

const { values } = parseArgs({ options: { users: { type: 'string', default: '1000' }, online: { type: 'string', default: '100' }, messages: { type: 'string', default: '100000' } } })
const USERS = Number(values.users)
const ONLINE = Number(values.online)
const MESSAGES = Number(values.messages)
const SENDERS = 16
const REPO = fileURLToPath(new URL('..', import.meta.url))
const MB = 1024 * 1024

function rss (pid: number): { rss: number, peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024
  return { rss: kb('VmRSS'), peak: kb('VmHWM') }
}

function diskBytes (dir: string): number {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    total += entry.isDirectory() ? diskBytes(path) : statSync(path).size
  }
  return total
}

async function startNode (dataDir: string, configFile: string): Promise<{ child: ChildProcess, addr: Multiaddr }> {
  const compiled = join(REPO, 'dist', 'node', 'cli.js')
  const entry = existsSync(compiled) ? compiled : join(REPO, 'bin', 'babacloud.js')
  const child = spawn(process.execPath, [entry, 'rendezvous', '--json', '--data', dataDir, '--config', configFile], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  const info = await new Promise<{ multiaddrs: string[] }>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const line = out.split('\n').find(l => l.startsWith('{') && l.endsWith('}'))
      if (line != null) resolve(JSON.parse(line))
    })
    child.on('exit', code => { reject(new Error(`node exited with ${code}`)) })
  })
  process.stderr.write(`node: ${entry.endsWith('.js') && entry.includes('dist') ? 'compiled' : 'tsx'} pid ${child.pid}\n`)
  return { child, addr: multiaddr(info.multiaddrs[0]) }
}

async function online (identity: DeviceIdentity, rv: Multiaddr): Promise<() => Promise<void>> {
  const node = await createChatNode({ privateKey: identity.privateKey, transports: [tcp()], listen: ['/p2p-circuit'], privateNetwork: true })
  const client = new ChatClient({ node, identity, store: new MemoryChatStore(), rendezvous: rv })
  await client.start()
  // Online as a browser is: reachable through its relay reservation.
  const deadline = Date.now() + 30_000
  while (!node.getMultiaddrs().some(ma => ma.toString().includes('/p2p-circuit'))) {
    if (Date.now() > deadline) throw new Error('no relay reservation within 30 s')
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  return async () => { await client.stop(); await node.stop() }
}

const mb = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`

const dir = mkdtempSync(join(tmpdir(), 'babacloud-sizing-'))
const configFile = join(dir, 'rendezvous.json')
// Abuse limits and plan quotas would measure themselves: everything comes from one address, fast.
writeFileSync(configFile, JSON.stringify({
  listen: ['/ip4/127.0.0.1/tcp/0'],
  http: false,
  relay: { maxReservations: 100_000 },
  mailbox: { maxMessages: 10_000_000, maxBytes: '100gb' },
  plans: { free: { depositsPerMinute: 100_000_000 } },
  limits: { maxConnections: 100_000, maxConnectionsPerIp: 100_000, connectionRatePerIp: 100_000, requestsPerMinute: 100_000_000, requestsPerMinutePerNetwork: 100_000_000 }
}))
const dataDir = join(dir, 'data')
const { child, addr } = await startNode(dataDir, configFile)
const pid = child.pid ?? 0
try {
  const base = { ...rss(pid), disk: diskBytes(dataDir) }
  console.log(`empty node: RSS ${mb(base.rss)}, data ${mb(base.disk)}`)

  const users = await Promise.all(Array.from({ length: USERS }, async () => await DeviceIdentity.generate()))
  let wavePeak = 0
  for (let i = 0; i < USERS; i += ONLINE) {
    // Eight dials at a time: libp2p refuses more than ten pending inbound connections by default.
    const stops: Array<() => Promise<void>> = []
    for (let j = i; j < Math.min(i + ONLINE, USERS); j += 8) {
      stops.push(...await Promise.all(users.slice(j, Math.min(j + 8, i + ONLINE, USERS)).map(async u => await online(u, addr))))
    }
    wavePeak = Math.max(wavePeak, rss(pid).rss)
    if (i === 0) console.log(`first ${stops.length} users online at once: RSS ${mb(rss(pid).rss)} (+${mb(rss(pid).rss - base.rss)} over empty)`)
    await Promise.all(stops.map(async stop => { await stop() }))
  }
  const afterUsers = { ...rss(pid), disk: diskBytes(dataDir) }
  console.log(`${USERS} users, ${ONLINE} online at once: RSS ${mb(wavePeak)} at a wave's peak (+${mb(wavePeak - base.rss)} over empty), ${mb(afterUsers.rss)} once all are offline; data ${mb(afterUsers.disk)} (+${mb(afterUsers.disk - base.disk)})`)

  if (MESSAGES > 0) {
    const senders = await Promise.all(Array.from({ length: SENDERS }, async () => await DeviceIdentity.generate()))
    const clients: MailboxClient[] = []
    const nodes: ChatNode[] = []
    for (const s of senders) {
      const node = await createChatNode({ privateKey: s.privateKey, transports: [tcp()], privateNetwork: true })
      await node.dial(addr)
      nodes.push(node)
      clients.push(new MailboxClient(node, addr, undefined, { keepStreamOpen: true }))
    }
    const text = 'x'.repeat(1024)
    const started = Date.now()
    let sent = 0
    let reopened = 0
    await Promise.all(clients.map(async (_client, s) => {
      for (let i = s; i < MESSAGES; i += SENDERS) {
        const env = createEnvelope(senders[s], users[i % USERS].peerId, { text })
        try {
          await clients[s].deposit(env)
        } catch (err) {
          // A kept-open stream the node closed: count it, open a new one, deposit again.
          reopened++
          process.stderr.write(`sender ${s}: ${(err as Error).message}; reopening\n`)
          await clients[s].close().catch(() => {})
          clients[s] = new MailboxClient(nodes[s], addr, undefined, { keepStreamOpen: true })
          await clients[s].deposit(env)
        }
        if (++sent % 10_000 === 0) process.stderr.write(`${sent} deposited (${Math.round(sent / ((Date.now() - started) / 1000))}/s)\n`)
      }
    }))
    await Promise.all(clients.map(async c => { await c.close() }))
    await Promise.all(nodes.map(async n => { await n.stop() }))
    const afterMessages = { ...rss(pid), disk: diskBytes(dataDir) }
    console.log(`${MESSAGES} waiting messages (1 KiB text each): RSS ${mb(afterMessages.rss)} (+${mb(afterMessages.rss - afterUsers.rss)}), peak ${mb(afterMessages.peak)}; data ${mb(afterMessages.disk)} (+${mb(afterMessages.disk - afterUsers.disk)}), ${((afterMessages.disk - afterUsers.disk) / MESSAGES).toFixed(0)} bytes a message; ${Math.round(MESSAGES / ((Date.now() - started) / 1000))} deposits/s; ${reopened} streams reopened`)
  }
} finally {
  child.kill('SIGTERM')
  await new Promise(resolve => child.on('exit', resolve))
  rmSync(dir, { recursive: true, force: true })
}
// libp2p leaves timers behind; the measurement is done.
process.exit(0)
