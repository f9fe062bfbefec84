// The person's choices about being told and telling others, kept in IndexedDB with the other
// settings: read receipts (both ways), notifications with or without the message text, and a sound.
import type { AppData } from '../store/app-data.ts'

export interface Preferences {
  /**
   * Send read receipts. Off: nobody learns when you read their messages, and you do not see when
   * they read yours (shown as "Delivered"), as in Signal and WhatsApp.
   */
  readReceipts: boolean
  /** Show the message text in a notification (off: only who wrote). */
  notificationText: boolean
  /**
   * A short tone when a message arrives unseen (tab hidden or another conversation open). On by
   * default like the chat apps people know; browsers play it only after the page had a click or key.
   */
  sound: boolean
}

export const DEFAULT_PREFERENCES: Preferences = { readReceipts: true, notificationText: true, sound: true }

const KEY = 'preferences'

export class PreferenceStore {
  current: Preferences = { ...DEFAULT_PREFERENCES }
  readonly #data: AppData
  readonly #changed: () => void

  constructor (data: AppData, changed: () => void) {
    this.#data = data
    this.#changed = changed
  }

  async load (): Promise<void> {
    const saved = await this.#data.getSetting<Partial<Preferences>>(KEY)
    this.current = { ...DEFAULT_PREFERENCES, ...saved }
    this.#changed()
  }

  async set (change: Partial<Preferences>): Promise<void> {
    this.current = { ...this.current, ...change }
    await this.#data.setSetting(KEY, this.current)
    this.#changed()
  }
}
