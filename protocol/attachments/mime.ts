// Media types from the other end, parsed instead of compared as text: `IMAGE/SVG+XML; charset=utf-8`
// is still SVG. Only raster formats a browser decodes without running anything are shown inline.

export interface MediaType {
  type: string
  subtype: string
  /** `type/subtype`, lowercase, without parameters: the only form stored and compared. */
  essence: string
}

/** RFC 9110 token characters, the only ones allowed in a type or subtype. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/

/** The media type of `text`, or undefined when it is not one (no slash, empty or odd characters). */
export function parseMediaType (text: string): MediaType | undefined {
  const essence = text.split(';', 1)[0].trim().toLowerCase()
  const slash = essence.indexOf('/')
  if (slash < 0) return undefined
  const type = essence.slice(0, slash).trim()
  const subtype = essence.slice(slash + 1).trim()
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return undefined
  return { type, subtype, essence: `${type}/${subtype}` }
}

export const OCTET_STREAM = 'application/octet-stream'

/** The essence of `text`, or application/octet-stream when it is not a media type. */
export function normalizeMediaType (text: string): string {
  return parseMediaType(text)?.essence ?? OCTET_STREAM
}

/**
 * Images safe to render in the app's own origin. SVG is not among them in any spelling: it is a
 * document that can carry script and links, not a picture.
 */
export const INLINE_IMAGE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif'])

export function isInlineImage (mime: string): boolean {
  const parsed = parseMediaType(mime)
  return parsed != null && INLINE_IMAGE_TYPES.has(parsed.essence)
}
