// Waiting on conditions and events with a deadline: tests never sleep for a fixed time.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export async function waitFor<T> (check: () => T | undefined | false | Promise<T | undefined | false>, options: { timeout?: number, interval?: number, what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeout ?? 20_000)
  while (true) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? 'a condition'}`)
    await new Promise(resolve => setTimeout(resolve, options.interval ?? 25))
  }
}

/** A fresh directory per test, removed by the returned cleanup. */
export function tempDir (prefix = 'babacloud-test-'): { dir: string, remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, remove: () => { rmSync(dir, { recursive: true, force: true }) } }
}

/** Runs cleanups in reverse order of registration; for afterEach. */
export class Cleanup {
  #tasks: Array<() => unknown> = []

  add (task: () => unknown): void {
    this.#tasks.push(task)
  }

  async run (): Promise<void> {
    const tasks = this.#tasks.reverse()
    this.#tasks = []
    for (const task of tasks) {
      try {
        await task()
      } catch (err) {
        console.warn('cleanup failed:', err)
      }
    }
  }
}
