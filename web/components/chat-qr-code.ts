// A QR code for a short text (an invite link, a safety number), drawn as SVG on the device: the text
// never goes to a QR service. `data-text` carries what is encoded, for people's tools and the tests.
import { LitElement, css, html } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { unsafeSVG } from 'lit/directives/unsafe-svg.js'
import { renderSVG } from 'uqr'

/** Far more than an invite link or a safety number needs; longer text is not drawn. */
const MAX_TEXT = 1024

@customElement('chat-qr-code')
export class ChatQrCode extends LitElement {
  static override styles = css`
    :host { display: inline-block; }
    /* Dark modules on white whatever the theme: scanners expect that contrast. */
    div { width: var(--qr-size, 180px); aspect-ratio: 1; background: #fff; border-radius: 6px; }
    svg { display: block; width: 100%; height: 100%; }
  `

  @property() text = ''
  /** What the code is, for screen readers (e.g. "QR code of your invite link"). */
  @property() label = 'QR code'

  // The SVG is uqr's output for our own text (paths and rects only), so it is safe to insert as markup.
  override render (): unknown {
    if (this.text === '' || this.text.length > MAX_TEXT) return html``
    return html`<div role="img" aria-label=${this.label} data-testid="qr-code" data-text=${this.text}>${unsafeSVG(renderSVG(this.text, { border: 2 }))}</div>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'chat-qr-code': ChatQrCode }
}
