// The app's icon, drawn here rather than downloaded: one shape (a speech bubble on the accent
// colour) as SVG for browsers that take it, and rasterised to PNG at the sizes install prompts ask
// for. Build-time only (Node): web/pwa/build-plugin.ts calls it.
import { deflateSync } from 'node:zlib'

export const ICON_BACKGROUND = '#1f5fbf'
const BG = [0x1f, 0x5f, 0xbf] as const
const FG = [0xff, 0xff, 0xff] as const

/** In a 0..1 square: the bubble's body, its tail, and the page it sits on (the whole square, for maskable icons). */
function roundedRect (x: number, y: number, l: number, t: number, r: number, b: number, radius: number): boolean {
  const cx = Math.min(Math.max(x, l + radius), r - radius)
  const cy = Math.min(Math.max(y, t + radius), b - radius)
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2
}

function inTail (x: number, y: number): boolean {
  // Triangle (0.3,0.62) (0.46,0.62) (0.28,0.78), below the bubble's left half.
  const [ax, ay, bx, by, cx, cy] = [0.3, 0.6, 0.46, 0.6, 0.28, 0.78]
  const d = (px: number, py: number, qx: number, qy: number): number => (x - qx) * (py - qy) - (px - qx) * (y - qy)
  const d1 = d(ax, ay, bx, by)
  const d2 = d(bx, by, cx, cy)
  const d3 = d(cx, cy, ax, ay)
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0))
}

function inDot (x: number, y: number): boolean {
  return [0.36, 0.5, 0.64].some(cx => (x - cx) ** 2 + (y - 0.44) ** 2 <= 0.045 ** 2)
}

/** 1 = the white bubble, 0 = background; dots are cut out of the bubble. */
function shape (x: number, y: number): number {
  const bubble = roundedRect(x, y, 0.2, 0.26, 0.8, 0.62, 0.12) || inTail(x, y)
  return bubble && !inDot(x, y) ? 1 : 0
}

export const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
<rect width="100" height="100" fill="${ICON_BACKGROUND}"/>
<path fill="#fff" d="M32 26h36a12 12 0 0 1 12 12v12a12 12 0 0 1-12 12H46L28 78l2-16a12 12 0 0 1-10-12V38a12 12 0 0 1 12-12z"/>
<g fill="${ICON_BACKGROUND}"><circle cx="36" cy="44" r="4.5"/><circle cx="50" cy="44" r="4.5"/><circle cx="64" cy="44" r="4.5"/></g>
</svg>
`

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32 (bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk (type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'ascii')
  out.set(data, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

/** A size×size RGB PNG of the icon, each pixel 4×4 supersampled so the edges are smooth. */
export function iconPng (size: number): Buffer {
  const SS = 4
  const raw = Buffer.alloc((size * 3 + 1) * size)
  for (let y = 0; y < size; y++) {
    const row = y * (size * 3 + 1)
    raw[row] = 0 // filter: none
    for (let x = 0; x < size; x++) {
      let cover = 0
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) cover += shape((x + (sx + 0.5) / SS) / size, (y + (sy + 0.5) / SS) / size)
      }
      const a = cover / (SS * SS)
      for (let i = 0; i < 3; i++) raw[row + 1 + x * 3 + i] = Math.round(BG[i] * (1 - a) + FG[i] * a)
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 2, 0, 0, 0], 8) // 8-bit RGB, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array())
  ])
}
