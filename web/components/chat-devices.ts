// The account's devices in Settings: the list (type, os, linked, last seen; this one marked) with
// "Unlink" for the others, a link code for a new device (whole, with a QR image of the link URL),
// and how long the node keeps messages waiting. Shows the account view it is given; asks by events.
import { consume } from '@lit/context'
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { live } from 'lit/directives/live.js'
import { renderSVG } from 'uqr'
import { localContext } from '../contexts.ts'
import { DeviceActionEvent } from '../events/device-action-event.ts'
import { linkUrl } from '../services/routes.ts'
import { OFFLINE_ACCOUNT } from '../services/view-model.ts'
import { controls } from '../styles/tokens.ts'
import { shortPeerId } from './chat-contacts.ts'
import type { LocalView } from '../contexts.ts'
import type { AccountView } from '../services/view-model.ts'
import type { Device } from '../../protocol/wire/generated/messages.ts'

const DAY_MS = 86_400_000
/** The choices for keeping mail (ms); 0: as long as the plan allows. */
export const KEEP_MAIL_CHOICES = [DAY_MS, 7 * DAY_MS, 30 * DAY_MS, 0]

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

function keepMailLabel (ms: number, planMs?: number): string {
  if (ms === 0) return `As long as my plan allows${planMs != null ? ` (${Math.round(planMs / DAY_MS)} days)` : ''}`
  const days = Math.round(ms / DAY_MS)
  return days * DAY_MS === ms ? `${days} ${days === 1 ? 'day' : 'days'}` : `${Math.round(ms / 3_600_000)} hours`
}

function dateOf (at: bigint): string {
  return at === 0n ? 'never' : when.format(Number(at))
}

@customElement('chat-devices')
export class ChatDevices extends LitElement {
  static override styles = [controls, css`
    :host { display: block; margin-top: var(--bc-space-4); }
    h4 { margin: var(--bc-space-3) 0 var(--bc-space-2); }
    ul { list-style: none; padding: 0; margin: 0; display: grid; gap: var(--bc-space-2); }
    li { display: flex; flex-wrap: wrap; gap: var(--bc-space-1) var(--bc-space-3); align-items: baseline;
      padding: var(--bc-space-2); border: 1px solid var(--bc-border); border-radius: var(--bc-radius); }
    li .name { font-weight: 600; }
    li .actions { margin-left: auto; display: flex; gap: var(--bc-space-2); }
    .code { font-family: var(--bc-mono, monospace); font-size: 1.4rem; letter-spacing: 0.05em; user-select: all; }
    img.qr { display: block; width: 200px; height: 200px; background: #fff; padding: 8px; border-radius: var(--bc-radius); }
    select { font: inherit; color: inherit; background: var(--bc-surface); border: 1px solid var(--bc-border);
      border-radius: var(--bc-radius); padding: var(--bc-space-2); min-height: 40px; }
    .row { display: flex; flex-wrap: wrap; gap: var(--bc-space-2); align-items: center; }
  `]

  @property({ attribute: false }) view: AccountView = OFFLINE_ACCOUNT
  @consume({ context: localContext, subscribe: true })
  @property({ attribute: false }) local?: LocalView

  /** The device waiting for "Yes, unlink". */
  @state() private confirming = ''
  #qr?: { code: string, url: string }

