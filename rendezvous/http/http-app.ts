// HTTP routes of a rendezvous node: the web app, health, metrics and the node's addresses.
// Thin routes: each calls into the node and returns.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { webhookStatus } from '../billing/errors.ts'
import type { WebhookOutcome } from '../billing/stripe-webhooks.ts'

export interface HttpAppDeps {
  peerId(): string
  multiaddrs(): string[]
  metricsText(): Promise<string>
  /** The privacy policy in force; clients show a notice when its version changes. */
  policy(): { version: number, text: string }
  /** Verifies and applies a Stripe webhook (BillingService.handleWebhook); absent: 404. */
  stripeWebhook?(rawBody: Uint8Array, signature: string | undefined): Promise<WebhookOutcome>
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
    app.use('/*', serveStatic({ root: webRoot }))
    app.get('*', serveStatic({ root: webRoot, path: 'index.html' }))
  } else {
    app.get('/', c => c.html(NOT_BUILT))
  }
  return app
}
