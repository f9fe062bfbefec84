// The shared ChatStore compliance suite against IdbChatStore on real IndexedDB in Chromium, plus the
// version 3 → 4 migration (one message model, the protocol outbox) and the JSON export.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeInChromium, launchBrowser, removeDir } from '../helpers/browser.ts'
import { chatStoreCompliance } from '../compliance/chat-store.ts'
import { openModulePage, openBrowserStore, startWebDevServer } from './browser-modules.ts'
import type { WebImport } from './browser-modules.ts'
import type { BrowserSession } from '../helpers/browser.ts'
import type { ViteDevServer } from 'vite'


describeInChromium('IndexedDB stores in Chromium', () => {
  let server: ViteDevServer
  let browser: BrowserSession
  let n = 0

  beforeAll(async () => {
    const dev = await startWebDevServer()
    server = dev.server
    browser = await launchBrowser()
    await openModulePage(browser.page, dev.url)
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    if (browser != null) await removeDir(browser.profileDir)
  })

  chatStoreCompliance('indexeddb', async () => {
    const name = `compliance-${++n}`
    return {
      store: await openBrowserStore(browser.page, name),
      reopen: async () => await openBrowserStore(browser.page, name)
    }
  }, { persistent: true })

  it('migrates a version 3 database to the one message model, keeps tombstones, and exports without secrets', async () => {
    const result = await browser.page.evaluate(async () => {
      const { webImport } = globalThis as unknown as { webImport: WebImport }
      const { openAppDb } = await webImport<typeof import('../../web/store/app-db.ts')>('/store/app-db.ts')
      const { AppData } = await webImport<typeof import('../../web/store/app-data.ts')>('/store/app-data.ts')
      const { IdbChatStore } = await webImport<typeof import('../../web/store/idb-chat-store.ts')>('/store/idb-chat-store.ts')
      // A database as version 3 of the app left it: paths beside the messages, a text-only outbox.
      const old = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('migrate-test', 3)
        req.onupgradeneeded = () => {
          const db = req.result
          const messages = db.createObjectStore('messages', { keyPath: 'seq', autoIncrement: true })
          messages.createIndex('id', 'id', { unique: true })
          messages.createIndex('peer', 'peer')
          for (const name of ['values', 'identity', 'paths', 'settings', 'deleted']) db.createObjectStore(name)
          db.createObjectStore('contacts', { keyPath: 'peerId' })
          db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true })
          db.createObjectStore('attachments', { keyPath: 'id' })
        }
        req.onsuccess = () => { resolve(req.result) }
        req.onerror = () => { reject(req.error) }
      })
      const tx = old.transaction(['messages', 'paths', 'attachments', 'deleted', 'outbox'], 'readwrite')
      tx.objectStore('messages').add({ id: 'a'.repeat(32), peer: 'peer-a', direction: 'out', text: 'hi', sentAt: 1, receivedAt: 1, status: 'stored' })
      tx.objectStore('messages').add({ id: 'b'.repeat(32), peer: 'peer-a', direction: 'out', text: 'cut off', sentAt: 2, receivedAt: 2, status: 'sending' })
      tx.objectStore('messages').add({ id: 'c'.repeat(32), peer: 'peer-a', direction: 'in', text: '', sentAt: 3, receivedAt: 3, status: 'received' })
      tx.objectStore('paths').put('mailbox', 'a'.repeat(32))
      tx.objectStore('attachments').put({ id: 'c'.repeat(32), peer: 'peer-a', direction: 'in', name: 'x.png', mime: 'image/png', size: 4, bytes: new Uint8Array(4), savedAt: 3 })
      tx.objectStore('deleted').put(1, 'd'.repeat(32))
      tx.objectStore('outbox').add({ peer: 'peer-a', text: 'first', queuedAt: 10 })
      tx.objectStore('outbox').add({ peer: 'peer-b', text: 'second', queuedAt: 11 })
      await new Promise<void>((resolve, reject) => { tx.oncomplete = () => { resolve() }; tx.onerror = () => { reject(tx.error) } })
      old.close()

      const db = await openAppDb('migrate-test')
      const store = new IdbChatStore(db)
      const data = new AppData(db)
      await data.saveIdentity({ seed: new Uint8Array(32).fill(7), peerId: 'me', createdAt: 1 })
      const messages = await store.listMessages()
      const outbox = await store.listOutbox()
      // Messages made from the old outbox (version 4) are in the 1:1 index made after them (version 5).
      const secondPeer = (await store.listMessages({ peer: 'peer-b' })).map(m => m.text)
      const tombstoneHolds = !await store.addMessage({ id: 'd'.repeat(32), peer: 'peer-a', direction: 'in', text: 'replayed', sentAt: 5, receivedAt: 5, status: 'received' })
      const exported = await data.exportAll()
      const stores = [...db.objectStoreNames]
      db.close()
      return { messages, outbox: outbox.map(e => ({ id: e.id, to: e.to, sealed: e.envelopes.length })), secondPeer, tombstoneHolds, exported: JSON.stringify(exported), stores }
    })
    expect(result.messages.slice(0, 3)).toMatchObject([
      { id: 'a'.repeat(32), status: 'stored', path: 'mailbox' },
      { id: 'b'.repeat(32), status: 'failed', error: 'interrupted before it was acknowledged' },
      { id: 'c'.repeat(32), status: 'received', attachment: { name: 'x.png', mime: 'image/png', size: 4 } }
    ])
    // Each old outbox item is now a queued message with its entry, in the old order.
    expect(result.messages.slice(3)).toMatchObject([{ peer: 'peer-a', text: 'first', status: 'queued' }, { peer: 'peer-b', text: 'second', status: 'queued' }])
    expect(result.outbox).toEqual([{ id: result.messages[3].id, to: 'peer-a', sealed: 0 }, { id: result.messages[4].id, to: 'peer-b', sealed: 0 }])
    expect(result.secondPeer).toEqual(['second'])
    expect(result.tombstoneHolds).toBe(true)
    expect(result.stores).not.toContain('paths')
    const exported = JSON.parse(result.exported)
    expect(exported).toMatchObject({
      format: 'babacloud-chat-export',
      peerId: 'me',
      messages: [{ text: 'hi', status: 'stored', path: 'mailbox' }, { text: 'cut off' }, { text: '' }, { text: 'first' }, { text: 'second' }],
      outbox: [{ to: 'peer-a', text: 'first' }, { to: 'peer-b', text: 'second' }]
    })
    expect(result.exported).not.toContain('seed')
    // The storage-only index key stays in storage.
    expect(result.exported).not.toContain('"direct"')
  })

  it('migrates a version 4 database: group history under `group:<id>` becomes real group messages, each in its own index', async () => {
    const g = 'e'.repeat(32)
    const result = await browser.page.evaluate(async (g: string) => {
      const { webImport } = globalThis as unknown as { webImport: WebImport }
      const { openAppDb } = await webImport<typeof import('../../web/store/app-db.ts')>('/store/app-db.ts')
      const { IdbChatStore } = await webImport<typeof import('../../web/store/idb-chat-store.ts')>('/store/idb-chat-store.ts')
      // A database as version 4 of the app left it: one `peer` index over every message.
      const old = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('migrate-v5', 4)
        req.onupgradeneeded = () => {
          const db = req.result
          const messages = db.createObjectStore('messages', { keyPath: 'seq', autoIncrement: true })
          messages.createIndex('id', 'id', { unique: true })
          messages.createIndex('peer', 'peer')
          for (const name of ['values', 'identity', 'settings', 'deleted']) db.createObjectStore(name)
          db.createObjectStore('contacts', { keyPath: 'peerId' })
          db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true }).createIndex('id', 'id', { unique: true })
          db.createObjectStore('attachments', { keyPath: 'id' })
        }
        req.onsuccess = () => { resolve(req.result) }
        req.onerror = () => { reject(req.error) }
      })
      const tx = old.transaction('messages', 'readwrite')
      const at = { sentAt: 1, receivedAt: 1 }
      tx.objectStore('messages').add({ id: '1'.repeat(32), peer: 'peer-a', direction: 'in', text: 'direct from a', status: 'received', ...at })
      tx.objectStore('messages').add({ id: '2'.repeat(32), peer: `group:${g}`, direction: 'in', text: 'a in g', status: 'received', group: g, sender: 'peer-a', ...at })
      tx.objectStore('messages').add({ id: '3'.repeat(32), peer: `group:${g}`, direction: 'out', text: 'me in g', status: 'stored', group: g, sender: 'me', ...at })
      tx.objectStore('messages').add({ id: '4'.repeat(32), peer: 'peer-a', direction: 'out', text: 'direct to a', status: 'delivered', ...at })
      await new Promise<void>((resolve, reject) => { tx.oncomplete = () => { resolve() }; tx.onerror = () => { reject(tx.error) } })
      old.close()

      const db = await openAppDb('migrate-v5')
      const store = new IdbChatStore(db)
      const texts = async (query: { peer?: string, group?: string }): Promise<string[]> => (await store.listMessages(query)).map(m => m.text)
      const out = {
        direct: await texts({ peer: 'peer-a' }),
        group: await store.listMessages({ group: g }),
        // The indexes themselves hold one kind of conversation each: nothing is filtered after reading.
        directIndex: (await db.getAllFromIndex('messages', 'direct')).map(m => m.text),
        groupIndex: (await db.getAllFromIndex('messages', 'group')).map(m => m.text),
        indexes: [...db.transaction('messages').store.indexNames]
      }
      db.close()
      return out
    }, g)
    expect(result.direct).toEqual(['direct from a', 'direct to a'])
    expect(result.group).toEqual([
      { id: '2'.repeat(32), peer: 'peer-a', direction: 'in', text: 'a in g', status: 'received', group: g, sender: 'peer-a', sentAt: 1, receivedAt: 1 },
      { id: '3'.repeat(32), peer: g, direction: 'out', text: 'me in g', status: 'stored', group: g, sender: 'me', sentAt: 1, receivedAt: 1 }
    ])
    expect(result.directIndex).toEqual(['direct from a', 'direct to a'])
    expect(result.groupIndex).toEqual(['a in g', 'me in g'])
    expect(result.indexes.sort()).toEqual(['direct', 'group', 'id'])
  })
})
