// The bundle size report printed after `vite build`.
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterEach, expect, it } from 'vitest'
import { measure } from '../../web/scripts/report-size.ts'
import { removeDir } from '../helpers/browser.ts'

const dirs: string[] = []
afterEach(async () => { await Promise.all(dirs.splice(0).map(removeDir)) })

it('reports every asset with its bytes and gzip bytes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'babacloud-size-'))
  dirs.push(dir)
  await mkdir(join(dir, 'assets'))
  const js = 'export const x = "' + 'a'.repeat(5000) + '"\n'
  await writeFile(join(dir, 'assets', 'index-abc.js'), js)
  await writeFile(join(dir, 'index.html'), '<!doctype html>')
  const sizes = measure(dir)
  expect(sizes.map(s => s.file)).toEqual([join('assets', 'index-abc.js'), 'index.html'])
  expect(sizes[0].bytes).toBe(Buffer.byteLength(js))
  expect(sizes[0].gzipBytes).toBe(gzipSync(js, { level: 9 }).length)
  expect(sizes[0].gzipBytes).toBeLessThan(sizes[0].bytes)
})
