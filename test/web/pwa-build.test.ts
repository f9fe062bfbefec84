// The build's precache list: every file the build wrote, and a version that changes exactly when a
// file's content does (a new build is a new cache; an unchanged one keeps the installed worker).
import { inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { WEB_MANIFEST, precacheManifest } from '../../web/pwa/build-plugin.ts'
import { iconPng } from '../../web/pwa/icons.ts'

const build = (js: string): Map<string, string | Uint8Array> => new Map<string, string | Uint8Array>([
  ['index.html', '<script src="/assets/index-a.js"></script>'],
  ['assets/index-a.js', js],
  ['assets/index-a.js.map', '{}'],
  ['icon-192.png', new Uint8Array([1, 2, 3])],
  ['sw.js', 'old worker']
])

describe('web app build: precache list', () => {
  it('lists every built file but the worker itself and source maps, sorted', () => {
    expect(precacheManifest(build('one')).files).toEqual(['assets/index-a.js', 'icon-192.png', 'index.html'])
  })

  it('has a new version when any content changes, the same one when nothing does', () => {
    expect(precacheManifest(build('one')).version).toBe(precacheManifest(build('one')).version)
    expect(precacheManifest(build('two')).version).not.toBe(precacheManifest(build('one')).version)
  })

  it('names icons the build draws itself, at the sizes install prompts want', () => {
    expect(WEB_MANIFEST.display).toBe('standalone')
    for (const size of [192, 512]) {
      expect(WEB_MANIFEST.icons.some(i => i.sizes === `${size}x${size}` && i.type === 'image/png')).toBe(true)
      const png = iconPng(size)
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG')
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size])
      // The IDAT chunk inflates to one filter byte plus RGB for each row.
      const idatAt = png.indexOf('IDAT')
      const raw = inflateSync(png.subarray(idatAt + 4, idatAt + 4 + png.readUInt32BE(idatAt - 4)))
      expect(raw.length).toBe((size * 3 + 1) * size)
    }
  })
})
