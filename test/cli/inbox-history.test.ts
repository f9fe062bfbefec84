// `babacloud inbox --all` reads the local history: a group message shows as one of its group, by the
// member who wrote it, never as a 1:1 message from that member.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SqliteChatStore } from '../../node/sqlite-chat-store.ts'
import { message } from '../compliance/chat-store.ts'
import { runCli } from '../helpers/cli.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'

describe('babacloud inbox --all', { timeout: 60_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('labels group messages with their group and sender, apart from 1:1 messages of the same member', async () => {
    const tmp = tempDir('babacloud-history-')
    cleanup.add(tmp.remove)
    const home = join(tmp.dir, 'me')
    expect((await runCli(['init', '--home', home, '--json'])).code).toBe(0)
    const g = 'a'.repeat(32)
    const store = new SqliteChatStore(join(home, 'chat.sqlite'))
    await store.addMessage(message(1, { peer: 'peer-a', text: 'direct from a' }))
    await store.addMessage(message(2, { peer: 'peer-a', group: g, sender: 'peer-a', text: 'a in the group' }))
    await store.addMessage(message(3, { peer: g, direction: 'out', status: 'stored', group: g, sender: 'me', text: 'me in the group' }))
    await store.close()

    const all = await runCli(['inbox', '--home', home, '--all', '--json'])
    expect(all.code).toBe(0)
    expect(all.stdout.trim().split('\n').map(l => JSON.parse(l))).toEqual([
      { kind: 'message', id: message(1).id, from: 'peer-a', text: 'direct from a', sentAt: message(1).sentAt },
      { kind: 'message', id: message(2).id, from: 'peer-a', group: g, text: 'a in the group', sentAt: message(2).sentAt },
      { kind: 'message', id: message(3).id, from: 'me', group: g, text: 'me in the group', sentAt: message(3).sentAt }
    ])
    const text = (await runCli(['inbox', '--home', home, '--all'])).stdout
    expect(text).toContain(`group ${g.slice(0, 8)}  peer-a  a in the group`)
  })
})
