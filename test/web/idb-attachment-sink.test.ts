// The browser AttachmentSink on real IndexedDB in Chromium: a committed file survives a reopen with
// its exact bytes, an aborted one leaves nothing, a file of another peer or direction never replaces
// one under the same id (attachment spoofing), and a version 1 database gains the store in place.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeInChromium, launchBrowser, removeDir } from '../helpers/browser.ts'
import { openModulePage, startWebDevServer } from './browser-modules.ts'
import type { WebImport } from './browser-modules.ts'
import type { BrowserSession } from '../helpers/browser.ts'
import type { ViteDevServer } from 'vite'


describeInChromium('IdbAttachmentSink in Chromium', () => {
  let server: ViteDevServer
  let browser: BrowserSession

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

  it('keeps committed files across a reopen and nothing of aborted ones', async () => {
    const result = await browser.page.evaluate(async () => {
      const { webImport } = globalThis as unknown as { webImport: WebImport }
      const { openAppDb } = await webImport<typeof import('../../web/store/app-db.ts')>('/store/app-db.ts')
      const { IdbAttachmentSink } = await webImport<typeof import('../../web/store/idb-attachment-sink.ts')>('/store/idb-attachment-sink.ts')
      let db = await openAppDb('sink-test')
      let sink = new IdbAttachmentSink(db)
      const meta = { id: 'ab'.repeat(16), from: 'peer-a', name: 'photo.png', mime: 'image/png', size: 5 }
      const writer = await sink.open(meta)
      await writer.write(Uint8Array.of(1, 2, 3))
      await writer.write(Uint8Array.of(4, 5))
      const pendingBeforeCommit = await sink.has([meta.id])
      const location = await writer.commit()
      const dropped = await sink.open({ ...meta, id: 'cd'.repeat(16) })
      await dropped.write(Uint8Array.of(9))
      await dropped.abort()
      db.close()
      db = await openAppDb('sink-test')
      sink = new IdbAttachmentSink(db)
      const record = await sink.get(meta.id)
      const present = await sink.has([meta.id, 'cd'.repeat(16)])
      db.close()
      return { location, pendingBeforeCommit, present, bytes: [...(record?.bytes ?? [])], record: record == null ? undefined : { ...record, bytes: undefined, savedAt: undefined } }
    })
    expect(result.pendingBeforeCommit).toEqual([false])
    expect(result.location).toBe(`idb:${'ab'.repeat(16)}`)
    expect(result.present).toEqual([true, false])
    expect(result.bytes).toEqual([1, 2, 3, 4, 5])
    expect(result.record).toMatchObject({ id: 'ab'.repeat(16), peer: 'peer-a', direction: 'in', name: 'photo.png', mime: 'image/png', size: 5 })
  })

  it('never replaces a file with one of another peer or direction under the same id', async () => {
    const result = await browser.page.evaluate(async () => {
      const { webImport } = globalThis as unknown as { webImport: WebImport }
      const { openAppDb } = await webImport<typeof import('../../web/store/app-db.ts')>('/store/app-db.ts')
      const { IdbAttachmentSink } = await webImport<typeof import('../../web/store/idb-attachment-sink.ts')>('/store/idb-attachment-sink.ts')
      const db = await openAppDb('spoof-test')
      const sink = new IdbAttachmentSink(db)
      const meta = { id: 'ef'.repeat(16), from: 'peer-a', name: 'photo.png', mime: 'image/png', size: 1 }
      const save = async (from: string, byte: number): Promise<string> => {
        const writer = await sink.open({ ...meta, from })
        await writer.write(Uint8Array.of(byte))
        return await writer.commit().catch((err: Error & { code?: string }) => `${err.name}:${err.code ?? ''}`)
      }
      const first = await save('peer-a', 1)
      const stranger = await save('peer-b', 2)
      const again = await save('peer-a', 3)
      await sink.put({ id: '01'.repeat(16), peer: 'peer-a', direction: 'out', name: 'mine.txt', mime: 'text/plain', size: 1, bytes: Uint8Array.of(7), savedAt: 1 })
      const echo = await sink.put({ id: '01'.repeat(16), peer: 'peer-a', direction: 'in', name: 'mine.txt', mime: 'text/plain', size: 1, bytes: Uint8Array.of(8), savedAt: 2 })
        .then(() => 'stored', (err: Error & { code?: string }) => `${err.name}:${err.code ?? ''}`)
      const record = await sink.get(meta.id)
      const mine = await sink.get('01'.repeat(16))
      db.close()
      return { first, stranger, again, echo, peer: record?.peer, bytes: [...(record?.bytes ?? [])], mine: [...(mine?.bytes ?? [])] }
    })
    expect(result.first).toBe(`idb:${'ef'.repeat(16)}`)
    expect(result.stranger).toBe('AttachmentError:CONFLICT')
    expect(result.echo).toBe('AttachmentError:CONFLICT')
    // The same peer may store its own attachment again (a retry), nobody else can.
    expect(result.again).toBe(`idb:${'ef'.repeat(16)}`)
    expect(result).toMatchObject({ peer: 'peer-a', bytes: [3], mine: [7] })
  })

  it('upgrades a version 1 database without losing what it holds', async () => {
    const result = await browser.page.evaluate(async () => {
      const { webImport } = globalThis as unknown as { webImport: WebImport }
      await new Promise<void>((resolve, reject) => {
        const req = indexedDB.open('upgrade-test', 1)
        req.onupgradeneeded = () => {
          const db = req.result
          const messages = db.createObjectStore('messages', { keyPath: 'seq', autoIncrement: true })
          messages.createIndex('id', 'id', { unique: true })
          messages.createIndex('peer', 'peer')
          for (const name of ['values', 'identity', 'paths', 'settings']) db.createObjectStore(name)
          db.createObjectStore('contacts', { keyPath: 'peerId' })
          db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true })
        }
        req.onsuccess = () => {
          const db = req.result
          const tx = db.transaction('contacts', 'readwrite')
          tx.objectStore('contacts').put({ peerId: 'peer-a', nickname: 'A', addedAt: 1 })
          tx.oncomplete = () => { db.close(); resolve() }
          tx.onerror = () => { reject(tx.error) }
        }
        req.onerror = () => { reject(req.error) }
      })
      const { openAppDb, DB_VERSION } = await webImport<typeof import('../../web/store/app-db.ts')>('/store/app-db.ts')
      const db = await openAppDb('upgrade-test')
      const contact = await db.get('contacts', 'peer-a')
      const stores = [...db.objectStoreNames]
      db.close()
      return { contact, stores, version: db.version, latest: DB_VERSION }
    })
    expect(result.version).toBe(result.latest)
    expect(result.contact).toEqual({ peerId: 'peer-a', nickname: 'A', addedAt: 1 })
    expect(result.stores).toContain('attachments')
    expect(result.stores).toContain('deleted')
  })
})
