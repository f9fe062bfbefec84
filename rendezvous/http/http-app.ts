// HTTP routes of a rendezvous node: the web app, health, metrics and the node's addresses, all
// behind Hono's secure headers. Thin routes: each calls into the node and returns.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { secureHeaders } from 'hono/secure-headers'
import { webhookStatus } from '../billing/errors.ts'
import type { WebhookOutcome } from '../billing/stripe-webhooks.ts'
import type { IceServer, RendezvousApiInfo } from '../../protocol/rendezvous-api.ts'

export interface HttpAppDeps {
  peerId(): string
  multiaddrs(): string[]
  /** STUN/TURN servers for the web app's WebRTC (config `iceServers`). */
  iceServers?(): IceServer[]
  /** Largest attachment this node stores (config `attachments.maxBytes`, ciphertext bytes). */
  attachmentMaxBytes?(): number
  /** Prometheus text for /metrics; absent: /metrics is served on its own listener (404 here). */
  metricsText?(): Promise<string>
  /** Served over HTTPS: browsers are told to keep to it (HSTS). */
  tls?: boolean
  /** The privacy policy in force; clients show a notice when its version changes. */
  policy(): { version: number, text: string }
  /** Verifies and applies a Stripe webhook (BillingService.handleWebhook); absent: 404. */
  stripeWebhook?(rawBody: Uint8Array, signature: string | undefined): Promise<WebhookOutcome>
  /** Built web app (Vite output); a short notice is served when it has not been built. */
  webRoot?: string
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>BabaCloud Chat</title>
<p>This rendezvous node is running. The web app has not been built: run <code>npm run build</code>.</p>`

/**
 * The app keeps its identity key and history in IndexedDB: a script injected into the page is a
 * full compromise, so nothing but the app's own files may run or style it. `blob:` images are the
 * attachment previews (made by the page itself, so reading them back sends nothing anywhere);
 * `ws:`/`wss:` the libp2p WebSocket to the node, whose port (and, behind a proxy, host) differs
 * from the page's. WebRTC is not subject to CSP. Frames: none, either way.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'blob:'],
  connectSrc: ["'self'", 'blob:', 'ws:', 'wss:'],
  manifestSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"]
}

/**
 * Caching of the built app. Vite's files under assets/ carry a content hash in their name: forever.
 * The service worker must always be checked (a new build means a new sw.js; browsers cap its HTTP
 * cache at a day anyway) and controls the whole origin; index.html names the current build.
 */
export function webCacheHeaders (file: string): Record<string, string> {
  if (file === 'sw.js') return { 'cache-control': 'no-cache', 'service-worker-allowed': '/' }
  if (file.startsWith('assets/')) return { 'cache-control': 'public, max-age=31536000, immutable' }
  return { 'cache-control': 'no-cache' }
}

function hardened (tls: boolean): ReturnType<typeof secureHeaders> {
  return secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    xContentTypeOptions: 'nosniff',
    // Only where the page came over TLS: on plain HTTP the header is ignored, and on a node reached
    // by name it would pin that name to HTTPS for a year before the operator meant it to.
    strictTransportSecurity: tls ? 'max-age=31536000' : false
  })
}

const PROMETHEUS = { 'content-type': 'text/plain; version=0.0.4' }

export function createHttpApp (deps: HttpAppDeps): Hono {
  const app = new Hono()
  app.use('*', hardened(deps.tls === true))
  app.get('/healthz', c => c.json({ status: 'ok', peerId: deps.peerId() }))
  const metricsText = deps.metricsText
  // Explicitly 404 rather than falling through to the web app's index.html.
  if (metricsText == null) app.get('/metrics', c => c.text('not found', 404))
  else app.get('/metrics', async c => c.text(await metricsText(), 200, PROMETHEUS))
  // The web app learns its rendezvous from the page's own origin.
  app.get('/api/rendezvous', c => {
    const info: RendezvousApiInfo = { peerId: deps.peerId(), multiaddrs: deps.multiaddrs(), iceServers: deps.iceServers?.() ?? [], ...(deps.attachmentMaxBytes != null ? { attachmentMaxBytes: deps.attachmentMaxBytes() } : {}) }
    return c.json(info)
  })
  app.get('/api/policy', c => c.json(deps.policy()))
  const stripeWebhook = deps.stripeWebhook
  if (stripeWebhook != null) {
    // The signature covers the exact bytes Stripe sent: read them raw, never re-serialise.
    // Stripe events are a few KiB; anything far larger is not one and is not read into memory.
    app.post('/webhooks/stripe', bodyLimit({ maxSize: 1024 * 1024, onError: c => c.json({ error: 'body too large' }, 413) }), async c => {
      try {
        const outcome = await stripeWebhook(new Uint8Array(await c.req.arrayBuffer()), c.req.header('stripe-signature'))
        return c.json({ received: true, duplicate: outcome.duplicate })
      } catch (err) {
        const status = webhookStatus(err)
        return c.json({ error: status === 500 ? 'internal error' : (err as Error).message }, status)
      }
    })
  }
  const webRoot = deps.webRoot
  if (webRoot != null && existsSync(join(webRoot, 'index.html'))) {
    app.use('/*', async (c, next) => {
      await next()
      // A missing asset falls back to index.html, which must not be kept under the asset's name.
      const file = c.res.headers.get('content-type')?.startsWith('text/html') === true ? 'index.html' : c.req.path.replace(/^\/+/, '')
      for (const [name, value] of Object.entries(webCacheHeaders(file))) c.res.headers.set(name, value)
    })
    app.use('/*', serveStatic({ root: webRoot }))
    app.get('*', serveStatic({ root: webRoot, path: 'index.html' }))
  } else {
    app.get('/', c => c.html(NOT_BUILT))
  }
  return app
}

/** /metrics alone, for its own listener (loopback by default) when the web app's is public. */
export function createMetricsApp (metricsText: () => Promise<string>): Hono {
  const app = new Hono()
  app.use('*', hardened(false))
  app.get('/metrics', async c => c.text(await metricsText(), 200, PROMETHEUS))
  return app
}
