// `babacloud timer` as a real command against a real rendezvous process: the other side's `inbox
// --json` shows a `kind: 'timer'` line, messages sent under it carry their expiry, a bad duration
// is refused before going online, and `--help` documents the command.
import { afterEach, describe, expect, it } from 'vitest'
import { runCli, startRendezvousProcess } from '../helpers/cli.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'

type Line = Record<string, unknown>

const lines = (stdout: string): Line[] => stdout.trim() === '' ? [] : stdout.trim().split('\n').map(l => JSON.parse(l) as Line)

describe('babacloud timer', { timeout: 300_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('sets a 1:1 timer both ends see, and messages sent under it carry their expiry', async () => {
    const tmp = tempDir('babacloud-timer-cli-')
    cleanup.add(tmp.remove)
    const node = await startRendezvousProcess(cleanup, ['--data', `${tmp.dir}/rv`, '--listen', '/ip4/127.0.0.1/tcp/0'])
    const rv = node.info.multiaddrs[0]
    const alice = JSON.parse((await runCli(['init', '--home', `${tmp.dir}/alice`, '--json'])).stdout).peerId as string
    const bob = JSON.parse((await runCli(['init', '--home', `${tmp.dir}/bob`, '--json'])).stdout).peerId as string
    const ok = async (who: 'alice' | 'bob', args: string[]): Promise<Line[]> => {
      const [command, ...rest] = args
      const r = await runCli([command, '--home', `${tmp.dir}/${who}`, '--rendezvous', rv, ...rest], { timeout: 60_000 })
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
      return lines(r.stdout)
    }

    const help = await runCli(['timer', '--help'])
    expect(help.stdout).toMatch(/--peer <peer>/)
    expect(help.stdout).toMatch(/--group <id>/)
    const bad = await runCli(['timer', '--home', `${tmp.dir}/alice`, '--peer', bob, '5 weeks'])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toMatch(/not a duration/)
    const tooLong = await runCli(['timer', '--home', `${tmp.dir}/alice`, '--peer', bob, '5w'])
    expect(tooLong.code).not.toBe(0)
    expect(tooLong.stderr).toMatch(/4 weeks/)

    expect(await ok('alice', ['timer', '--peer', bob, '--json', '1d'])).toEqual([{ peer: bob, seconds: 86_400, timer: '1 day', status: 'stored' }])
    const [sent] = await ok('alice', ['send', '--to', bob, '--json', 'see you'])
    const atBob = await ok('bob', ['inbox', '--json'])
    expect(atBob).toEqual([
      { kind: 'timer', id: expect.any(String), from: alice, seconds: 86_400, sentAt: expect.any(Number) },
      { kind: 'message', id: sent.id, from: alice, text: 'see you', sentAt: expect.any(Number), expiresAt: expect.any(Number) }
    ])
    expect((atBob[1].expiresAt as number) - (atBob[1].sentAt as number)).toBe(86_400_000)

    // People read it as a sentence, on both sides.
    const r = await runCli(['inbox', '--home', `${tmp.dir}/bob`, '--all'], { timeout: 60_000 })
    expect(r.stdout).toContain(`${alice} set disappearing messages to 1 day`)
    const mine = await runCli(['inbox', '--home', `${tmp.dir}/alice`, '--all'], { timeout: 60_000 })
    expect(mine.stdout).toContain('You set disappearing messages to 1 day')

    expect(await ok('bob', ['timer', '--peer', alice, '--json', 'off'])).toEqual([{ peer: alice, seconds: 0, timer: 'off', status: 'stored' }])
    expect(await ok('alice', ['inbox', '--json'])).toEqual([{ kind: 'timer', id: expect.any(String), from: bob, seconds: 0, sentAt: expect.any(Number) }])
  })
})