  override disconnectedCallback (): void {
    super.disconnectedCallback()
    if (this.#qr != null) URL.revokeObjectURL(this.#qr.url)
    this.#qr = undefined
  }

  override render (): unknown {
    const a = this.view.account
    if (a == null) return nothing
    return html`
      <section aria-labelledby="devices-title" data-testid="devices">
        <h4 id="devices-title">Devices</h4>
        <ul>${a.devices.map(d => this.#device(d))}</ul>
      </section>
      ${this.#linkCode(a.profile?.username ?? '')}
      ${this.#keepMail(Number(a.mailRetentionMs))}
    `
  }

  #device (d: Device): unknown {
    const me = d.peerId === this.local?.peerId
    const kind = d.info == null || d.info.type === '' ? 'Device' : d.info.type === 'web' ? 'Browser' : d.info.type === 'cli' ? 'Command line' : d.info.type
    return html`<li data-testid="device" data-peer=${d.peerId} data-this=${me ? 'true' : 'false'}>
      <span class="name">${kind}${d.info?.os != null && d.info.os !== '' ? html` on ${d.info.os}` : nothing}${me ? ' (this device)' : ''}</span>
      <span class="mono muted" title=${d.peerId}>${shortPeerId(d.peerId)}</span>
      <span class="muted">Linked ${dateOf(d.linkedAt)}</span>
      <span class="muted">Last seen ${dateOf(d.lastSeenAt)}</span>
      ${me
        ? nothing
        : html`<span class="actions">${this.confirming === d.peerId
          ? html`<span role="group" aria-label="Confirm unlinking" class="row">
              <button type="button" class="danger" ?disabled=${this.view.busy} @click=${() => { this.#unlink(d.peerId) }}>Yes, unlink it</button>
              <button type="button" class="secondary" @click=${() => { this.confirming = '' }}>Keep it</button></span>`
          : html`<button type="button" class="secondary" aria-label=${`Unlink ${kind} ${shortPeerId(d.peerId)}`} @click=${() => { this.confirming = d.peerId }}>Unlink…</button>`}</span>`}
    </li>`
  }

  #unlink (peerId: string): void {
    this.confirming = ''
    this.dispatchEvent(new DeviceActionEvent({ kind: 'unlink', peerId }))
  }

  #linkCode (username: string): unknown {
    const code = this.view.linkCode
    const url = code == null ? '' : linkUrl(location, username, code.code)
    return html`
      <section aria-labelledby="link-title">
        <h4 id="link-title">Link a new device</h4>
        ${code == null
          ? html`<p class="muted">A new browser or computer joins this account with a code from here, and receives this device's whole history (end-to-end encrypted between the two).</p>`
          : html`
            <p>On the new device, choose "Link to my account" and enter @${username} and this code, or scan the image:</p>
            <p class="code" data-testid="link-code">${code.code}</p>
            <img class="qr" data-testid="link-qr" src=${this.#qrImage(url)} alt=${`QR code of the link address for @${username} with this code`}>
            <p class="muted">Valid until <time data-testid="link-valid-until" datetime=${new Date(code.expiresAt).toISOString()}>${when.format(code.expiresAt)}</time>.
              Keep this tab open until the new device has its history: it is sent from here.</p>`}
        <button type="button" class="secondary" ?disabled=${this.view.busy} @click=${() => this.dispatchEvent(new DeviceActionEvent({ kind: 'link-code' }))}>
          ${code == null ? 'Link a new device' : 'Make a new code'}</button>
      </section>`
  }

  /** An object URL of the QR image (the page's CSP allows images from blobs, not data URLs). */
  #qrImage (url: string): string {
    if (this.#qr?.code === url) return this.#qr.url
    if (this.#qr != null) URL.revokeObjectURL(this.#qr.url)
    const svg = renderSVG(url, { border: 1 })
    this.#qr = { code: url, url: URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' })) }
    return this.#qr.url
  }

  #keepMail (current: number): unknown {
    const planMs = this.view.plan?.limits != null ? Number(this.view.plan.limits.retentionMs) : undefined
    const choices = KEEP_MAIL_CHOICES.includes(current) ? KEEP_MAIL_CHOICES : [current, ...KEEP_MAIL_CHOICES]
    return html`
      <section aria-labelledby="keep-mail-title">
        <h4 id="keep-mail-title">Keep messages waiting for me</h4>
        <p class="muted" id="keep-mail-hint">How long the node keeps a message for your devices while none of them is online. After that it deletes it unread and tells the sender.</p>
        <div class="row">
          <label for="keep-mail">Keep for</label>
          <select id="keep-mail" data-testid="keep-mail" aria-describedby="keep-mail-hint" ?disabled=${this.view.busy}
            .value=${live(String(current))}
            @change=${(e: Event) => { this.dispatchEvent(new DeviceActionEvent({ kind: 'keep-mail', ms: Number((e.target as HTMLSelectElement).value) })) }}>
            ${choices.map(ms => html`<option value=${ms} ?selected=${ms === current}>${keepMailLabel(ms, planMs)}</option>`)}
          </select>
        </div>
        <p class="muted" data-testid="keep-mail-current">Now: ${keepMailLabel(current, planMs)}.</p>
      </section>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-devices': ChatDevices }
}
