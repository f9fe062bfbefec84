// What the composer is doing besides a new message: answering one (a quote bar above it) or
// editing one of ours (its text in the composer; Enter saves, Esc cancels). Shared by the 1:1 and
// group conversations as a reactive controller; the host renders `bar()` above its composer.
import { css, html, nothing } from 'lit'
import type { ViewMessage } from '../services/view-model.ts'
import type { ReactiveController, ReactiveControllerHost, TemplateResult } from 'lit'

export interface Intent {
  mode: 'reply' | 'edit'
  message: ViewMessage
}

/** What Enter does with the composer's text. */
export type Outcome =
  | { kind: 'send', replyTo?: string }
  | { kind: 'edit', id: string }
  /** An edit that changes nothing: just leaves edit mode. */
  | { kind: 'none' }

export const composerBarStyles = css`
  .intent { display: flex; align-items: center; gap: var(--bc-space-2); margin-bottom: var(--bc-space-1); padding: var(--bc-space-1) var(--bc-space-2);
    border-left: 3px solid var(--bc-accent); background: var(--bc-bg); border-radius: 4px; font-size: 0.85rem; }
  .intent span { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .intent button { min-height: 28px; padding: 0 var(--bc-space-2); }
`

export class ComposerIntent implements ReactiveController {
  current?: Intent
  readonly #host: ReactiveControllerHost
  readonly #composer: () => HTMLTextAreaElement | null | undefined

  constructor (host: ReactiveControllerHost, composer: () => HTMLTextAreaElement | null | undefined) {
    this.#host = host
    this.#composer = composer
    host.addController(this)
  }

  hostConnected (): void {}

  start (mode: Intent['mode'], message: ViewMessage | undefined): void {
    if (message == null) return
    const composer = this.#composer()
    const wasEdit = this.current?.mode === 'edit'
    this.current = { mode, message }
    if (composer != null) {
      if (mode === 'edit') composer.value = message.text
      else if (wasEdit) composer.value = ''
      composer.focus()
    }
    this.#host.requestUpdate()
  }

  cancel (): void {
    const composer = this.#composer()
    if (this.current?.mode === 'edit' && composer != null) composer.value = ''
    this.current = undefined
    composer?.focus()
    this.#host.requestUpdate()
  }

  /** Esc in the composer: leaves reply or edit mode. True when it did. */
  escape (e: KeyboardEvent): boolean {
    if (e.key !== 'Escape' || this.current == null) return false
    e.preventDefault()
    this.cancel()
    return true
  }

  /** Enter with `text`: what to do with it; reply or edit mode ends. */
  take (text: string): Outcome {
    const intent = this.current
    this.current = undefined
    this.#host.requestUpdate()
    if (intent == null) return { kind: 'send' }
    if (intent.mode === 'reply') return { kind: 'send', replyTo: intent.message.id }
    return text === intent.message.text ? { kind: 'none' } : { kind: 'edit', id: intent.message.id }
  }

  /** The message it concerns was deleted (for everyone or here): nothing to answer or edit any more. */
  check (messages: ViewMessage[]): void {
    const id = this.current?.message.id
    if (id != null && !messages.some(m => m.id === id && m.deletedAt == null)) this.cancel()
  }

  bar (nameOf: (m: ViewMessage) => string): TemplateResult | typeof nothing {
    const intent = this.current
    if (intent == null) return nothing
    const what = intent.mode === 'reply' ? `Replying to ${nameOf(intent.message)}` : 'Editing your message'
    const preview = intent.message.text !== '' ? intent.message.text : intent.message.attachment?.name ?? ''
    return html`<div class="intent" data-testid="composer-intent" data-mode=${intent.mode}>
      <span><strong>${what}:</strong> ${preview}</span>
      <button type="button" class="secondary" aria-label=${intent.mode === 'reply' ? 'Cancel reply' : 'Cancel editing'}
        @click=${() => { this.cancel() }}>✕</button>
    </div>`
  }
}
