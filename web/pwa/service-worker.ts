// The app's service worker: keeps the built app shell so the app opens while its node is down (the
// outbox and the local history live in IndexedDB already). The build (web/pwa/build-plugin.ts)
// replaces PRECACHE with the files it wrote and a version made of their content hashes, so every
// build is a new cache and the old one is dropped when the new worker takes over.
// Compiled on its own (no imports) into dist/web/sw.js; the DOM lib has no worker types, hence the
// small local ones.

interface PrecacheManifest { version: string, files: string[] }
declare const PRECACHE: PrecacheManifest

interface ExtendableEvent extends Event { waitUntil(p: Promise<unknown>): void }
interface FetchEvent extends ExtendableEvent { request: Request, respondWith(r: Promise<Response>): void }
interface WorkerScope {
  location: Location
  registration: { scope: string }
  clients: { claim(): Promise<void> }
  skipWaiting(): Promise<void>
  addEventListener(type: 'install' | 'activate', fn: (e: ExtendableEvent) => void): void
  addEventListener(type: 'fetch', fn: (e: FetchEvent) => void): void
}

const sw = self as unknown as WorkerScope
const CACHE = `babacloud-shell-${PRECACHE.version}`
const PREFIX = 'babacloud-shell-'
/** A node that is slow rather than down: after this, a navigation is answered from the cache. */
const NAVIGATION_TIMEOUT_MS = 4000
/** Live data, never from a cache: the node's addresses, policy, health, metrics. */
const NEVER_CACHED = /^\/(api|metrics|healthz|webhooks)(\/|$)/

const scope = new URL(sw.registration.scope)
const url = (file: string): string => new URL(file, scope).href
const precached = new Set(PRECACHE.files.map(url))
const shell = url('index.html')

sw.addEventListener('install', e => {
  e.waitUntil((async () => {
    const cache = await caches.open(CACHE)
    // `reload`: straight from the node, never an HTTP-cached copy of an older build.
    await cache.addAll(PRECACHE.files.map(f => new Request(url(f), { cache: 'reload' })))
    await sw.skipWaiting()
  })())
})

sw.addEventListener('activate', e => {
  e.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name)
    }
    await sw.clients.claim()
  })())
})

async function fromCache (request: Request | string): Promise<Response | undefined> {
  return await (await caches.open(CACHE)).match(request)
}

/** Pages: the node's current index.html when it answers, else the cached shell. */
async function navigate (request: Request): Promise<Response> {
  try {
    const res = await fetch(request, { signal: AbortSignal.timeout(NAVIGATION_TIMEOUT_MS) })
    if (res.ok) return res
    return (await fromCache(shell)) ?? res
  } catch (err) {
    const cached = await fromCache(shell)
    if (cached != null) return cached
    throw err
  }
}

/** Built files have content-hashed names (or belong to this build): the cache is always right. */
async function asset (request: Request): Promise<Response> {
  return (await fromCache(request)) ?? await fetch(request)
}

sw.addEventListener('fetch', e => {
  const request = e.request
  if (request.method !== 'GET') return
  const target = new URL(request.url)
  if (target.origin !== scope.origin || NEVER_CACHED.test(target.pathname)) return
  if (request.mode === 'navigate') e.respondWith(navigate(request))
  else if (precached.has(target.origin + target.pathname)) e.respondWith(asset(request))
})
