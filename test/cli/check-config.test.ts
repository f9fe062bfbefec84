import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'

const EXAMPLE = fileURLToPath(new URL('../../docs/rendezvous.example.yaml', import.meta.url))

describe('babacloud rendezvous --check-config', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('says ok for a good file, and names file, key and expectation for a typo, without starting', async () => {
    const tmp = tempDir()
    cleanup.add(tmp.remove)
    const ok = await runCli(['rendezvous', '--check-config', EXAMPLE])
    expect(ok).toMatchObject({ code: 0, stdout: `${EXAMPLE}: ok\n` })

    const bad = join(tmp.dir, 'config.yaml')
    writeFileSync(bad, 'mailbox:\n  maxMesages: 5\n')
    const refused = await runCli(['rendezvous', '--check-config', bad])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toBe(`babacloud: ${bad}: mailbox.maxMesages: unknown key (did you mean maxMessages?)\n`)
    expect(refused.stdout).toBe('')

    const json = await runCli(['rendezvous', '--check-config', bad, '--json'])
    expect(json.code).toBe(2)
    expect(JSON.parse(json.stderr)).toEqual({ error: { code: 'BAD_CONFIG', message: `${bad}: mailbox.maxMesages: unknown key (did you mean maxMessages?)` } })
    expect(JSON.parse((await runCli(['rendezvous', '--check-config', EXAMPLE, '--json'])).stdout)).toEqual({ ok: true, file: EXAMPLE })
  })

  it('refuses to start a node on a config with an unknown key', async () => {
    const tmp = tempDir()
    cleanup.add(tmp.remove)
    const bad = join(tmp.dir, 'config.yaml')
    writeFileSync(bad, 'limits:\n  maxConections: 5\n')
    const r = await runCli(['rendezvous', '--data', join(tmp.dir, 'data'), '--config', bad, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off', '--metrics', 'off'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`babacloud: ${bad}: limits.maxConections: unknown key (did you mean maxConnections?)\n`)
  })
})
