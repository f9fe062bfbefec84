// The notice shown when the rendezvous node's privacy policy is newer than the version this browser
// acknowledged: the text, and an "I have read it" button.
import { LitElement, css, html } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { AcknowledgePolicyEvent } from '../events/acknowledge-policy-event.ts'
import { controls } from '../styles/tokens.ts'

@customElement('chat-policy-notice')
export class ChatPolicyNotice extends LitElement {
  static override styles = [controls, css`
    :host { display: block; }
    section { border-color: var(--bc-warn); }
    details { margin-bottom: var(--bc-space-3); }
    pre { white-space: pre-wrap; font-family: var(--bc-font); max-height: 40vh; overflow-y: auto; margin: var(--bc-space-2) 0 0; }
  `]

  @property({ type: Number }) version = 0
  @property() text = ''
  /** The version this browser acknowledged before; 0 when none. */
  @property({ type: Number }) acknowledged = 0

  override render (): unknown {
    return html`
      <section class="card" aria-labelledby="policy-title" data-testid="policy-notice">
        <h2 id="policy-title">${this.acknowledged > 0 ? 'The privacy policy changed' : 'Privacy policy'}</h2>
        <p>${this.acknowledged > 0
          ? `This rendezvous node has a new privacy policy (version ${this.version}; you read version ${this.acknowledged}).`
          : `Please read this rendezvous node's privacy policy (version ${this.version}).`}</p>
        <details><summary>Read the policy</summary><pre>${this.text}</pre></details>
        <button type="button" @click=${() => this.dispatchEvent(new AcknowledgePolicyEvent(this.version))}>I have read it</button>
      </section>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-policy-notice': ChatPolicyNotice }
}
