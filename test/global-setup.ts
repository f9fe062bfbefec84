// Once per test run, in .test-dist/: the CLI bundled into one JavaScript file exactly as the package
// ships it (scripts/build-cli.mjs), so the hundreds of `babacloud` processes the CLI tests start
// skip tsx's compile and load one module each, and the web app built for the browser tests, which
// every test file would otherwise build again. Their own folder: `npm pack` in the packaged-install
// test rebuilds dist/ while other files run.
import { execFileSync } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { build } from 'vite'
import { fileURLToPath } from 'node:url'

export const TEST_DIST = fileURLToPath(new URL('../.test-dist/', import.meta.url))

/** Where the browser tests find the web app built for this run (test/e2e/harness.ts). */
export const TEST_WEB = join(TEST_DIST, 'web')

export default async function setup (): Promise<void> {
  execFileSync(process.execPath, ['scripts/build-cli.mjs', join(TEST_DIST, 'babacloud.mjs')], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: 'inherit'
  })
  await rm(TEST_WEB, { recursive: true, force: true })
  await build({ configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)), logLevel: 'error', build: { outDir: TEST_WEB, emptyOutDir: true } })
}
