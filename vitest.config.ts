import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['./test/setup.ts'],
    globalSetup: ['./test/global-setup.ts'],
    pool: 'forks',
    // Browser and CLI tests spend much of their time waiting on other processes and the network:
    // with two workers the suite used ~0.8 CPU-seconds per second on two cores; a third keeps both
    // busy (same machine and load: 1,081 s with two, 678 s with three).
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file starts real nodes and processes: keep output readable and failures explicit.
    reporters: ['default']
  }
})
