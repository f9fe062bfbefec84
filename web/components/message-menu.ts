// A message's menu: a "⋯" button (or a right-click / long-press on the message) opens Reply, React,
// Edit and Delete; React turns it into a row of quick reactions. A popover in the top layer, so the
// conversation's scrolling never clips it; arrows move between items, Esc closes it. Delete for
// everyone asks first. Reply and Edit go to the conversation (ComposeIntentEvent), the rest to the app.
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { ComposeIntentEvent } from '../events/compose-intent-event.ts'
import { MessageActionEvent } from '../events/message-action-event.ts'
import { controls } from '../styles/tokens.ts'

/** The quick reactions: one tap each. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const

@customElement('message-menu')
export class MessageMenu extends LitElement {
  static override styles = [controls, css`
    :host { display: inline-block; }
    .trigger { min-height: 28px; min-width: 32px; padding: 0 var(--bc-space-2); line-height: 1; anchor-name: --trigger;
      border-color: transparent; color: var(--bc-muted); }
    .trigger:hover, .trigger[aria-expanded="true"] { border-color: var(--bc-border); color: var(--bc-accent); }
    [popover] { position-anchor: --trigger; inset: auto; top: anchor(bottom); right: anchor(right); margin: 4px 0;
      position-try-fallbacks: flip-block, flip-inline; padding: var(--bc-space-1); border: 1px solid var(--bc-border);
      border-radius: var(--bc-radius); background: var(--bc-surface); color: var(--bc-text); box-shadow: 0 4px 16px #0003; }
    [role="menu"] { display: flex; flex-direction: column; gap: 2px; }
    [role="menu"].picker { flex-direction: row; }
    [role="menu"] button { justify-content: flex-start; min-height: 36px; border-color: transparent; }
    .picker button { font-size: 1.3rem; padding: var(--bc-space-1) var(--bc-space-2); }
    .picker button[aria-checked="true"] { border-color: var(--bc-accent); }
    button.danger-text { color: var(--bc-danger); }
    dialog { border: 1px solid var(--bc-border); border-radius: var(--bc-radius); background: var(--bc-surface); color: var(--bc-text); }
    dialog .row { display: flex; gap: var(--bc-space-2); justify-content: flex-end; }
  `]

  @property() messageId = ''
  /** Sent by this device: it may be edited and deleted for everyone. */
  @property({ type: Boolean }) mine = false
  /** Has text to edit (a file alone has none). */
  @property({ type: Boolean }) editable = false
  /** Deleted for everyone: only "Delete for me" is left. */
  @property({ type: Boolean }) deleted = false
  /** This device's reaction now ('' none). */
  @property() reaction = ''
  @state() private picking = false
  @state() private expanded = false
  @query('[popover]') private menuPopup?: HTMLElement
  @query('.trigger') private trigger?: HTMLButtonElement
  @query('dialog') private confirmDialog?: HTMLDialogElement

  /** Opens the menu (a right-click or long-press on the message). */
  async show (picking = false): Promise<void> {
    this.picking = picking
    await this.updateComplete
    if (this.menuPopup?.matches(':popover-open') === false) this.menuPopup.showPopover()
    this.#focusItem(0)
  }

  override render (): unknown {
    return html`
      <button type="button" class="secondary trigger" aria-label="Message actions" aria-haspopup="menu" aria-expanded=${this.expanded ? 'true' : 'false'}
        @click=${() => { void this.show() }}>⋯</button>
      <div popover id="menu" @keydown=${this.#keydown} @beforetoggle=${this.#toggling}>
        ${this.picking ? this.#picker() : this.#items()}
      </div>
      <dialog aria-labelledby="confirm-title">
        <p id="confirm-title">Delete this message for everyone? It is replaced by “This message was deleted” on every side.</p>
        <div class="row">
          <button type="button" class="secondary" @click=${() => { this.confirmDialog?.close() }}>Cancel</button>
          <button type="button" class="danger" @click=${this.#deleteForEveryone}>Delete for everyone</button>
        </div>
      </dialog>`
  }

  #items (): unknown {
    const own = this.mine && !this.deleted
    return html`<div role="menu" aria-label="Message actions">
      ${this.deleted ? nothing : html`
        <button type="button" class="secondary" role="menuitem" @click=${() => { this.#intent('reply') }}>Reply</button>
        <button type="button" class="secondary" role="menuitem" @click=${() => { void this.show(true) }}>React…</button>`}
      ${own && this.editable ? html`<button type="button" class="secondary" role="menuitem" @click=${() => { this.#intent('edit') }}>Edit</button>` : nothing}
      <button type="button" class="secondary" role="menuitem" @click=${() => { this.#act({ kind: 'delete-here', id: this.messageId }) }}>Delete for me</button>
      ${own ? html`<button type="button" class="secondary danger-text" role="menuitem" @click=${this.#confirm}>Delete for everyone</button>` : nothing}
    </div>`
  }

  #picker (): unknown {
    return html`<div role="menu" class="picker" aria-label="Reactions">
      ${QUICK_REACTIONS.map(e => html`<button type="button" class="secondary" role="menuitemradio" aria-checked=${e === this.reaction ? 'true' : 'false'}
        aria-label=${`React with ${e}`} title=${e === this.reaction ? 'Remove your reaction' : `React with ${e}`}
        @click=${() => { this.#act({ kind: 'react', id: this.messageId, emoji: e === this.reaction ? '' : e }) }}>${e}</button>`)}
    </div>`
  }

  #intent (mode: 'reply' | 'edit'): void {
    this.#close()
    this.dispatchEvent(new ComposeIntentEvent(mode, this.messageId))
  }

  #act (action: MessageActionEvent['action']): void {
    this.#close()
    this.dispatchEvent(new MessageActionEvent(action))
  }

  #confirm (): void {
    this.#close()
    this.confirmDialog?.showModal()
  }

  #deleteForEveryone (): void {
    this.confirmDialog?.close()
    this.dispatchEvent(new MessageActionEvent({ kind: 'delete-everyone', id: this.messageId }))
  }

  #close (): void {
    if (this.menuPopup?.matches(':popover-open') === true) this.menuPopup.hidePopover()
  }

  /** Closing (an item, Esc, a click elsewhere): the picker resets; focus in the menu goes back to its button. */
  #toggling (e: ToggleEvent): void {
    this.expanded = e.newState === 'open'
    if (e.newState !== 'closed') return
    this.picking = false
    const active = this.shadowRoot?.activeElement
    if (active != null && this.menuPopup?.contains(active) === true) this.trigger?.focus()
  }

  #keydown (e: KeyboardEvent): void {
    const items = this.#buttons()
    const at = items.indexOf(this.shadowRoot?.activeElement as HTMLButtonElement)
    const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[e.key]
    if (step != null) this.#focusItem((at + step + items.length) % items.length)
    else if (e.key === 'Home') this.#focusItem(0)
    else if (e.key === 'End') this.#focusItem(items.length - 1)
    else return
    e.preventDefault()
  }

  #buttons (): HTMLButtonElement[] {
    return [...this.menuPopup?.querySelectorAll<HTMLButtonElement>('[role^="menuitem"]') ?? []]
  }

  #focusItem (i: number): void {
    this.#buttons()[i]?.focus()
  }
}

declare global {
  interface HTMLElementTagNameMap { 'message-menu': MessageMenu }
}
