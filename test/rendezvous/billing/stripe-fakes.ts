// Stripe stand-ins for tests: webhook events signed exactly as Stripe signs them
// (`Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.payload")`, by the SDK's own helper), and a
// loopback stand-in for api.stripe.com that the real SDK talks to over HTTP (as its API host).
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import Stripe from 'stripe'
import type { IncomingHttpHeaders, Server } from 'node:http'

export const WEBHOOK_SECRET = 'whsec_test_babacloud_0123456789abcdef'

let sequence = 0
const eventId = (): string => `evt_test_${randomBytes(8).toString('hex')}`
/** Seconds, increasing, so "newer event" comparisons follow creation order. */
const created = (): number => Math.floor(Date.now() / 1000) + sequence++

export interface TestEvent {
  id: string
  type: string
  created: number
  object: 'event'
  api_version: string
  data: { object: Record<string, unknown> }
}

export function event (type: string, object: Record<string, unknown>): TestEvent {
  return { id: eventId(), type, created: created(), object: 'event', api_version: Stripe.API_VERSION, data: { object } }
}

export function checkoutCompleted (accountId: string, plan: string, ids: { customer: string, subscription: string }): TestEvent {
  return event('checkout.session.completed', {
    id: `cs_test_${randomBytes(6).toString('hex')}`, object: 'checkout.session', mode: 'subscription', payment_status: 'paid', status: 'complete',
    client_reference_id: accountId, customer: ids.customer, subscription: ids.subscription, metadata: { plan }
  })
}

export function subscriptionEvent (type: 'customer.subscription.updated' | 'customer.subscription.deleted', ids: { customer: string, subscription: string }, status: string, plan = 'premium'): TestEvent {
  return event(type, { id: ids.subscription, object: 'subscription', customer: ids.customer, status, metadata: { plan }, items: { object: 'list', data: [] } })
}

export function invoiceEvent (type: 'invoice.paid' | 'invoice.payment_failed', ids: { customer: string, subscription: string }, invoice: { id: string, amount: number, currency?: string }): TestEvent {
  const paid = type === 'invoice.paid'
  const start = Math.floor(Date.UTC(2026, 10, 1) / 1000)
  return event(type, {
    id: invoice.id, object: 'invoice', customer: ids.customer, currency: invoice.currency ?? 'chf', status: paid ? 'paid' : 'open',
    amount_paid: paid ? invoice.amount : 0, amount_due: invoice.amount, period_start: start, period_end: start + 30 * 86_400,
    hosted_invoice_url: `https://invoice.stripe.com/i/${invoice.id}`, created: start,
    // The newer API's place for the subscription (older versions had `subscription` at the top).
    parent: { type: 'subscription_details', subscription_details: { subscription: ids.subscription, metadata: { plan: 'premium' } } }
  })
}

/** The body and `Stripe-Signature` header Stripe would send; `timestamp` in seconds. */
export function sign (evt: TestEvent, options: { secret?: string, timestamp?: number } = {}): { body: string, signature: string } {
  const body = JSON.stringify(evt)
  const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: options.secret ?? WEBHOOK_SECRET, timestamp: options.timestamp })
  return { body, signature }
}

export interface RecordedRequest { method: string, path: string, headers: IncomingHttpHeaders, form: URLSearchParams }

/** A tiny Stripe API on port 0 that records each request and answers like Stripe. */
export async function fakeStripe (): Promise<{ base: string, requests: RecordedRequest[], close(): Promise<void> }> {
  const requests: RecordedRequest[] = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => { body += d.toString() })
    req.on('end', () => {
      const form = new URLSearchParams(body)
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, form })
      res.setHeader('content-type', 'application/json')
      if (req.method === 'POST' && req.url === '/v1/checkout/sessions') {
        const id = `cs_test_${requests.length}`
        res.end(JSON.stringify({ id, object: 'checkout.session', mode: form.get('mode'), client_reference_id: form.get('client_reference_id'), url: `https://checkout.stripe.com/c/pay/${id}` }))
      } else if (req.method === 'DELETE' && req.url?.startsWith('/v1/subscriptions/') === true) {
        res.end(JSON.stringify({ id: req.url.split('/').pop(), object: 'subscription', status: 'canceled' }))
      } else {
        res.statusCode = 404
        res.end(JSON.stringify({ error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method ?? ''}: ${req.url ?? ''})` } }))
      }
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return { base: `http://127.0.0.1:${port}`, requests, close: async () => { await new Promise(resolve => server.close(resolve)) } }
}
