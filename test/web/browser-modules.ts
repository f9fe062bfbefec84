// Loads web/ modules into a real Chromium page through Vite's dev server, and a Node-side ChatStore
// that forwards every call to an IdbChatStore living in that page, so the shared compliance suite
// runs against real IndexedDB.
import { join, resolve } from 'node:path'
import { createServer } from 'vite'
import type { ChatMessage, ChatStore, MessagePage, MessageQuery, MessageUpdate, OutboxEntry } from '../../protocol/store/chat-store.ts'
import type { Page } from 'playwright-core'
import type { ViteDevServer } from 'vite'

const ROOT = resolve(import.meta.dirname, '../..')

/** A dev server for web/ on loopback; no HTML fallback, pages only import modules from it. */
export async function startWebDevServer (): Promise<{ server: ViteDevServer, url: string }> {
  const server = await createServer({
    configFile: join(ROOT, 'vite.config.ts'),
    appType: 'custom',
    logLevel: 'silent',
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, ws: false }
  })
  await server.listen()
  const address = server.httpServer?.address()
  if (address == null || typeof address === 'string') throw new Error('dev server has no address')
  return { server, url: `http://127.0.0.1:${address.port}` }
}

/**
 * Opens a blank page on the dev server's origin that offers `webImport(path)`: a dynamic import
 * written in the page itself, because vitest rewrites `import()` inside functions handed to
 * `page.evaluate`.
 */
export async function openModulePage (page: Page, origin: string): Promise<void> {
  const url = `${origin}/__module-page`
  await page.route(url, async route => {
    await route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><title>modules</title><script type="module">globalThis.webImport = (path) => import(path)</script>'
    })
  })
  await page.goto(url)
  await page.waitForFunction(() => 'webImport' in globalThis)
}

/** What `webImport` is inside the page. */
export type WebImport = <T>(path: string) => Promise<T>

type Wire = unknown

/** Uint8Arrays cross the Node/page boundary as `{ u8: number[] }`. */
function toWire (value: unknown): Wire {
  if (value instanceof Uint8Array) return { u8: [...value] }
  if (Array.isArray(value)) return value.map(toWire)
  if (value != null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]))
  return value
}

function fromWire (value: Wire): unknown {
  if (Array.isArray(value)) return value.map(fromWire)
  if (value != null && typeof value === 'object') {
    const o = value as Record<string, unknown>
    if (Array.isArray(o.u8) && Object.keys(o).length === 1) return Uint8Array.from(o.u8 as number[])
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fromWire(v)]))
  }
  return value
}

/** Opens (or reopens) an IdbChatStore on database `dbName` inside `page`. */
export async function openBrowserStore (page: Page, dbName: string): Promise<ChatStore> {
  await page.evaluate(async (name: string) => {
    const g = globalThis as unknown as { stores?: Record<string, unknown>, webImport: WebImport }
    const { openAppDb } = await g.webImport<typeof import('../../web/store/app-db.ts')>('/store/app-db.ts')
    const { IdbChatStore } = await g.webImport<typeof import('../../web/store/idb-chat-store.ts')>('/store/idb-chat-store.ts')
    g.stores ??= {}
    g.stores[name] = new IdbChatStore(await openAppDb(name))
  }, dbName)
  return new BrowserChatStore(page, dbName)
}

class BrowserChatStore implements ChatStore {
  readonly #page: Page
  readonly #name: string

  constructor (page: Page, name: string) {
    this.#page = page
    this.#name = name
  }

  async #call (method: keyof ChatStore, ...args: unknown[]): Promise<unknown> {
    const result = await this.#page.evaluate(async ({ name, method, args }) => {
      const decode = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(decode)
        if (v != null && typeof v === 'object') {
          const o = v as Record<string, unknown>
          if (Array.isArray(o.u8) && Object.keys(o).length === 1) return Uint8Array.from(o.u8 as number[])
          return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decode(x)]))
        }
        return v
      }
      const encode = (v: unknown): unknown => {
        if (v instanceof Uint8Array) return { u8: [...v] }
        if (Array.isArray(v)) return v.map(encode)
        if (v != null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]))
        return v
      }
      const store = (globalThis as unknown as { stores: Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>> }).stores[name]
      return encode(await store[method](...(decode(args) as unknown[])))
    }, { name: this.#name, method, args: toWire(args) as unknown[] })
    return fromWire(result)
  }

  async addMessage (message: ChatMessage, outbox?: OutboxEntry): Promise<boolean> { return await this.#call('addMessage', message, outbox) as boolean }
  async addMessages (messages: ChatMessage[]): Promise<boolean[]> { return await this.#call('addMessages', messages) as boolean[] }
  async getMessage (id: string): Promise<ChatMessage | undefined> { return await this.#call('getMessage', id) as ChatMessage | undefined }
  async updateMessage (id: string, update: MessageUpdate): Promise<ChatMessage | undefined> { return await this.#call('updateMessage', id, update) as ChatMessage | undefined }
  async putOutbox (entry: OutboxEntry): Promise<void> { await this.#call('putOutbox', entry) }
  async listOutbox (): Promise<OutboxEntry[]> { return await this.#call('listOutbox') as OutboxEntry[] }
  async deleteOutbox (id: string): Promise<void> { await this.#call('deleteOutbox', id) }
  async deleteMessage (id: string): Promise<void> { await this.#call('deleteMessage', id) }
  async listMessages (query?: MessageQuery): Promise<ChatMessage[]> { return await this.#call('listMessages', query) as ChatMessage[] }
  async pageMessages (after: number, limit: number): Promise<MessagePage> { return await this.#call('pageMessages', after, limit) as MessagePage }
  async countMessages (): Promise<number> { return await this.#call('countMessages') as number }
  async getValue (key: string): Promise<Uint8Array | undefined> { return await this.#call('getValue', key) as Uint8Array | undefined }
  async setValue (key: string, value: Uint8Array): Promise<void> { await this.#call('setValue', key, value) }
  async deleteValue (key: string): Promise<void> { await this.#call('deleteValue', key) }
  async listValues (prefix?: string): Promise<Array<[string, Uint8Array]>> { return await this.#call('listValues', prefix) as Array<[string, Uint8Array]> }
  async close (): Promise<void> { await this.#call('close') }
}
