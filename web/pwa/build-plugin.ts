// Vite plugin that makes the built app installable and usable offline: emits the web app manifest
// and its icons, then writes sw.js (web/pwa/service-worker.ts compiled) with the list of every file
// the build wrote and a version made of their content hashes. A new build is a new version, so the
// browser installs the new worker and drops the old cache; an unchanged build keeps the same sw.js.
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { transformWithOxc } from 'vite'
import { ICON_BACKGROUND, ICON_SVG, iconPng } from './icons.ts'
import type { Plugin } from 'vite'

export const SERVICE_WORKER = 'sw.js'
export const MANIFEST = 'manifest.webmanifest'
const PNG_SIZES = [192, 512]

export interface PrecacheManifest { version: string, files: string[] }

export const WEB_MANIFEST = {
  name: 'BabaCloud Chat',
  short_name: 'BabaCloud',
  description: 'Peer-to-peer, end-to-end encrypted chat',
  id: './',
  start_url: './',
  scope: './',
  display: 'standalone',
  background_color: '#f5f6f8',
  theme_color: ICON_BACKGROUND,
  icons: [
    { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
    ...PNG_SIZES.map(s => ({ src: `icon-${s}.png`, sizes: `${s}x${s}`, type: 'image/png', purpose: 'any maskable' }))
  ]
}

/** Every file of the build with its content hash, sorted, hashed again: the cache's version. */
export function precacheManifest (files: Map<string, string | Uint8Array>): PrecacheManifest {
  const names = [...files.keys()].filter(f => f !== SERVICE_WORKER && !f.endsWith('.map')).sort()
  const version = createHash('sha256')
  for (const name of names) {
    version.update(name).update('\0').update(createHash('sha256').update(files.get(name) ?? '').digest()).update('\0')
  }
  return { version: version.digest('hex').slice(0, 16), files: names }
}

export function pwa (): Plugin {
  return {
    name: 'babacloud-pwa',
    apply: 'build',
    generateBundle () {
      this.emitFile({ type: 'asset', fileName: MANIFEST, source: JSON.stringify(WEB_MANIFEST, null, 2) + '\n' })
      this.emitFile({ type: 'asset', fileName: 'icon.svg', source: ICON_SVG })
      for (const size of PNG_SIZES) this.emitFile({ type: 'asset', fileName: `icon-${size}.png`, source: iconPng(size) })
    },
    async writeBundle (options, bundle) {
      const dir = options.dir
      if (dir == null) throw new Error('babacloud-pwa: the build has no output directory')
      const files = new Map<string, string | Uint8Array>()
      for (const [name, out] of Object.entries(bundle)) files.set(name, out.type === 'chunk' ? out.code : out.source)
      const manifest = precacheManifest(files)
      const source = join(import.meta.dirname, 'service-worker.ts')
      const { code } = await transformWithOxc(readFileSync(source, 'utf8'), source, { lang: 'ts' })
      writeFileSync(join(dir, SERVICE_WORKER), `const PRECACHE = ${JSON.stringify(manifest)};\n${code}`)
    }
  }
}
