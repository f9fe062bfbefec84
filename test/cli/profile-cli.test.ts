// `babacloud profile` as a person runs it: a display name shared with contacts end to end encrypted,
// seen in the contact's `inbox --json` as a `profile` line and kept for `profile --of`.
import { writeFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli, startRendezvousProcess } from '../helpers/cli.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'

describe('babacloud profile', { timeout: 180_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('shares a new display name with contacts, who see it in inbox and profile --of; refuses a bad picture offline', async () => {
    const tmp = tempDir('babacloud-profile-')
    cleanup.add(tmp.remove)
    const alice = `${tmp.dir}/alice`
    const bobHome = `${tmp.dir}/bob`
    const aliceId = JSON.parse((await runCli(['init', '--home', alice, '--json'])).stdout).peerId as string
    const bob = JSON.parse((await runCli(['init', '--home', bobHome, '--json'])).stdout).peerId as string
    const rv = (await startRendezvousProcess(cleanup, ['--data', `${tmp.dir}/rv`, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off'])).info.multiaddrs[0]
    expect((await runCli(['send', '--home', alice, '--rendezvous', rv, '--to', bob, 'hello'])).code).toBe(0)

    // A picture that is not one is refused before anything goes out.
    writeFileSync(`${tmp.dir}/big.png`, new Uint8Array(30 * 1024))
    const big = await runCli(['profile', '--home', alice, '--avatar', `${tmp.dir}/big.png`])
    expect(big.code).not.toBe(0)
    expect(big.stderr).toContain('at most 24 KiB')

    const shared = await runCli(['profile', '--home', alice, '--name', 'Alice Liddell', '--json'])
    expect(shared.code).toBe(0)
    expect(JSON.parse(shared.stdout)).toMatchObject({ displayName: 'Alice Liddell', avatar: null, sharedWith: 1 })
    expect(JSON.parse((await runCli(['profile', '--home', alice, '--json'])).stdout)).toMatchObject({ displayName: 'Alice Liddell' })

    const lines = (await runCli(['inbox', '--home', bobHome, '--rendezvous', rv, '--json'])).stdout.split('\n').filter(l => l !== '').map(l => JSON.parse(l))
    expect(lines.filter(l => l.kind === 'message').map(l => l.text)).toEqual(['hello'])
    expect(lines.filter(l => l.kind === 'profile')).toEqual([expect.objectContaining({ from: aliceId, displayName: 'Alice Liddell', avatar: null })])
    const of = await runCli(['profile', '--home', bobHome, '--of', aliceId])
    expect(of.stdout).toContain(`${aliceId}: Alice Liddell`)
  })
})
