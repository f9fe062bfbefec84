// Files between two real Chromium browsers: an image sent from one shows as an inline preview on the
// other, made from the decrypted bytes, which equal the original and survive a reload.
import { createHash } from 'node:crypto'
import { expect, it } from 'vitest'
import { describeInChromium } from '../helpers/browser.ts'
import { addContact, createIdentity, openChat, sendMessage } from './harness.ts'
import { screenshotBothWidths } from './screenshots.ts'
import { gradientPng } from './images.ts'
import { useBrowserScenario } from './scenario.ts'

const DEADLINE = { timeout: 30_000 }
const SCENARIO_TIMEOUT = 120_000

describeInChromium('web app: attachments', () => {
  const { start, browser } = useBrowserScenario()

  it('an image from one browser shows as a preview on the other with the same bytes, also after a reload', async () => {
    const rv = await start()
    const [alice, bob] = await Promise.all([browser(), browser()])
    await Promise.all([alice.page.goto(rv.url), bob.page.goto(rv.url)])
    const [aliceId, bobId] = await Promise.all([createIdentity(alice.page), createIdentity(bob.page)])
    await addContact(alice.page, bobId, 'Bob')
    await sendMessage(alice.page, 'A picture is coming')
    await openChat(bob.page, rv.url, aliceId)
    await bob.page.locator('li.in[data-id]').waitFor(DEADLINE)
    await addContact(bob.page, aliceId, 'Alice')

    const png = gradientPng(48, 32)
    const digest = createHash('sha256').update(png).digest('hex')
    // The file button is a keyboard-reachable button that opens the (hidden) file input.
    await expect.poll(async () => await alice.page.getByRole('button', { name: 'Attach a file' }).isVisible()).toBe(true)
    await alice.page.locator('#attach-input').setInputFiles({ name: 'gradient.png', mimeType: 'image/png', buffer: png })
    // Nothing leaves before the person confirms it in the preview.
    await alice.page.getByTestId('file-preview-image').waitFor(DEADLINE)
    await alice.page.getByTestId('file-preview-send').click()
    // The sender sees its own preview once the file has left.
    await alice.page.locator('li.out img[data-testid="attachment-image"]').waitFor(DEADLINE)

    const preview = bob.page.locator('li.in img[data-testid="attachment-image"]')
    await preview.waitFor(DEADLINE)
    const seen = async (): Promise<{ width: number, height: number, hash: string }> => await preview.evaluate(async (img: HTMLImageElement) => {
      if (!img.complete) await new Promise(resolve => { img.addEventListener('load', resolve, { once: true }) })
      const bytes = await (await fetch(img.src)).arrayBuffer()
      const hash = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), b => b.toString(16).padStart(2, '0')).join('')
      return { width: img.naturalWidth, height: img.naturalHeight, hash }
    })
    expect(await seen()).toEqual({ width: 48, height: 32, hash: digest })
    expect(await preview.getAttribute('alt')).toBe('Image gradient.png')
    expect(await bob.page.locator('li.in figcaption').innerText()).toContain('gradient.png')
    await screenshotBothWidths(bob.page, 'image-preview')

    // Stored in IndexedDB: a reload shows the same picture again.
    await bob.page.reload()
    await preview.waitFor(DEADLINE)
    expect(await seen()).toEqual({ width: 48, height: 32, hash: digest })

    // Anything else is a download link with its name and size.
    await alice.page.locator('#attach-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('plain text file\n') })
    await alice.page.getByTestId('file-preview-send').click()
    const link = bob.page.locator('li.in a[data-testid="attachment-file"]')
    await link.waitFor(DEADLINE)
    expect(await link.innerText()).toContain('notes.txt')
    expect(await link.innerText()).toContain('16 B')
    expect(await link.getAttribute('download')).toBe('notes.txt')

    expect(alice.errors).toEqual([])
    expect(bob.errors).toEqual([])
  }, SCENARIO_TIMEOUT)
})
