// `account link-code` / `account link --wait` as a person runs them: the new device takes the history
// from the old one while that one is online in `babacloud inbox --wait`, and a deletion and a contact
// added on the new one follow to the old one.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { Home } from '../../node/home.ts'
import { SqliteChatStore } from '../../node/sqlite-chat-store.ts'
import { runCli } from '../helpers/cli.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, tempDir, waitFor } from '../helpers/wait.ts'

const BIN = fileURLToPath(new URL('../../bin/babacloud.js', import.meta.url))
const lines = (stdout: string): Array<Record<string, unknown>> => stdout.trim() === '' ? [] : stdout.trim().split('\n').map(l => JSON.parse(l))

describe('babacloud account link with history', { timeout: 300_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('a device linked with --wait gets the history of a device that is online and reports what arrived; a deletion, a message and a contact added on it follow to the other device', async () => {
    const tmp = tempDir('babacloud-history-cli-')
    cleanup.add(tmp.remove)
    const rv = await startRendezvous(cleanup)
    const addr = rv.addr.toString()
    const [ana, phone] = [`${tmp.dir}/ana`, `${tmp.dir}/phone`]
    // Identities are made in-process: `babacloud init` has its own tests, and each CLI run costs seconds.
    const anaId = (await new Home(ana).init()).identity.peerId.toString()
    await new Home(phone).init()
    expect((await runCli(['account', 'create', '--home', ana, '--rendezvous', addr, '--username', 'ana', '--birth-date', '1985-02-03'])).code).toBe(0)
    const bob = await createPeer(cleanup, rv.addr)
    await bob.client.start()
    for (const text of ['one', 'two', 'three']) await bob.client.send(anaId, text)
    expect(lines((await runCli(['inbox', '--home', ana, '--json'])).stdout).map(l => l.text)).toEqual(['one', 'two', 'three'])

    const link = JSON.parse((await runCli(['account', 'link-code', '--home', ana, '--json'])).stdout)
    expect(link).toMatchObject({ account: 'ana', code: expect.stringMatching(/^\d{4}-\d{4}-[a-z2-9]{8}$/) })

    // Nobody online yet: the link stands and the report says no history came.
    const first = await runCli(['account', 'link', '--home', phone, '--rendezvous', addr, '--account', '@ana', '--code', link.code, '--json'])
    expect(first.code).toBe(0)
    expect(JSON.parse(first.stdout)).toMatchObject({ username: 'ana', history: { error: { code: 'UNREACHABLE' } } })

    // Ana's device comes online the way a person leaves it running.
    const online = spawn(process.execPath, [BIN, 'inbox', '--home', ana, '--wait', '120'], { stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = new Promise<number | null>(resolve => { online.on('close', code => { resolve(code) }) })
    cleanup.add(async () => { if (online.exitCode == null && online.signalCode == null) { online.kill('SIGKILL'); await exited } })
    let stderr = ''
    let stdout = ''
    online.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    online.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    await waitFor(() => stderr.includes('online for'), { timeout: 60_000, what: 'ana online' })

    // Run again (already linked, so it only takes the history), with time for it to come.
    const again = await runCli(['account', 'link', '--home', phone, '--rendezvous', addr, '--account', '@ana', '--code', link.code, '--wait', '30', '--json'], { timeout: 60_000 })
    expect(again.code).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({ username: 'ana', history: { from: anaId, messages: 3, added: 3, conversations: 1 } })
    expect(JSON.parse(again.stdout).devices).toHaveLength(2)
    const onPhone = lines((await runCli(['inbox', '--home', phone, '--all', '--json'])).stdout)
    expect(onPhone.map(l => [l.text, l.from])).toEqual([['one', bob.node.peerId.toString()], ['two', bob.node.peerId.toString()], ['three', bob.node.peerId.toString()]])


    // Deleted on the phone, so gone from ana's device too (it is still online and takes it live).
    const two = onPhone.find(l => l.text === 'two')?.id as string
    expect(lines((await runCli(['delete', '--home', phone, '--message', two, '--json'])).stdout)).toEqual([{ id: two, deleted: 'here', otherDevices: 1 }])
    const anaStore = new SqliteChatStore(new Home(ana).storeFile)
    try {
      await waitFor(async () => await anaStore.getMessage(two) == null, { timeout: 30_000, what: 'the deletion on ana\'s device' })
      expect((await anaStore.listMessages()).map(m => m.text)).toEqual(['one', 'three'])
      // Sent from the phone: ana's device shows it as sent by her.
      const sent = JSON.parse((await runCli(['send', '--home', phone, '--to', bob.node.peerId.toString(), '--json', 'from the phone'])).stdout)
      expect(sent.status).toBe('delivered')
      await waitFor(async () => await anaStore.getMessage(sent.id) != null, { timeout: 30_000, what: 'the phone\'s message on ana\'s device' })
      expect(await anaStore.getMessage(sent.id)).toMatchObject({ direction: 'out', peer: bob.node.peerId.toString(), text: 'from the phone' })
      // A contact added on the phone is listed there and reaches ana's device; a bad PeerId is one clear line.
      const added = await runCli(['contact', 'add', '--home', phone, bob.node.peerId.toString(), '--name', 'Bob', '--json'])
      expect(JSON.parse(added.stdout)).toMatchObject({ peer: bob.node.peerId.toString(), nickname: 'Bob', otherDevices: 1 })
      await waitFor(async () => await anaStore.getValue(`contacts/${bob.node.peerId.toString()}`) != null, { timeout: 30_000, what: 'the contact on ana\'s device' })
      // ana's running inbox says so, one line.
      await waitFor(() => stdout.includes('changed on another device'), { timeout: 30_000, what: 'the contact line in ana\'s inbox' })
      expect(stdout.split('\n').filter(l => l.startsWith('contact '))).toEqual([`contact ${bob.node.peerId.toString()} "Bob" changed on another device`])
      expect(lines((await runCli(['contact', 'list', '--home', phone, '--json'])).stdout).map(c => [c.peer, c.nickname])).toEqual([[bob.node.peerId.toString(), 'Bob']])
      expect((await runCli(['contact', 'verify', '--home', phone, 'not-a-peer-id'])).stderr).toMatch(/not a PeerId/)
    } finally {
      await anaStore.close()
    }

    online.kill('SIGTERM')
    expect(await exited).toBe(0)
  })
})
