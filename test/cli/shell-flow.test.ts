// The README's shell flow, run for real: `babacloud rendezvous` in one process, `babacloud init`,
// `send` and `inbox` as separate commands, plus what a person sees when the input is wrong.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli, startRendezvousProcess } from '../helpers/cli.ts'
import { Cleanup, tempDir, waitFor } from '../helpers/wait.ts'

const BIN = fileURLToPath(new URL('../../bin/babacloud.js', import.meta.url))

describe('babacloud command line', { timeout: 120_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  async function setup (): Promise<{ dir: string, rv: string, bob: string, http: string }> {
    const tmp = tempDir('babacloud-cli-')
    cleanup.add(tmp.remove)
    const node = await startRendezvousProcess(cleanup, ['--data', `${tmp.dir}/rv`, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', '127.0.0.1:0'])
    const alice = await runCli(['init', '--home', `${tmp.dir}/alice`, '--name', 'alice', '--json'])
    expect(alice.code).toBe(0)
    const bob = JSON.parse((await runCli(['init', '--home', `${tmp.dir}/bob`, '--json'])).stdout)
    return { dir: tmp.dir, rv: node.info.multiaddrs[0], bob: bob.peerId, http: node.info.http ?? '' }
  }

  it('sends to an offline peer and shows it once in its inbox', async () => {
    const { dir, rv, bob, http } = await setup()
    expect((await fetch(`${http}/healthz`)).status).toBe(200)

    const again = JSON.parse((await runCli(['init', '--home', `${dir}/bob`, '--json'])).stdout)
    expect(again).toMatchObject({ peerId: bob, created: false })

    const sent = await runCli(['send', '--home', `${dir}/alice`, '--rendezvous', rv, '--to', bob, '--json', 'hello', 'from', 'the', 'shell'])
    expect(sent.code).toBe(0)
    const result = JSON.parse(sent.stdout)
    expect(result).toMatchObject({ status: 'stored' })
    expect(result.id).toMatch(/^[0-9a-f]{32}$/)

    const inbox = await runCli(['inbox', '--home', `${dir}/bob`, '--rendezvous', rv, '--json'])
    expect(inbox.code).toBe(0)
    const lines = inbox.stdout.trim().split('\n').map(l => JSON.parse(l))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ id: result.id, text: 'hello from the shell' })

    // Taken already: a second run prints nothing new; --all shows the history.
    expect((await runCli(['inbox', '--home', `${dir}/bob`, '--json'])).stdout).toBe('')
    expect((await runCli(['inbox', '--home', `${dir}/bob`, '--all'])).stdout).toContain('hello from the shell')
  })

  it('delivers live to a peer waiting in `inbox --wait`', async () => {
    const { dir, rv, bob } = await setup()
    const waiting = spawn(process.execPath, [BIN, 'inbox', '--home', `${dir}/bob`, '--rendezvous', rv, '--wait', '60'], { stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = new Promise<number | null>(resolve => { waiting.on('close', resolve) })
    cleanup.add(() => { if (waiting.exitCode == null) waiting.kill('SIGKILL') })
    let out = ''
    let err = ''
    waiting.stdout.on('data', (d: Buffer) => { out += d.toString() })
    waiting.stderr.on('data', (d: Buffer) => { err += d.toString() })
    await waitFor(() => err.includes('waiting for messages'), { timeout: 30_000, what: 'inbox to be online' })

    const sent = await runCli(['send', '--home', `${dir}/alice`, '--rendezvous', rv, '--to', bob, 'live', 'hello'])
    expect(sent.code).toBe(0)
    expect(sent.stdout).toMatch(/^delivered [0-9a-f]{32} \(relayed\)/)
    await waitFor(() => out.includes('live hello'), { what: 'the live message in the waiting inbox' })
    waiting.kill('SIGINT')
    expect(await exited).toBe(0)
  })

  it('answers bad input with one line and a non-zero exit', async () => {
    const { dir, rv, bob } = await setup()
    const cases: Array<[string[], RegExp]> = [
      [['send', '--home', `${dir}/alice`, '--rendezvous', rv, '--to', 'not-a-peer', 'hi'], /not a peer id/],
      // `send` queues in the outbox while the node is down (test/cli/outbox-cli.test.ts); `inbox` needs it.
      [['inbox', '--home', `${dir}/alice`, '--rendezvous', '/ip4/127.0.0.1/tcp/9/p2p/' + bob], /unreachable/],
      [['send', '--home', `${dir}/alice`, '--rendezvous', '/nonsense/addr', '--to', bob, 'hi'], /malformed multiaddr/],
      [['inbox', '--home', `${dir}/nobody`, '--rendezvous', rv], /no identity/],
      [['send', '--to', bob], /missing required argument/],
      [['send', '--home', `${dir}/alice`, 'hi'], /required option '--to <peer>' not specified/]
    ]
    // Independent commands: run together to keep the suite quick.
    const results = await Promise.all(cases.map(async ([args]) => await runCli(args)))
    for (const [i, [args, message]] of cases.entries()) {
      const r = results[i]
      expect(r.code, args.join(' ')).not.toBe(0)
      expect(r.stderr).toMatch(message)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
    const json = await runCli(['send', '--home', `${dir}/alice`, '--rendezvous', rv, '--to', 'nope', '--json', 'hi'])
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'INVALID_PEER_ID' } })
    const usage = await runCli(['send', '--json', 'hi'])
    expect(JSON.parse(usage.stderr)).toMatchObject({ error: { code: 'USAGE', message: expect.stringContaining('--to') } })
    const help = await runCli(['inbox', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('--wait')
  })

  it('writes no prompt into piped output of `chat`', async () => {
    const { dir, rv, bob } = await setup()
    const r = await runCli(['chat', '--home', `${dir}/alice`, '--rendezvous', rv, '--to', bob], { input: 'piped hello\n/quit\n', timeout: 60_000 })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^you are 12D3Koo\w+\. commands:/)
    expect(r.stdout).toMatch(/\n {2}stored\n$/)
    expect(r.stdout).not.toContain('> ')
  })
})
