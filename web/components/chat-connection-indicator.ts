// How this device is connected: to the rendezvous (online, connecting, offline), to the open
// conversation's peer (WebRTC, direct, relayed, or only through the mailbox), and the outbox count.
import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { localContext, sessionContext } from '../contexts.ts'
import { controls } from '../styles/tokens.ts'
import type { LocalView, SessionView } from '../contexts.ts'
import type { DeliveryPath } from '../../protocol/delivery/path.ts'

const PATH_LABEL: Record<DeliveryPath, string> = {
  webrtc: 'Direct (WebRTC)',
  direct: 'Direct',
  relayed: 'Relayed',
  mailbox: 'Via mailbox'
}

@customElement('chat-connection-indicator')
export class ChatConnectionIndicator extends LitElement {
  static override styles = [controls, css`
    :host { display: inline-flex; gap: var(--bc-space-2); align-items: center; font-size: 0.875rem; flex-wrap: wrap; }
    .pill { display: inline-flex; align-items: center; gap: 6px; padding: 2px 10px; border-radius: 999px;
      border: 1px solid var(--bc-border); background: var(--bc-surface); white-space: nowrap; }
    .dot { width: 8px; height: 8px; border-radius: 50%; background: var(--bc-muted); }
    [data-tone="ok"] .dot { background: var(--bc-ok); }
    [data-tone="warn"] .dot { background: var(--bc-warn); }
    [data-tone="off"] .dot { background: var(--bc-danger); }
  `]

  /** The network session: rendezvous state, reachability, the open conversation's path. */
  @consume({ context: sessionContext, subscribe: true })
  @property({ attribute: false }) session?: SessionView

  /** The page's local data: the outbox count. */
  @consume({ context: localContext, subscribe: true })
  @property({ attribute: false }) local?: LocalView

  @property({ type: Boolean, attribute: 'in-conversation' }) inConversation = false

  get rendezvous (): SessionView['rendezvous'] { return this.session?.rendezvous ?? 'connecting' }
  get path (): DeliveryPath | undefined { return this.session?.path }
  get reachable (): boolean { return this.session?.reachable ?? false }
  get outbox (): number { return this.local?.outbox ?? 0 }

  #label (): { text: string, tone: 'ok' | 'warn' | 'off' } {
    if (this.inConversation && this.path != null && this.path !== 'mailbox') {
      return { text: PATH_LABEL[this.path], tone: this.path === 'relayed' ? 'warn' : 'ok' }
    }
    if (this.rendezvous === 'offline') return { text: 'Offline', tone: 'off' }
    if (this.rendezvous === 'connecting') return { text: 'Connecting…', tone: 'warn' }
    return { text: this.inConversation ? 'Online · peer away, via mailbox' : 'Online', tone: 'ok' }
  }

  override render (): unknown {
    const { text, tone } = this.#label()
    return html`
      <span class="pill" role="status" data-testid="connection" data-rendezvous=${this.rendezvous}
        data-reachable=${String(this.reachable && this.rendezvous === 'online')}
        title=${this.rendezvous === 'online' ? (this.reachable ? 'Others can reach this device live' : 'Setting up the relay: until then others reach this device through the mailbox') : nothing}
        data-path=${this.inConversation ? (this.path ?? 'mailbox') : nothing} data-tone=${tone}>
        <span class="dot" aria-hidden="true"></span>${text}
      </span>
      ${this.outbox > 0
        ? html`<span class="pill" role="status" data-testid="outbox" data-count=${this.outbox} data-tone="warn">
            <span class="dot" aria-hidden="true"></span>${this.outbox} waiting in outbox</span>`
        : nothing}
    `
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-connection-indicator': ChatConnectionIndicator }
}
