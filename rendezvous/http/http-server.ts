// Starting and stopping the node's HTTP listeners (web app, and /metrics on its own when needed).
import { createServer as createHttpsServer } from 'node:https'
import { serve } from '@hono/node-server'
import { AddressInUseError, isAddressInUse } from '../listen-error.ts'
import { networkOf } from '../limits/network-prefix.ts'
import type { ServerType } from '@hono/node-server'
import type { Hono } from 'hono'
import type { AddressInfo } from 'node:net'

export interface HttpListener {
  server: ServerType
  /** `http://127.0.0.1:8787`, with the port actually bound. */
  url: string
}

/** Splits `HOST:PORT` (`[::1]:80` too); a clear error for anything else. */
export function parseHostPort (hostPort: string, flag: string): { host: string, port: number } {
  const m = /^(.*):(\d+)$/.exec(hostPort)
  if (m == null || m[1] === '' || Number(m[2]) > 65535) throw new Error(`${flag} expects HOST:PORT, got ${hostPort}`)
  return { host: m[1].replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) }
}

/** Whether a listener on `host` is reachable from this machine only. */
export function isLoopbackHost (host: string): boolean {
  return host.toLowerCase() === 'localhost' || networkOf(host)?.loopback === true
}

/**
 * Where /metrics is served: on the web app's listener only while that is loopback; with a public one,
 * on a listener of its own (`metrics`, else `fallback` on loopback). `metrics: false`: nowhere.
 */
export function metricsPlacement (http: string | false, metrics: string | false | undefined, fallback: string): { onHttp: boolean, listener?: string } {
  if (metrics === false) return { onHttp: false }
  if (metrics != null) return { onHttp: false, listener: metrics }
  if (http === false) return { onHttp: false }
  return isLoopbackHost(parseHostPort(http, '--http').host) ? { onHttp: true } : { onHttp: false, listener: fallback }
}

export async function startHttpListener (app: Hono, hostPort: string, flag: string, tls?: { cert: Buffer, key: Buffer }): Promise<HttpListener> {
  const { host, port } = parseHostPort(hostPort, flag)
  return await new Promise<HttpListener>((resolve, reject) => {
    const options = { fetch: app.fetch, hostname: host, port, ...(tls == null ? {} : { createServer: createHttpsServer, serverOptions: tls }) }
    const server: ServerType = serve(options, (info: AddressInfo) => {
      resolve({ server, url: `${tls == null ? 'http' : 'https'}://${info.family === 'IPv6' ? `[${info.address}]` : info.address}:${info.port}` })
    })
    server.once('error', (err: Error) => { reject(isAddressInUse(err) ? new AddressInUseError(hostPort, flag) : err) })
  })
}

export async function closeHttpListener (listener: HttpListener | undefined): Promise<void> {
  if (listener == null) return
  const server = listener.server
  await new Promise<void>(resolve => {
    server.close(() => { resolve() })
    if ('closeAllConnections' in server) server.closeAllConnections()
  })
}
