// Once per test run: the CLI compiled to JavaScript (as the package ships it) in .test-dist/, so the
// hundreds of `babacloud` processes the CLI tests start skip tsx's compile at every start. Its own
// folder: `npm pack` in the packaged-install test rebuilds dist/ while other files run commands.
// Incremental, so a run with unchanged sources pays almost nothing.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const TEST_DIST = fileURLToPath(new URL('../.test-dist/', import.meta.url))

export default function setup (): void {
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url))
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', TEST_DIST, '--incremental', '--tsBuildInfoFile', `${TEST_DIST}.tsbuildinfo`], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: 'inherit'
  })
}
