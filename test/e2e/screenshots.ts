// Screenshots of the main screens at phone and desktop width, for people to look at (test-results/).
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { SCREENSHOT_DIR } from './harness.ts'
import type { Page } from 'playwright-core'

export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1200, height: 800 }
} as const

/** Saves `<name>-phone.png` and `<name>-desktop.png`, then restores the page's viewport. */
export async function screenshotBothWidths (page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true })
  const before = page.viewportSize()
  for (const [label, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size)
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${label}.png`) })
  }
  if (before != null) await page.setViewportSize(before)
}
