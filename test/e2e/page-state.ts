// Page states a person causes that a test must set itself: a hidden tab and the notifications
// shown. Playwright keeps every page it drives "visible" (its focus emulation runs in its own
// DevTools session: a second tab brought to front, a minimised window, or dropping Chromium's
// --disable-backgrounding-occluded-windows all leave `document.visibilityState` at 'visible', while
// the same Chromium over plain CDP turns a background tab 'hidden'). So the test switches the page's
// visibility itself, as the browser would: the getters and the `visibilitychange` event.
import type { BrowserSession } from '../helpers/browser.ts'
import type { Page } from 'playwright-core'

export interface ShownNotification {
  title: string
  body: string
}

/** Installs the visibility switch and a recorder around the real Notification, before the app loads. */
export async function watchPageState (session: BrowserSession, origin: string): Promise<void> {
  await session.context.grantPermissions(['notifications'], { origin })
  await session.context.addInitScript(() => {
    const w = window as unknown as { __hidden: boolean, __setHidden: (h: boolean) => void, __notifications: ShownNotification[] }
    w.__hidden = false
    Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => w.__hidden ? 'hidden' : 'visible' })
    Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => w.__hidden })
    w.__setHidden = hidden => {
      w.__hidden = hidden
      document.dispatchEvent(new Event('visibilitychange'))
    }
    w.__notifications = []
    const Real = window.Notification
    // Still the browser's notification: this only records what the app showed.
    class Recorded extends Real {
      constructor (title: string, options?: NotificationOptions) {
        super(title, options)
        w.__notifications.push({ title, body: options?.body ?? '' })
      }

      static override get permission (): NotificationPermission { return Real.permission }
      static override async requestPermission (): Promise<NotificationPermission> { return await Real.requestPermission() }
    }
    window.Notification = Recorded
  })
}

export async function setHidden (page: Page, hidden: boolean): Promise<void> {
  await page.evaluate(h => { (window as unknown as { __setHidden: (h: boolean) => void }).__setHidden(h) }, hidden)
}

export async function notifications (page: Page): Promise<ShownNotification[]> {
  return await page.evaluate(() => (window as unknown as { __notifications: ShownNotification[] }).__notifications)
}
