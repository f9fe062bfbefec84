// Files as people expect them, between real Chromium browsers: a preview with a caption before
// anything leaves, the node's size limit stated before an upload, paste and drop, progress with
// Cancel on both sides (the recipient can fetch a cancelled file again), and files in a group.
import { createHash } from 'node:crypto'
import { expect, it } from 'vitest'
import { describeInChromium } from '../helpers/browser.ts'
import { addContact, openChat, sendMessage } from './harness.ts'
import { gradientPng } from './images.ts'
import { screenshotBothWidths } from './screenshots.ts'
import { useBrowserScenario } from './scenario.ts'
import type { Page } from 'playwright-core'

const DEADLINE = { timeout: 30_000 }
const SCENARIO_TIMEOUT = 180_000
const MB = 1024 * 1024

/** Drops a file made in the page onto the open conversation, as a drag from the desktop does. */
async function dropFile (page: Page, name: string, type: string, size: number): Promise<void> {
  await page.getByTestId('messages').evaluate((list: HTMLElement, f: { name: string, type: string, size: number }) => {
    const bytes = new Uint8Array(f.size)
    for (let i = 0; i < f.size; i += 997) bytes[i] = i & 0xff
    const data = new DataTransfer()
    data.items.add(new File([bytes], f.name, { type: f.type }))
    for (const type of ['dragenter', 'dragover', 'drop']) {
      list.dispatchEvent(new DragEvent(type, { bubbles: true, composed: true, cancelable: true, dataTransfer: data }))
    }
  }, { name, type, size })
}

/** Pastes a file into the composer, as Ctrl+V of a copied file does. */
async function pasteFile (page: Page, name: string, type: string, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).evaluate((box: HTMLElement, f: { name: string, type: string, text: string }) => {
    const data = new DataTransfer()
    data.items.add(new File([f.text], f.name, { type: f.type }))
    box.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, composed: true, cancelable: true, clipboardData: data }))
  }, { name, type, text })
}

/**
 * Presses the Cancel of the transfer row whose progress bar first shows bytes moving (its `value`
 * attribute above 0), from inside the page so no round trip lets the transfer finish first.
 * Resolves to the bytes shown then and the total.
 */
async function cancelWhenMoving (page: Page): Promise<{ done: number, total: number }> {
  return await page.getByTestId('transfer-progress').evaluate(async (bar: HTMLProgressElement) => await new Promise(resolve => {
    const check = (): boolean => {
      const done = Number(bar.getAttribute('value'))
      if (!(done > 0)) return false
      bar.closest('li')?.querySelector<HTMLButtonElement>('[data-testid="transfer-cancel"]')?.click()
      resolve({ done, total: Number(bar.getAttribute('max')) })
      return true
    }
    if (check()) return
    const watch = new MutationObserver(() => { if (check()) watch.disconnect() })
    watch.observe(bar, { attributes: true, attributeFilter: ['value'] })
  }), DEADLINE)
}

/** File names of the attachments in the open conversation's messages. */
async function fileNames (page: Page, side: 'in' | 'out'): Promise<string[]> {
  return await page.locator(`li.${side}[data-id] :is(figcaption, a[data-testid="attachment-file"])`).allInnerTexts()
}

