// The shared ChatStore compliance suite against IdbChatStore on real IndexedDB in Chromium, plus the
// web app's own records: outbox order across a reopen and the JSON export.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasChromium, launchBrowser, removeDir, reportMissingChromium } from '../helpers/browser.ts'
import { chatStoreCompliance } from '../compliance/chat-store.ts'
import { openModulePage, openBrowserStore, startWebDevServer } from './browser-modules.ts'
import type { WebImport } from './browser-modules.ts'
import type { BrowserSession } from '../helpers/browser.ts'
import type { ViteDevServer } from 'vite'

it('has Chromium for the IndexedDB tests (or says plainly that they did not run)', () => {
  reportMissingChromium()
  expect(true).toBe(true)
})

describe.runIf(hasChromium)('IndexedDB stores in Chromium', () => {
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

  it('keeps the outbox in order across a reopen and exports without secrets', async () => {
    const result = await browser.page.evaluate(async () => {
      const { webImport } = globalThis as unknown as { webImport: WebImport }
      const { openAppDb } = await webImport<typeof import('../../web/store/app-db.ts')>('/store/app-db.ts')
      const { Outbox } = await webImport<typeof import('../../web/store/outbox.ts')>('/store/outbox.ts')
      const { AppData } = await webImport<typeof import('../../web/store/app-data.ts')>('/store/app-data.ts')
      const { IdbChatStore } = await webImport<typeof import('../../web/store/idb-chat-store.ts')>('/store/idb-chat-store.ts')
      let db = await openAppDb('outbox-test')
      await new Outbox(db).add('peer-a', 'first', 1)
      await new Outbox(db).add('peer-b', 'second', 2)
      await new Outbox(db).add('peer-a', 'third', 3)
      const data = new AppData(db)
      await data.saveIdentity({ seed: new Uint8Array(32).fill(7), peerId: 'me', createdAt: 1 })
      await data.putContact({ peerId: 'peer-a', nickname: 'A', addedAt: 1 })
      await new IdbChatStore(db).addMessage({ id: 'a'.repeat(32), peer: 'peer-a', direction: 'out', text: 'hi', sentAt: 1, receivedAt: 1, status: 'stored' })
      await data.setPath('a'.repeat(32), 'mailbox')
      db.close()
      db = await openAppDb('outbox-test')
      const outbox = new Outbox(db)
      const all = (await outbox.list()).map(i => i.text)
      const forA = (await outbox.list('peer-a')).map(i => i.text)
      const first = (await outbox.list())[0]
      await outbox.remove(first.seq as number)
      const exported = await new AppData(db).exportAll()
      const count = await outbox.count()
      db.close()
      return { all, forA, count, exported: JSON.stringify(exported) }
    })
    expect(result.all).toEqual(['first', 'second', 'third'])
    expect(result.forA).toEqual(['first', 'third'])
    expect(result.count).toBe(2)
    const exported = JSON.parse(result.exported)
    expect(exported).toMatchObject({
      format: 'babacloud-chat-export',
      peerId: 'me',
      contacts: [{ peerId: 'peer-a', nickname: 'A' }],
      messages: [{ text: 'hi', status: 'stored', path: 'mailbox' }],
      outbox: [{ text: 'second' }, { text: 'third' }]
    })
    expect(result.exported).not.toContain('seed')
  })
})
