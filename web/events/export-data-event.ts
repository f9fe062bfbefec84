/** Download this device's local data as a JSON file. */
export class ExportDataEvent extends Event {
  static readonly eventName = 'export-data' as const

  constructor () {
    super(ExportDataEvent.eventName, { bubbles: true, composed: true })
  }
}

declare global {
  interface HTMLElementEventMap { 'export-data': ExportDataEvent }
}
