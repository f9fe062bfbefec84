// Telling the person that something arrived while they look elsewhere: a browser notification when
// the tab is hidden (permission asked only after they sent a message, or from Settings), and a short
// tone made with WebAudio (no sound file to download).
import type { Preferences } from './preferences.ts'

export interface Arrival {
  /** Who wrote, as the person knows them (nickname, or the group and member). */
  title: string
  text: string
  /** Where a click on the notification leads (`#/chat/…`, `#/group/…`). */
  hash: string
  /** The conversation is on screen in a visible tab: nothing to tell. */
  seen: boolean
}

export type NotificationPermissionState = NotificationPermission | 'unsupported'

const ASKED_KEY = 'babacloud-notifications-asked'

export class Alerts {
  readonly #preferences: () => Preferences
  #audio?: AudioContext

  constructor (preferences: () => Preferences) {
    this.#preferences = preferences
    // The first click or key on the page lets the tone play later.
    for (const type of ['pointerdown', 'keydown']) window.addEventListener(type, () => { this.#unlockAudio() }, { once: true, capture: true })
  }

  get permission (): NotificationPermissionState {
    return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission
  }

  /** From Settings: asks the browser (it answers only once; after a refusal only the browser's settings help). */
  async requestPermission (): Promise<NotificationPermissionState> {
    if (typeof Notification === 'undefined') return 'unsupported'
    localStorage.setItem(ASKED_KEY, '1')
    return await Notification.requestPermission()
  }

  /** After the first message sent: the moment a person expects replies. Asked once, never on load. */
  askAfterFirstSend (): void {
    this.#unlockAudio()
    if (this.permission !== 'default' || localStorage.getItem(ASKED_KEY) != null) return
    void this.requestPermission()
  }

  arrived (a: Arrival): void {
    if (a.seen) return
    const prefs = this.#preferences()
    if (prefs.sound) this.#tone()
    if (document.visibilityState !== 'hidden' || this.permission !== 'granted') return
    const n = new Notification(a.title, { body: prefs.notificationText ? a.text : 'New message', tag: a.hash })
    n.onclick = () => {
      window.focus()
      location.hash = a.hash
      n.close()
    }
  }

  /** Browsers start audio only after a click or key on the page: made ready at such a moment. */
  #unlockAudio (): void {
    if (typeof AudioContext === 'undefined') return
    this.#audio ??= new AudioContext()
    if (this.#audio.state === 'suspended') void this.#audio.resume().catch(() => {})
  }

  /** Two soft sine notes, 0.25 s in all. */
  #tone (): void {
    const ctx = this.#audio
    if (ctx == null || ctx.state !== 'running') return
    const gain = ctx.createGain()
    gain.connect(ctx.destination)
    const t = ctx.currentTime
    gain.gain.setValueAtTime(0.0001, t)
    gain.gain.exponentialRampToValueAtTime(0.15, t + 0.02)
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.25)
    for (const [freq, start] of [[880, 0], [1320, 0.1]]) {
      const osc = ctx.createOscillator()
      osc.frequency.value = freq
      osc.connect(gain)
      osc.start(t + start)
      osc.stop(t + start + 0.15)
    }
  }
}
