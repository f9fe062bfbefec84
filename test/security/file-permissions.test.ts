// Guards owner-only data files (rendezvous/storage/private-files.ts: securePrivateDir on start,
// securePrivateSqlite before every SQLite open, writeFileAtomic's 0600): another local user cannot
// read a rendezvous node's accounts and mailbox, or a CLI home's identity seed, messages, sessions
// and prekey private keys. Directories end up 0700 and files 0600 whatever the umask (the test runs
// under umask 000, which the CLI children inherit), also when an older version created them
// readable to everyone.
import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AccountClient } from '../../protocol/account/account-client.ts'
import { DeviceIdentity } from '../../protocol/identity.ts'
import { runCli } from '../helpers/cli.ts'
import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'

/** Every directory and file under `dir` (itself included) with its permission bits. */
function modes (dir: string): Array<{ path: string, dir: boolean, mode: string }> {
  const out = [{ path: '.', dir: true, mode: (statSync(dir).mode & 0o777).toString(8) }]
  const walk = (path: string, rel: string): void => {
    for (const name of readdirSync(path)) {
      const st = statSync(join(path, name))
      out.push({ path: join(rel, name), dir: st.isDirectory(), mode: (st.mode & 0o777).toString(8) })
      if (st.isDirectory()) walk(join(path, name), join(rel, name))
    }
  }
  walk(dir, '')
  return out
}

function expectOwnerOnly (dir: string): void {
  const entries = modes(dir)
  const wrong = entries.filter(e => e.mode !== (e.dir ? '700' : '600'))
  expect(wrong, `not owner-only in ${dir}`).toEqual([])
}

/** What an older version left behind: everything readable (and the dirs listable) by everyone. */
function makeWorldReadable (dir: string): void {
  for (const e of modes(dir)) chmodSync(join(dir, e.path), e.dir ? 0o755 : 0o644)
}

describe('data directories and files are owner-only', () => {
  const cleanup = new Cleanup()
  let umask: number
  beforeEach(() => { umask = process.umask(0o000) })
  afterEach(async () => {
    await cleanup.run()
    process.umask(umask)
  })

  it('makes a rendezvous data dir 0700 and every file in it 0600, also existing ones', async () => {
    const tmp = tempDir('babacloud-perm-')
    cleanup.add(tmp.remove)
    const dataDir = join(tmp.dir, 'data')
    mkdirSync(dataDir, { mode: 0o755 })
    chmodSync(dataDir, 0o755)
    const first = await startRendezvous(cleanup, {}, dataDir)
    await first.node.stop()
    makeWorldReadable(dataDir)
    expect(modes(dataDir).filter(e => e.path.endsWith('.sqlite')).length).toBeGreaterThanOrEqual(3)

    const rv = await startRendezvous(cleanup, {}, dataDir)
    // Writes, so the databases have their -wal and -shm files while the node runs.
    const peer = await createPeer(cleanup, rv.addr)
    await new AccountClient(peer.node, rv.addr).signUp({ username: 'perm_check', email: 'perm@example.org' }, '1990-01-01')
    const names = modes(dataDir).map(e => e.path)
    expect(names).toEqual(expect.arrayContaining(['identity.key', 'rendezvous.json', 'accounts.sqlite', 'accounts.sqlite-wal', 'accounts.sqlite-shm', 'rendezvous.sqlite-wal']))
    expectOwnerOnly(dataDir)
  })

  it('makes a CLI home 0700 and every file in it 0600 after init and a send, also existing ones', async () => {
    const rv = await startRendezvous(cleanup)
    const tmp = tempDir('babacloud-perm-')
    cleanup.add(tmp.remove)
    const home = join(tmp.dir, 'home')
    mkdirSync(home, { mode: 0o755 })
    chmodSync(home, 0o755)
    const init = await runCli(['init', '--home', home, '--json'])
    expect(init.code, init.stderr).toBe(0)
    makeWorldReadable(home)

    const to = (await DeviceIdentity.generate()).peerId.toString()
    const sent = await runCli(['send', '--home', home, '--rendezvous', rv.addr.toString(), '--to', to, '--json', 'hello'])
    expect(sent.code, sent.stderr).toBe(0)
    expect(JSON.parse(sent.stdout).status).toBe('stored')
    // The store holds the message, the session state and the device's prekey private keys.
    expect(modes(home).map(e => e.path)).toEqual(expect.arrayContaining(['identity.key', 'settings.json', 'chat.sqlite']))
    expectOwnerOnly(home)

    // A home an older version left readable is fixed by the next command that uses it.
    makeWorldReadable(home)
    const again = await runCli(['inbox', '--home', home, '--all', '--json'])
    expect(again.code, again.stderr).toBe(0)
    expectOwnerOnly(home)
  })
})
