// The web app keeps the identity key and the history in IndexedDB, so an injected script is a full
// compromise. Guards the HTTP hardening (rendezvous/http/http-app.ts, http-server.ts): Hono's
// secureHeaders on every route (a CSP with no inline script, frame-ancestors 'none', nosniff, a
// Referrer-Policy, HSTS only under TLS), and /metrics kept off a public web listener, on a
// listener of its own (`--metrics`, loopback by default).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../rendezvous/config.ts'
import { createHttpApp } from '../../rendezvous/http/http-app.ts'
import { metricsPlacement } from '../../rendezvous/http/http-server.ts'
import { RendezvousNode } from '../../rendezvous/rendezvous-node.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'

const deps = {
  peerId: () => '12D3KooWtest',
  multiaddrs: () => ['/ip4/127.0.0.1/tcp/7702/ws/p2p/12D3KooWtest'],
  metricsText: async () => 'babacloud_connections 0\n',
  policy: () => ({ version: 1, text: 'policy' })
}

function csp (res: Response): Map<string, string[]> {
  const header = res.headers.get('content-security-policy') ?? ''
  return new Map(header.split(';').map(d => d.trim().split(/\s+/)).filter(d => d[0] !== '').map(([name, ...values]) => [name, values]))
}

function expectHardened (res: Response, path: string): void {
  const policy = csp(res)
  expect(policy.get('default-src'), path).toEqual(["'none'"])
  expect(policy.get('script-src'), path).toEqual(["'self'"])
  expect(policy.get('style-src'), path).toEqual(["'self'"])
  expect(policy.get('frame-ancestors'), path).toEqual(["'none'"])
  expect(policy.get('object-src'), path).toEqual(["'none'"])
  expect(policy.get('base-uri'), path).toEqual(["'none'"])
  // Nothing may run or style the page but its own files.
  expect(res.headers.get('content-security-policy'), path).not.toMatch(/unsafe-inline|unsafe-eval|\*|data:/)
  expect(res.headers.get('x-content-type-options'), path).toBe('nosniff')
  expect(res.headers.get('x-frame-options'), path).toBe('DENY')
  expect(res.headers.get('referrer-policy'), path).toBe('no-referrer')
}

describe('HTTP hardening', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('sends the security headers on the web app, the API and health, and HSTS only under TLS', async () => {
    const web = tempDir()
    cleanup.add(web.remove)
    mkdirSync(join(web.dir, 'assets'))
    writeFileSync(join(web.dir, 'index.html'), '<!doctype html><title>app</title><script type="module" src="/assets/app.js"></script>')
    writeFileSync(join(web.dir, 'assets', 'app.js'), 'console.log(1)')
    const app = createHttpApp({ ...deps, webRoot: web.dir })
    for (const path of ['/', '/chat/someone', '/assets/app.js', '/api/rendezvous', '/api/policy', '/healthz', '/metrics']) {
      const res = await app.request(path)
      expect(res.status, path).toBe(200)
      expectHardened(res, path)
      expect(res.headers.get('strict-transport-security'), path).toBeNull()
    }
    // The app loads attachment previews from blob: URLs and reaches the node over WebSockets.
    const policy = csp(await app.request('/'))
    expect(policy.get('img-src')).toEqual(["'self'", 'blob:'])
    expect(policy.get('connect-src')).toEqual(["'self'", 'blob:', 'ws:', 'wss:'])
    const tls = createHttpApp({ ...deps, webRoot: web.dir, tls: true })
    expect((await tls.request('/')).headers.get('strict-transport-security')).toMatch(/^max-age=\d{8}/)
  })

  it('serves a web app build that needs no inline script or style', () => {
    const built = join(import.meta.dirname, '../../web/index.html')
    const html = readFileSync(built, 'utf8')
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i)
    // Every script is an external file.
    for (const tag of html.match(/<script[^>]*>[\s\S]*?<\/script>/gi) ?? []) expect(tag).toMatch(/<script[^>]*\ssrc=[^>]*>\s*<\/script>/)
  })

  it('keeps /metrics on the web listener only while that listener is loopback', () => {
    expect(metricsPlacement('127.0.0.1:8787', undefined, '127.0.0.1:8788')).toEqual({ onHttp: true })
    expect(metricsPlacement('localhost:8787', undefined, '127.0.0.1:8788')).toEqual({ onHttp: true })
    expect(metricsPlacement('[::1]:8787', undefined, '127.0.0.1:8788')).toEqual({ onHttp: true })
    expect(metricsPlacement('0.0.0.0:8787', undefined, '127.0.0.1:8788')).toEqual({ onHttp: false, listener: '127.0.0.1:8788' })
    expect(metricsPlacement('[::]:8787', undefined, '127.0.0.1:8788')).toEqual({ onHttp: false, listener: '127.0.0.1:8788' })
    expect(metricsPlacement('chat.example.org:443', undefined, '127.0.0.1:8788')).toEqual({ onHttp: false, listener: '127.0.0.1:8788' })
    expect(metricsPlacement('127.0.0.1:8787', '127.0.0.1:9100', '127.0.0.1:8788')).toEqual({ onHttp: false, listener: '127.0.0.1:9100' })
    expect(metricsPlacement('0.0.0.0:8787', false, '127.0.0.1:8788')).toEqual({ onHttp: false })
  })

  it('answers /metrics with 404 on a public web listener and serves it on its own listener', async () => {
    const data = tempDir()
    cleanup.add(data.remove)
    const web = tempDir()
    cleanup.add(web.remove)
    writeFileSync(join(web.dir, 'index.html'), '<title>app</title>')
    // Bound to every interface (a public node), asked through 127.0.0.1.
    const node = new RendezvousNode({
      dataDir: data.dir,
      webRoot: web.dir,
      config: resolveConfig({ listen: ['/ip4/127.0.0.1/tcp/0'], http: '0.0.0.0:0', metrics: '127.0.0.1:0' })
    })
    const info = await node.start()
    cleanup.add(async () => { await node.stop() })
    const http = (info.http as string).replace('0.0.0.0', '127.0.0.1')
    const onWeb = await fetch(`${http}/metrics`)
    expect(onWeb.status).toBe(404)
    expect(await onWeb.text()).not.toContain('babacloud_')
    expectHardened(await fetch(`${http}/`), '/')
    expect(info.metrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
    expect(info.metrics?.startsWith(http)).toBe(false)
    const metrics = await fetch(info.metrics as string)
    expect(metrics.status).toBe(200)
    expect(await metrics.text()).toContain('babacloud_connections')
    // Scripts find it where they find the rest.
    expect(JSON.parse(readFileSync(join(data.dir, 'rendezvous.json'), 'utf8'))).toMatchObject({ metrics: info.metrics })
  })

  it('keeps /metrics on a loopback web listener', async () => {
    const data = tempDir()
    cleanup.add(data.remove)
    const node = new RendezvousNode({ dataDir: data.dir, config: resolveConfig({ listen: ['/ip4/127.0.0.1/tcp/0'], http: '127.0.0.1:0' }) })
    const info = await node.start()
    cleanup.add(async () => { await node.stop() })
    expect(info.metrics).toBe(`${info.http as string}/metrics`)
    expect(await (await fetch(info.metrics as string)).text()).toContain('babacloud_connections')
  })
})
