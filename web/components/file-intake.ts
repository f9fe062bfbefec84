// How a file reaches a conversation's preview: the attach button, pasting (Ctrl+V of an image or a
// copied file) and dropping one onto the conversation. A reactive controller shared by the 1:1 and
// group conversations; the host renders <chat-file-preview> for `file` and calls `clear()` after.
import type { ReactiveController, ReactiveControllerHost } from 'lit'

type Host = ReactiveControllerHost & HTMLElement

function firstFile (data: DataTransfer | null): File | undefined {
  if (data == null) return undefined
  if (data.files.length > 0) return data.files[0]
  // Some sources offer the file only as an item (a screenshot in the clipboard).
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file') continue
    const file = item.getAsFile()
    if (file != null) return file
  }
  return undefined
}

export class FileIntake implements ReactiveController {
  /** The file waiting in the preview. */
  file?: File
  /** A file is being dragged over the conversation. */
  dragging = false
  readonly #host: Host
  readonly #enabled: () => boolean

  constructor (host: Host, enabled: () => boolean = () => true) {
    this.#host = host
    this.#enabled = enabled
    host.addController(this)
  }

  hostConnected (): void {
    this.#host.addEventListener('paste', this.#onPaste)
    this.#host.addEventListener('dragover', this.#onDragOver)
    this.#host.addEventListener('dragleave', this.#onDragLeave)
    this.#host.addEventListener('drop', this.#onDrop)
  }

  hostDisconnected (): void {
    this.#host.removeEventListener('paste', this.#onPaste)
    this.#host.removeEventListener('dragover', this.#onDragOver)
    this.#host.removeEventListener('dragleave', this.#onDragLeave)
    this.#host.removeEventListener('drop', this.#onDrop)
  }

  /** A file picked, pasted or dropped: shown in the preview, replacing one that waited there. */
  take (file: File | undefined): void {
    if (file == null || !this.#enabled()) return
    this.file = file
    this.#host.requestUpdate()
  }

  clear (): void {
    this.file = undefined
    this.#host.requestUpdate()
  }

  /** Text pastes as usual; only a file goes to the preview. */
  readonly #onPaste = (e: ClipboardEvent): void => {
    const file = firstFile(e.clipboardData)
    if (file == null || !this.#enabled()) return
    e.preventDefault()
    this.take(file)
  }

  readonly #onDragOver = (e: DragEvent): void => {
    if (e.dataTransfer == null || !Array.from(e.dataTransfer.types).includes('Files') || !this.#enabled()) return
    // Without this the browser would open the file in the tab instead of dropping it here.
    e.preventDefault()
    e.dataTransfer.dropEffect = 'copy'
    if (!this.dragging) {
      this.dragging = true
      this.#host.requestUpdate()
    }
  }

  readonly #onDragLeave = (e: DragEvent): void => {
    // Only leaving the conversation counts, not moving between its children.
    if (e.relatedTarget != null && this.#host.contains(e.relatedTarget as Node)) return
    this.dragging = false
    this.#host.requestUpdate()
  }

  readonly #onDrop = (e: DragEvent): void => {
    this.dragging = false
    this.#host.requestUpdate()
    const file = firstFile(e.dataTransfer)
    if (file == null || !this.#enabled()) return
    e.preventDefault()
    this.take(file)
  }
}
