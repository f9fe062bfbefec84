// Files that ship with the package (the built web app) are found from the package root, which is the
// same whether this module runs as TypeScript from the repository (node/…) or compiled (dist/node/…).
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The nearest folder above this module that holds a package.json. */
export function packageRoot (from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from)
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`no package.json above ${from}`)
    dir = parent
  }
  return dir
}

/** Where `vite build` puts the web app the rendezvous node serves. */
export function webRoot (): string {
  return join(packageRoot(), 'dist', 'web')
}