describeInChromium('web app: files with preview, progress and cancel', () => {
  const { twoPeople } = useBrowserScenario()

  it('previews with a caption, refuses an over-limit file before upload, takes paste and drop, and cancels on both sides', async () => {
    const { rv, alice, bob, aliceId, bobId } = await twoPeople()
    await addContact(alice.page, bobId, 'Bob')
    await sendMessage(alice.page, 'Files are coming')
    await openChat(bob.page, rv.url, aliceId)
    await bob.page.locator('li.in[data-id]').waitFor(DEADLINE)
    await addContact(bob.page, aliceId, 'Alice')

    // Picked with the button: a preview with the picture, name, type and size; nothing leaves yet.
    await alice.page.locator('#attach-input').setInputFiles({ name: 'gradient.png', mimeType: 'image/png', buffer: gradientPng(64, 40) })
    await alice.page.getByTestId('file-preview-image').waitFor(DEADLINE)
    expect(await alice.page.getByTestId('file-preview-name').innerText()).toBe('gradient.png')
    expect(await alice.page.getByTestId('file-preview-meta').innerText()).toMatch(/image\/png · \d+(\.\d)? (B|KB)/)
    await alice.page.getByLabel('Caption (optional)').fill('The colours of the sunset')
    await screenshotBothWidths(alice.page, 'file-preview')
    await alice.page.getByTestId('file-preview-send').click()
    await expect.poll(async () => await alice.page.getByTestId('file-preview').count()).toBe(0)
    // The caption travels inside the encrypted offer and shows under the file on both sides.
    for (const [page, side] of [[alice.page, 'out'], [bob.page, 'in']] as const) {
      const item = page.locator(`li.${side}[data-id]`, { has: page.getByTestId('attachment-image') })
      await item.waitFor(DEADLINE)
      expect(await item.locator('.text').innerText()).toBe('The colours of the sunset')
    }

    // Cancel in the preview sends nothing.
    await pasteFile(alice.page, 'never.txt', 'text/plain', 'not sent')
    await alice.page.getByTestId('file-preview-name').waitFor(DEADLINE)
    await alice.page.getByTestId('file-preview').getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(async () => await alice.page.getByTestId('file-preview').count()).toBe(0)

    // Over the node's limit (25 MB by default): refused in the preview with the limit, no upload.
    await dropFile(alice.page, 'huge.bin', 'application/octet-stream', 26 * MB)
    const refusal = alice.page.getByTestId('file-too-large')
    await refusal.waitFor(DEADLINE)
    expect(await refusal.innerText()).toBe('This file is 26.0 MB; files can be at most 25.0 MB. Nothing was sent.')
    expect(await alice.page.getByTestId('file-preview-send').count()).toBe(0)
    expect(await alice.page.getByTestId('transfer').count()).toBe(0)
    await alice.page.getByTestId('file-preview').getByRole('button', { name: 'Cancel' }).click()

    // Pasted: the same preview, then it arrives.
    await pasteFile(alice.page, 'pasted.txt', 'text/plain', 'pasted from the clipboard\n')
    await alice.page.getByTestId('file-preview-send').click()
    await bob.page.locator('li.in a[data-testid="attachment-file"]', { hasText: 'pasted.txt' }).waitFor(DEADLINE)

    // The sender cancels a large file while it is on its way: it shows "Cancelled", and the
    // recipient never gets it (a later file arrives, this one does not).
    await dropFile(alice.page, 'big-video.bin', 'application/octet-stream', 20 * MB)
    await alice.page.getByTestId('file-preview-send').click()
    const sent = await cancelWhenMoving(alice.page)
    expect(sent.done).toBeGreaterThan(0)
    expect(sent.done).toBeLessThan(sent.total)
    const cancelledRow = alice.page.locator('li.transfer[data-state="cancelled"]', { hasText: 'big-video.bin' })
    await cancelledRow.waitFor(DEADLINE)
    expect(await cancelledRow.getByTestId('transfer-state').innerText()).toBe('Cancelled')
    await screenshotBothWidths(alice.page, 'file-cancelled')
    await pasteFile(alice.page, 'after.txt', 'text/plain', 'sent after the cancelled one\n')
    await alice.page.getByTestId('file-preview-send').click()
    await bob.page.locator('li.in a[data-testid="attachment-file"]', { hasText: 'after.txt' }).waitFor(DEADLINE)
    expect((await fileNames(bob.page, 'in')).some(n => n.includes('big-video.bin'))).toBe(false)
    expect((await fileNames(alice.page, 'out')).some(n => n.includes('big-video.bin'))).toBe(false)
    await cancelledRow.getByRole('button', { name: 'Dismiss big-video.bin' }).click()
    await expect.poll(async () => await cancelledRow.count()).toBe(0)

    // The recipient cancels a download while it comes in, then fetches it again.
    await dropFile(alice.page, 'report.bin', 'application/octet-stream', 20 * MB)
    await alice.page.getByTestId('file-preview-send').click()
    const got = await cancelWhenMoving(bob.page)
    expect(got.done).toBeLessThan(got.total)
    const bobRow = bob.page.locator('li.transfer[data-state="cancelled"]', { hasText: 'report.bin' })
    await bobRow.waitFor(DEADLINE)
    // The sender's side finishes (the file waits on the node for the recipient) ...
    await alice.page.locator('li.out a[data-testid="attachment-file"]', { hasText: 'report.bin' }).waitFor({ timeout: 60_000 })
    expect((await fileNames(bob.page, 'in')).some(n => n.includes('report.bin'))).toBe(false)
    // ... and Retry brings it, whole.
    await bobRow.getByRole('button', { name: 'Download report.bin again' }).click()
    const arrived = bob.page.locator('li.in a[data-testid="attachment-file"]', { hasText: 'report.bin' })
    await arrived.waitFor({ timeout: 60_000 })
    const size = await arrived.evaluate(async (a: HTMLAnchorElement) => (await (await fetch(a.href)).arrayBuffer()).byteLength)
    expect(size).toBe(20 * MB)
    await expect.poll(async () => await bob.page.getByTestId('transfer').count()).toBe(0)

    expect(alice.errors).toEqual([])
    expect(bob.errors).toEqual([])
  }, SCENARIO_TIMEOUT)

  it('an image sent in a group reaches another member, with its caption', async () => {
    const { rv, alice, bob, aliceId, bobId } = await twoPeople()
    await addContact(alice.page, bobId, 'Bob')
    await sendMessage(alice.page, 'Hi Bob')
    await openChat(bob.page, rv.url, aliceId)
    await bob.page.locator('li.in[data-id]').waitFor(DEADLINE)
    await addContact(bob.page, aliceId, 'Alice')

    await alice.page.goto(`${rv.url}/#/`)
    await alice.page.getByRole('link', { name: 'New group' }).click()
    await alice.page.getByLabel('Group name').fill('Photo club')
    await alice.page.getByLabel('Bob').check()
    await alice.page.getByRole('button', { name: 'Create group' }).click()
    await alice.page.getByRole('heading', { name: 'Photo club' }).waitFor(DEADLINE)
    const groupId = decodeURIComponent(new URL(alice.page.url()).hash.split('/')[2])
    await bob.page.goto(`${rv.url}/#/`)
    await bob.page.locator(`[data-testid="group-list"] a[data-group="${groupId}"]`).click(DEADLINE)
    await bob.page.getByRole('heading', { name: 'Photo club' }).waitFor(DEADLINE)

    // Dropped onto the group conversation, previewed, captioned, sent to every member.
    const png = gradientPng(32, 32)
    await alice.page.getByRole('button', { name: 'Attach a file' }).waitFor()
    await alice.page.getByTestId('messages').evaluate((list: HTMLElement, bytes: number[]) => {
      const data = new DataTransfer()
      data.items.add(new File([new Uint8Array(bytes)], 'club.png', { type: 'image/png' }))
      list.dispatchEvent(new DragEvent('dragover', { bubbles: true, composed: true, cancelable: true, dataTransfer: data }))
      list.dispatchEvent(new DragEvent('drop', { bubbles: true, composed: true, cancelable: true, dataTransfer: data }))
    }, [...png])
    await alice.page.getByTestId('file-preview-image').waitFor(DEADLINE)
    await alice.page.getByLabel('Caption (optional)').fill('Our first meeting')
    await alice.page.getByTestId('file-preview-send').click()

    const received = bob.page.locator(`li.in[data-from="${aliceId}"]`, { has: bob.page.getByTestId('attachment-image') })
    await received.waitFor(DEADLINE)
    expect(await received.locator('.from').innerText()).toBe('Alice')
    expect(await received.locator('.text').innerText()).toBe('Our first meeting')
    const hash = await received.getByTestId('attachment-image').evaluate(async (img: HTMLImageElement) => {
      const bytes = await (await fetch(img.src)).arrayBuffer()
      return Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), b => b.toString(16).padStart(2, '0')).join('')
    })
    expect(hash).toBe(createHash('sha256').update(png).digest('hex'))
    await alice.page.locator('li.out', { has: alice.page.getByTestId('attachment-image') }).waitFor(DEADLINE)
    await screenshotBothWidths(bob.page, 'group-image')

    expect(alice.errors).toEqual([])
    expect(bob.errors).toEqual([])
  }, SCENARIO_TIMEOUT)
})
