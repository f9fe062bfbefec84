// HTTP routes of a rendezvous node: the web app, health, metrics and the node's addresses.
// Thin routes: each calls into the node and returns.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'

export interface HttpAppDeps {
  peerId(): string
  multiaddrs(): string[]
  metricsText(): Promise<string>
  /** The privacy policy in force; clients show a notice when its version changes. */
  policy(): { version: number, text: string }
  /** Built web app (Vite output); a short notice is served when it has not been built. */
  webRoot?: string
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>BabaCloud Chat</title>
<p>This rendezvous node is running. The web app has not been built: run <code>npm run build</code>.</p>`

export function createHttpApp (deps: HttpAppDeps): Hono {
  const app = new Hono()
  app.get('/healthz', c => c.json({ status: 'ok', peerId: deps.peerId() }))
  app.get('/metrics', async c => c.text(await deps.metricsText(), 200, { 'content-type': 'text/plain; version=0.0.4' }))
  // The web app learns its rendezvous from the page's own origin.
  app.get('/api/rendezvous', c => c.json({ peerId: deps.peerId(), multiaddrs: deps.multiaddrs() }))
  app.get('/api/policy', c => c.json(deps.policy()))
  const webRoot = deps.webRoot
  if (webRoot != null && existsSync(join(webRoot, 'index.html'))) {
    app.use('/*', serveStatic({ root: webRoot }))
    app.get('*', serveStatic({ root: webRoot, path: 'index.html' }))
  } else {
    app.get('/', c => c.html(NOT_BUILT))
  }
  return app
}
