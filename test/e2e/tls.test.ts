// The web app over HTTPS: a rendezvous with a (test) certificate serves the page over https and
// secure WebSockets, and two browsers chat through it over wss.
import { mkdtemp } from 'node:fs/promises'
import { get } from 'node:https'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import { resolveConfig } from '../../rendezvous/config.ts'
import { RendezvousNode } from '../../rendezvous/rendezvous-node.ts'
import { describeInChromium, launchBrowser, removeDir } from '../helpers/browser.ts'
import { makeTestCertificate } from '../helpers/tls.ts'
import { addContact, buildWebApp, createIdentity, disposeWebApp, messageTexts, openChat, sendMessage } from './harness.ts'
import type { BrowserSession } from '../helpers/browser.ts'


describeInChromium('web app over HTTPS and wss', () => {
  let webRoot: string
  const sessions: BrowserSession[] = []
  const dirs: string[] = []
  let node: RendezvousNode | undefined

  beforeAll(async () => { webRoot = await buildWebApp() })
  afterAll(async () => { await disposeWebApp() })
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map(async s => { await s.close() }))
    await node?.stop()
    node = undefined
    await Promise.all(dirs.splice(0).map(removeDir))
  })

  it('loads over https and chats over secure WebSockets', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'babacloud-tls-'))
    dirs.push(dir)
    const tls = makeTestCertificate(dir)
    node = new RendezvousNode({
      dataDir: join(dir, 'rv'),
      webRoot,
      config: resolveConfig({ listen: ['/ip4/127.0.0.1/tcp/0/tls/ws'], http: '127.0.0.1:0', tls: { cert: tls.certFile, key: tls.keyFile } })
    })
    const info = await node.start()
    expect(info.http).toMatch(/^https:\/\//)
    expect(info.multiaddrs.some(ma => ma.includes('/tls/ws'))).toBe(true)
    // The page and its API answer over TLS with the configured certificate.
    const health = await new Promise<number>((resolve, reject) => {
      get(`${info.http}/healthz`, { ca: readFileSync(tls.certFile) }, res => { res.resume(); resolve(res.statusCode ?? 0) }).on('error', reject)
    })
    expect(health).toBe(200)

    const trust = ['--ignore-certificate-errors']
    const alice = await launchBrowser({ extraArgs: trust })
    const bob = await launchBrowser({ extraArgs: trust })
    sessions.push(alice, bob)
    dirs.push(alice.profileDir, bob.profileDir)
    const url = info.http as string
    await alice.page.goto(url)
    await bob.page.goto(url)
    const aliceId = await createIdentity(alice.page)
    const bobId = await createIdentity(bob.page)
    for (const page of [alice.page, bob.page]) {
      await page.getByTestId('connection').and(page.locator('[data-rendezvous="online"]')).waitFor({ timeout: 30_000 })
    }
    await addContact(alice.page, bobId, 'Bob')
    await addContact(bob.page, aliceId, 'Alice')
    await openChat(alice.page, url, bobId)
    await sendMessage(alice.page, 'hello over wss')
    await openChat(bob.page, url, aliceId)
    await expect.poll(async () => await messageTexts(bob.page), { timeout: 30_000 }).toContain('hello over wss')
    expect(new URL(alice.page.url()).protocol).toBe('https:')
    // The node listens on nothing but secure WebSockets, so both browsers came in through them.
    expect(info.multiaddrs.every(ma => ma.includes('/tls/ws'))).toBe(true)
    expect(node.node.getConnections().length).toBeGreaterThanOrEqual(2)
    expect(alice.errors.concat(bob.errors)).toEqual([])
  })
})
