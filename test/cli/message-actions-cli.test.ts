// `babacloud send --reply-to`, `react`, `edit` and `delete` run as real commands against a real
// rendezvous process, with the `kind` lines `inbox --json` prints for what they cause, in a 1:1
// chat and in a group.
import { afterEach, describe, expect, it } from 'vitest'
import { runCli, startRendezvousProcess } from '../helpers/cli.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'

type Line = Record<string, unknown>

const lines = (stdout: string): Line[] => stdout.trim() === '' ? [] : stdout.trim().split('\n').map(l => JSON.parse(l) as Line)

describe('babacloud react, edit, delete and replies', { timeout: 300_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  async function setup (): Promise<{ run: (who: 'alice' | 'bob', args: string[]) => Promise<{ code: number | null, stdout: string, stderr: string }>, alice: string, bob: string }> {
    const tmp = tempDir('babacloud-actions-cli-')
    cleanup.add(tmp.remove)
    const node = await startRendezvousProcess(cleanup, ['--data', `${tmp.dir}/rv`, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', '127.0.0.1:0'])
    const rv = node.info.multiaddrs[0]
    const alice = JSON.parse((await runCli(['init', '--home', `${tmp.dir}/alice`, '--json'])).stdout).peerId as string
    const bob = JSON.parse((await runCli(['init', '--home', `${tmp.dir}/bob`, '--json'])).stdout).peerId as string
    const run = async (who: 'alice' | 'bob', args: string[]): ReturnType<typeof runCli> => {
      const [command, ...rest] = args
      return await runCli([...command.split(' '), '--home', `${tmp.dir}/${who}`, '--rendezvous', rv, ...rest], { timeout: 60_000 })
    }
    return { run, alice, bob }
  }

  it('1:1: a quoted reply, a reaction, an edit and a delete for everyone, each seen as its kind', async () => {
    const { run, alice, bob } = await setup()
    const ok = async (who: 'alice' | 'bob', args: string[]): Promise<Line[]> => {
      const r = await run(who, args)
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
      return lines(r.stdout)
    }
    const [hello] = await ok('alice', ['send', '--to', bob, '--json', 'lunch at noon?'])
    const [oops] = await ok('alice', ['send', '--to', bob, '--json', 'wrong chat'])
    expect(await ok('bob', ['inbox', '--json'])).toEqual([
      { kind: 'message', id: hello.id, from: alice, text: 'lunch at noon?', sentAt: expect.any(Number) },
      { kind: 'message', id: oops.id, from: alice, text: 'wrong chat', sentAt: expect.any(Number) }
    ])

    const [reply] = await ok('bob', ['send', '--to', alice, '--reply-to', hello.id as string, '--json', 'yes!'])
    expect(await ok('bob', ['react', '--to', alice, '--message', hello.id as string, '--json', '👍'])).toEqual([{ id: hello.id, kind: 'reaction', emoji: '👍', status: 'stored' }])
    expect(await ok('alice', ['edit', '--to', bob, '--message', hello.id as string, '--json', 'lunch at one?'])).toEqual([{ id: hello.id, kind: 'edit', text: 'lunch at one?', status: 'stored' }])
    expect(await ok('alice', ['delete', '--message', oops.id as string, '--for-everyone', '--json'])).toEqual([{ id: oops.id, deleted: 'everyone', status: 'stored' }])

    const atAlice = await ok('alice', ['inbox', '--json'])
    expect(atAlice).toEqual([
      { kind: 'message', id: reply.id, from: bob, text: 'yes!', sentAt: expect.any(Number), replyTo: hello.id },
      { kind: 'reaction', id: expect.any(String), messageId: hello.id, from: bob, emoji: '👍', sentAt: expect.any(Number) }
    ])
    const atBob = await ok('bob', ['inbox', '--json'])
    expect(atBob).toEqual([
      { kind: 'edit', id: expect.any(String), messageId: hello.id, from: alice, text: 'lunch at one?', sentAt: expect.any(Number) },
      { kind: 'delete', id: expect.any(String), messageId: oops.id, from: alice, sentAt: expect.any(Number) }
    ])

    // People see the quote, "(edited)", the reaction and the tombstone in the history.
    const aliceHistory = (await run('alice', ['inbox', '--all'])).stdout
    // The quote comes from Alice's own copy, already edited when the reply arrived.
    expect(aliceHistory).toMatch(/ {2}> lunch at one\?\n.* yes!/)
    expect(aliceHistory).toMatch(/to .* lunch at one\? {2}\(edited\) {2}\[👍\]/)
    expect(aliceHistory).toContain('(deleted for everyone)')
    expect(aliceHistory).not.toContain('wrong chat')
    const bobHistory = lines((await run('bob', ['inbox', '--all', '--json'])).stdout)
    expect(bobHistory.find(l => l.id === hello.id)).toMatchObject({ text: 'lunch at one?', edited: true, edits: [{ text: 'lunch at noon?' }], reactions: [{ from: bob, emoji: '👍' }] })
    expect(bobHistory.find(l => l.id === oops.id)).toMatchObject({ text: '', deleted: true })

    // Taking the reaction back.
    expect(await ok('bob', ['react', '--to', alice, '--message', hello.id as string, '--remove', '--json'])).toEqual([{ id: hello.id, kind: 'reaction', emoji: '', status: 'stored' }])
    expect(await ok('alice', ['inbox', '--json'])).toEqual([
      { kind: 'reaction', id: expect.any(String), messageId: hello.id, from: bob, emoji: '', sentAt: expect.any(Number) }
    ])
  })

  it('group: a quoted reply and a reaction reach the other member as `message` and `reaction` lines', async () => {
    const { run, bob } = await setup()
    const ok = async (who: 'alice' | 'bob', args: string[]): Promise<Line[]> => {
      const r = await run(who, args)
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
      return lines(r.stdout)
    }
    const [group] = await ok('alice', ['group create', '--name', 'trip', '--member', bob, '--json'])
    await ok('bob', ['inbox', '--json'])
    const [plan] = await ok('alice', ['group send', '--group', group.id as string, '--json', 'train at 9'])
    expect(await ok('bob', ['inbox', '--json'])).toEqual([expect.objectContaining({ kind: 'message', id: plan.id, group: group.id, text: 'train at 9' })])
    const [answer] = await ok('bob', ['group send', '--group', group.id as string, '--reply-to', plan.id as string, '--json', 'ok'])
    await ok('bob', ['react', '--group', group.id as string, '--message', plan.id as string, '--json', '🚆'])
    const atAlice = await ok('alice', ['inbox', '--json'])
    expect(atAlice).toContainEqual(expect.objectContaining({ kind: 'message', id: answer.id, replyTo: plan.id, text: 'ok' }))
    expect(atAlice).toContainEqual(expect.objectContaining({ kind: 'reaction', messageId: plan.id, group: group.id, emoji: '🚆' }))
  })

  it('refuses what is not allowed with one line and a non-zero exit; every command has --help; deletes here only', async () => {
    const { run, alice, bob } = await setup()
    const [hello] = lines((await run('alice', ['send', '--to', bob, '--json', 'hi'])).stdout)
    await run('bob', ['inbox', '--json'])
    const cases: Array<['alice' | 'bob', string[], RegExp]> = [
      ['bob', ['react', '--to', alice, '--message', hello.id as string, 'ok'], /one emoji/],
      ['bob', ['react', '--to', alice, '--message', hello.id as string, '👍👍'], /one emoji/],
      ['bob', ['react', '--message', hello.id as string, '👍'], /--to PEERID or --group ID/],
      ['bob', ['react', '--to', bob, '--message', hello.id as string, '👍'], /no message .* in the conversation/],
      ['bob', ['edit', '--to', alice, '--message', hello.id as string, 'forged'], /only the author/],
      ['bob', ['delete', '--message', hello.id as string, '--for-everyone'], /only the sender/],
      ['bob', ['delete', '--message', 'f'.repeat(32)], /no message/],
      ['bob', ['send', '--to', alice, '--reply-to', 'f'.repeat(32), 'hm'], /no message/]
    ]
    // Independent commands: run together to keep the suite quick.
    const results = await Promise.all(cases.map(async ([who, args]) => await run(who, args)))
    for (const [i, [, args, pattern]] of cases.entries()) {
      expect(results[i].code, args.join(' ')).not.toBe(0)
      expect(results[i].stderr, args.join(' ')).toMatch(pattern)
      expect(results[i].stderr.trim().split('\n'), args.join(' ')).toHaveLength(1)
    }
    const helps = await Promise.all(['react', 'edit', 'delete'].map(async command => await runCli([command, '--help'])))
    for (const help of helps) {
      expect(help.code).toBe(0)
      expect(help.stdout).toContain('--message <id>')
      expect(help.stdout).toContain('--json')
    }
    expect((await runCli(['send', '--help'])).stdout).toContain('--reply-to <id>')

    // Deleting here only: no network, and the message is gone from Bob's store.
    expect(lines((await run('bob', ['delete', '--message', hello.id as string, '--json'])).stdout)).toEqual([{ id: hello.id, deleted: 'here' }])
    expect((await run('bob', ['inbox', '--all', '--json'])).stdout).toBe('')
  })
})
