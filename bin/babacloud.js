#!/usr/bin/env node
// In the repository the TypeScript sources sit beside this file: run them through tsx's loader, so
// developers need no build step. The packed package ships no .ts sources, only the command bundled
// into one JavaScript file (dist/babacloud.mjs, built by `prepack`), so an installed `babacloud` never
// loads a compiler and can never run code older than its sources.
import { existsSync } from 'node:fs'

const source = new URL('../node/cli.ts', import.meta.url)
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api')
  register()
  await import(source.href)
} else {
  await import('../dist/babacloud.mjs')
}
