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

  it('says how to build the web app when it is missing', async () => {
    const res = await createHttpApp({ ...deps, webRoot: '/nonexistent' }).request('/')
    expect(await res.text()).toContain('npm run build')
  })
})
