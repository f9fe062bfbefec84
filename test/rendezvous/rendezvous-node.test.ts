// A rendezvous node whose start fails part-way (here: the web app's port is taken) leaves nothing
// behind: its libp2p and metrics ports are free again, its databases are closed, and the same data
// directory starts cleanly afterwards.
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../rendezvous/config.ts'
import { RendezvousNode } from '../../rendezvous/rendezvous-node.ts'
import { openAccountStore } from '../../rendezvous/stores.ts'
import { SqliteStore } from '../../rendezvous/storage/sqlite-store.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'
import type { Server } from 'node:net'

const cleanup = new Cleanup()
afterEach(async () => { await cleanup.run() })

async function listen (host: string, port = 0): Promise<Server> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => { resolve() })
  })
  return server
}

async function close (server: Server): Promise<void> {
  await new Promise<void>(resolve => { server.close(() => { resolve() }) })
}

function portOf (server: Server): number {
  const address = server.address()
  if (address == null || typeof address === 'string') throw new Error('not listening')
  return address.port
}

/** A port free right now (the kernel's pick, released again). */
async function freePort (host: string): Promise<number> {
  const server = await listen(host)
  const port = portOf(server)
  await close(server)
  return port
}

describe('RendezvousNode start and stop', () => {
  it('stops what it started when a later part fails to start', async () => {
    const { dir, remove } = tempDir('babacloud-rv-fail-')
    cleanup.add(remove)
    // The web app's port is taken; on a public address /metrics gets a listener of its own first.
    const busy = await listen('0.0.0.0')
    cleanup.add(async () => { await close(busy) })
    const libp2pPort = await freePort('127.0.0.1')
    const metricsPort = await freePort('127.0.0.1')
    const store = new SqliteStore(join(dir, 'rendezvous.sqlite'))
    const accountStore = await openAccountStore(undefined, dir)
    const config = resolveConfig({
      listen: [`/ip4/127.0.0.1/tcp/${libp2pPort}`],
      http: `0.0.0.0:${portOf(busy)}`,
      metrics: `127.0.0.1:${metricsPort}`
    })
    const node = new RendezvousNode({ dataDir: dir, config, store, accountStore })
    await expect(node.start()).rejects.toThrow(/EADDRINUSE|in use/i)

    // Every port it had opened is free again, and its databases are closed.
    for (const port of [libp2pPort, metricsPort]) await close(await listen('127.0.0.1', port))
    expect(store.db.open).toBe(false)
    expect(accountStore.sql.sqlite?.open).toBe(false)
    expect(() => node.node).toThrow(/not started/)
    await node.stop()

    // The same data directory and ports start cleanly.
    const again = new RendezvousNode({ dataDir: dir, config: resolveConfig({ listen: [`/ip4/127.0.0.1/tcp/${libp2pPort}`], http: false, metrics: `127.0.0.1:${metricsPort}` }) })
    cleanup.add(async () => { await again.stop() })
    const info = await again.start()
    expect(info.multiaddrs.some(a => a.includes(`/tcp/${libp2pPort}/`))).toBe(true)
  })
})
