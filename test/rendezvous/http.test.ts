// HTTP routes tested without a socket, through Hono's app.request().
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseRendezvousApiInfo } from '../../protocol/rendezvous-api.ts'
import { createHttpApp } from '../../rendezvous/http/http-app.ts'
import { tempDir } from '../helpers/wait.ts'

const deps = {
  peerId: () => '12D3KooWtest',
  multiaddrs: () => ['/ip4/127.0.0.1/tcp/7702/ws/p2p/12D3KooWtest'],
  metricsText: async () => '# HELP babacloud_connections Open libp2p connections\nbabacloud_connections 0\n',
  iceServers: () => [{ urls: 'turn:turn.example.org:3478', username: 'u', credential: 'p' }],
  attachmentMaxBytes: () => 2_000_000,
  policy: () => ({ version: 3, text: 'We keep as little as we can.' })
}

describe('rendezvous HTTP', () => {
  it('answers health, metrics and the node addresses', async () => {
    const app = createHttpApp(deps)
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok', peerId: '12D3KooWtest' })
    const metrics = await app.request('/metrics')
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/)
    expect(await metrics.text()).toContain('babacloud_connections 0')
    // What the web app reads, through the parser it uses: the two ends share one type.
    expect(parseRendezvousApiInfo(await (await app.request('/api/rendezvous')).json()))
      .toEqual({ peerId: '12D3KooWtest', multiaddrs: deps.multiaddrs(), iceServers: deps.iceServers(), attachmentMaxBytes: 2_000_000 })
    expect(await (await app.request('/api/policy')).json()).toEqual({ version: 3, text: 'We keep as little as we can.' })
  })

  it('serves the built web app, falling back to index.html for app routes', async () => {
    const tmp = tempDir()
    try {
      mkdirSync(join(tmp.dir, 'assets'))
      writeFileSync(join(tmp.dir, 'index.html'), '<title>app</title>')
      writeFileSync(join(tmp.dir, 'assets', 'app.js'), 'console.log(1)')
      const app = createHttpApp({ ...deps, webRoot: tmp.dir })
      expect(await (await app.request('/')).text()).toContain('<title>app</title>')
      expect(await (await app.request('/assets/app.js')).text()).toBe('console.log(1)')
      expect(await (await app.request('/chat/someone')).text()).toContain('<title>app</title>')
    } finally {
      tmp.remove()
    }
  })

  it('serves the service worker for the whole origin and uncached, hashed assets for good', async () => {
    const tmp = tempDir()
    try {
      mkdirSync(join(tmp.dir, 'assets'))
      writeFileSync(join(tmp.dir, 'index.html'), '<title>app</title>')
      writeFileSync(join(tmp.dir, 'sw.js'), 'self.addEventListener("fetch", () => {})')
      writeFileSync(join(tmp.dir, 'manifest.webmanifest'), '{"name":"BabaCloud Chat"}')
      writeFileSync(join(tmp.dir, 'assets', 'index-abc123.js'), 'console.log(1)')
      const app = createHttpApp({ ...deps, webRoot: tmp.dir })
      const sw = await app.request('/sw.js')
      expect(sw.status).toBe(200)
      expect(sw.headers.get('content-type')).toMatch(/javascript/)
      expect(sw.headers.get('service-worker-allowed')).toBe('/')
      expect(sw.headers.get('cache-control')).toBe('no-cache')
      expect((await app.request('/assets/index-abc123.js')).headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      const manifest = await app.request('/manifest.webmanifest')
      expect(manifest.headers.get('content-type')).toMatch(/application\/manifest\+json/)
      expect(manifest.headers.get('cache-control')).toBe('no-cache')
      // A new build must reach the page: neither the page itself nor an app route is cached for long.
      expect((await app.request('/')).headers.get('cache-control')).toBe('no-cache')
      expect((await app.request('/chat/someone')).headers.get('cache-control')).toBe('no-cache')
      expect(sw.headers.get('content-security-policy')).toContain("script-src 'self'")
    } finally {
      tmp.remove()
    }
  })

  it('says how to build the web app when it is missing', async () => {
    const res = await createHttpApp({ ...deps, webRoot: '/nonexistent' }).request('/')
    expect(await res.text()).toContain('npm run build')
  })
})
