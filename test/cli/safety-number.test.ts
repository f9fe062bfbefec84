// `babacloud safety-number` as two people run it: each on their own device, the same 60 digits.
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'

describe('babacloud safety-number', () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('prints the same number on both devices, grouped for reading aloud', async () => {
    const tmp = tempDir('babacloud-sn-')
    cleanup.add(tmp.remove)
    const [ana, ben] = await Promise.all(['ana', 'ben', 'cy'].map(async name => JSON.parse((await runCli(['init', '--home', `${tmp.dir}/${name}`, '--json'])).stdout) as { peerId: string }))
    const [fromAna, fromBen, plain, other] = await Promise.all([
      runCli(['safety-number', '--home', `${tmp.dir}/ana`, '--peer', ben.peerId, '--json']),
      runCli(['safety-number', '--home', `${tmp.dir}/ben`, '--peer', ana.peerId, '--json']),
      runCli(['safety-number', '--home', `${tmp.dir}/ana`, '--peer', ben.peerId]),
      runCli(['safety-number', '--home', `${tmp.dir}/cy`, '--peer', ben.peerId, '--json'])
    ])
    expect(fromAna.code).toBe(0)
    const a = JSON.parse(fromAna.stdout)
    const b = JSON.parse(fromBen.stdout)
    expect(a.safetyNumber).toMatch(/^\d{60}$/)
    expect(b.safetyNumber).toBe(a.safetyNumber)
    expect(a).toMatchObject({ peer: ben.peerId, formatted: a.safetyNumber.match(/.{5}/g).join(' ') })
    expect(plain.stdout.trim()).toMatch(/^(\d{5} ){11}\d{5}$/)
    expect(plain.stdout.trim()).toBe(a.formatted)
    // Another pair has another number.
    expect(JSON.parse(other.stdout).safetyNumber).not.toBe(a.safetyNumber)
  })

  it('refuses a malformed peer id with one line and a non-zero exit', async () => {
    const tmp = tempDir('babacloud-sn-')
    cleanup.add(tmp.remove)
    await runCli(['init', '--home', `${tmp.dir}/ana`])
    const bad = await runCli(['safety-number', '--home', `${tmp.dir}/ana`, '--peer', 'not-a-peer', '--json'])
    expect(bad.code).toBe(1)
    expect(JSON.parse(bad.stderr)).toMatchObject({ error: { code: 'INVALID_PEER_ID' } })
    const noHome = await runCli(['safety-number', '--home', `${tmp.dir}/nobody`, '--peer', 'x'])
    expect(noHome.code).toBe(1)
    expect(noHome.stderr.trim().split('\n')).toHaveLength(1)
  })
})
