// The account and backup commands as a person runs them.
import { readFileSync, writeFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { bytesToHex } from '@noble/hashes/utils.js'
import { BlobClient } from '../../protocol/attachments/blob-client.ts'
import { sealAttachment } from '../../protocol/attachments/cipher.ts'
import { Home } from '../../node/home.ts'
import { runCli, startRendezvousProcess } from '../helpers/cli.ts'
import { startSmtp } from '../helpers/smtp.ts'

import { createPeer, startRendezvous } from '../helpers/network.ts'
import { Cleanup, tempDir } from '../helpers/wait.ts'

describe('babacloud account and backup', { timeout: 120_000 }, () => {
  const cleanup = new Cleanup()
  afterEach(async () => { await cleanup.run() })

  it('creates, shows, exports and deletes an account; refuses under-13s', async () => {
    const tmp = tempDir('babacloud-acct-')
    cleanup.add(tmp.remove)
    const node = await startRendezvousProcess(cleanup, ['--data', `${tmp.dir}/rv`, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off'])
    const rv = node.info.multiaddrs[0]
    const home = `${tmp.dir}/ana`
    const kid = `${tmp.dir}/kid`
    await Promise.all([runCli(['init', '--home', home]), runCli(['init', '--home', kid])])

    const young = new Date(Date.now() - 10 * 365 * 86_400_000).toISOString().slice(0, 10)
    const [created, refused] = await Promise.all([
      runCli(['account', 'create', '--home', home, '--rendezvous', rv, '--username', 'ana', '--email', 'ana@example.org', '--birth-date', '1985-02-03', '--json']),
      runCli(['account', 'create', '--home', kid, '--rendezvous', rv, '--username', 'kiddo', '--birth-date', young])
    ])
    expect(created.code).toBe(0)
    const account = JSON.parse(created.stdout)
    expect(account).toMatchObject({ username: 'ana', email: 'ana@example.org', restricted: false })
    expect(account.id).toMatch(/^[0-9a-f]{32}$/)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/at least 13 years old/)

    const shown = JSON.parse((await runCli(['account', 'show', '--home', home, '--json'])).stdout)
    expect(shown.id).toBe(account.id)
    expect(shown.mailRetentionHours).toBeNull()

    // How long waiting mail is kept: within the plan's retention, in the account and its export.
    expect(JSON.parse((await runCli(['account', 'keep-mail', '3d', '--home', home, '--json'])).stdout)).toMatchObject({ mailRetentionHours: 72 })
    expect((await runCli(['account', 'show', '--home', home])).stdout).toContain('waiting mail kept: 3 days')
    const tooLong = await runCli(['account', 'keep-mail', '9w', '--home', home])
    expect(tooLong.code).not.toBe(0)
    expect(tooLong.stderr).toMatch(/retention: at most \d+ h \(\d+ days\) on this account.s plan/)
    const garbled = await runCli(['account', 'keep-mail', 'forever', '--home', home])
    expect(garbled.code).not.toBe(0)
    expect(garbled.stderr).toContain('not a duration like 12h, 3d or 2w')

    const out = `${tmp.dir}/export.json`
    expect((await runCli(['account', 'export', '--home', home, '--out', out])).code).toBe(0)
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ schema: 'babacloud.account-export', account: { id: account.id, username: 'ana' }, consents: { mailRetentionHours: 72 } })

    const notConfirmed = await runCli(['account', 'delete', '--home', home])
    expect(notConfirmed.stderr).toMatch(/--yes/)
    expect((await runCli(['account', 'delete', '--home', home, '--yes'])).code).toBe(0)
    const gone = await runCli(['account', 'show', '--home', home, '--json'])
    expect(JSON.parse(gone.stderr)).toMatchObject({ error: { code: 'NOT_FOUND' } })
  })

  it('verifies an email with a mailed code, links a device with a code, and says when phones cannot be verified', async () => {
    const tmp = tempDir('babacloud-verify-')
    cleanup.add(tmp.remove)
    const smtp = await startSmtp(cleanup)
    writeFileSync(`${tmp.dir}/rv.json`, JSON.stringify({ smtp: smtp.config }))
    const node = await startRendezvousProcess(cleanup, ['--data', `${tmp.dir}/rv`, '--config', `${tmp.dir}/rv.json`, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off'])
    const rv = node.info.multiaddrs[0]
    const [ana, phone, friend] = ['ana', 'phone', 'friend'].map(n => `${tmp.dir}/${n}`)
    await Promise.all([ana, phone, friend].map(async home => await runCli(['init', '--home', home])))
    await runCli(['account', 'create', '--home', ana, '--rendezvous', rv, '--username', 'ana', '--birth-date', '1985-02-03'])
    await runCli(['account', 'create', '--home', friend, '--rendezvous', rv, '--username', 'friend', '--birth-date', '1985-02-03'])

    const sent = await runCli(['account', 'verify', '--home', ana, '--email', 'Ana@Example.org', '--json'])
    expect(JSON.parse(sent.stdout)).toMatchObject({ kind: 'email', sentTo: 'ana@example.org' })
    const wrong = await runCli(['account', 'verify', '--home', ana, '--email', '--code', '0000-0000', '--json'])
    expect(JSON.parse(wrong.stderr)).toMatchObject({ error: { code: 'WRONG_CODE' } })
    const code = await smtp.codeFor('ana@example.org')
    const verified = await runCli(['account', 'verify', '--home', ana, '--email', '--code', code, '--json'])
    expect(JSON.parse(verified.stdout)).toMatchObject({ kind: 'email', value: 'ana@example.org', verified: true })
    expect(JSON.parse((await runCli(['account', 'show', '--home', ana, '--json'])).stdout)).toMatchObject({ email: 'ana@example.org', emailVerified: true })
    const found = await runCli(['account', 'discover', '--home', friend, '--email', 'ana@example.org', '--json'])
    expect(JSON.parse(found.stdout)).toMatchObject({ username: 'ana' })

    const noSms = await runCli(['account', 'verify', '--home', ana, '--phone', '+41791234567'])
    expect(noSms.code).toBe(1)
    expect(noSms.stderr.trim().split('\n')).toHaveLength(1)
    expect(noSms.stderr).toMatch(/cannot send codes to a phone number/)

    const link = JSON.parse((await runCli(['account', 'link-code', '--home', ana, '--json'])).stdout)
    expect(link).toMatchObject({ account: 'ana', code: expect.stringMatching(/^\d{4}-\d{4}-[a-z2-9]{8}$/) })
    const linked = await runCli(['account', 'link', '--home', phone, '--rendezvous', rv, '--account', '@ana', '--code', link.code, '--json'])
    expect(JSON.parse(linked.stdout).devices).toHaveLength(2)
  })

  it('lists, deletes and clears the attachments waiting for this device (`account blobs`)', async () => {
    const tmp = tempDir('babacloud-blobs-cli-')
    cleanup.add(tmp.remove)
    const rv = await startRendezvous(cleanup)
    const home = `${tmp.dir}/me`
    // The identity is made in-process: `babacloud init` has its own tests, and each CLI run costs seconds.
    const me = (await new Home(home).init()).identity.peerId
    const [spammer, friend] = await Promise.all([createPeer(cleanup, rv.addr), createPeer(cleanup, rv.addr)])
    const spam = [sealAttachment(new Uint8Array(100)), sealAttachment(new Uint8Array(200))]
    for (const s of spam) await new BlobClient(spammer.node, rv.addr).upload(me, s)
    const wanted = sealAttachment(new Uint8Array(300))
    await new BlobClient(friend.node, rv.addr).upload(me, wanted)
    const args = ['account', 'blobs', '--home', home, '--rendezvous', rv.addr.toString(), '--json']

    const listed = JSON.parse((await runCli(args)).stdout)
    expect(listed.blobs).toHaveLength(3)
    expect(listed.blobs.find((b: { id: string }) => b.id === bytesToHex(wanted.id))).toMatchObject({ from: friend.node.peerId.toString(), size: 316 })
    const cleared = await runCli([...args, '--clear', '--from', spammer.node.peerId.toString()])
    expect(JSON.parse(cleared.stdout)).toEqual({ deleted: 2 })
    const deleted = await runCli([...args, '--delete', bytesToHex(wanted.id)])
    expect(JSON.parse(deleted.stdout)).toEqual({ deleted: 1 })
    expect((await rv.node.blobs.stats()).blobs).toBe(0)
    const bad = await runCli([...args, '--delete', 'not-an-id'])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toMatch(/not an attachment id/)
  })

  it('restores a backup on a fresh home, and a wrong passphrase changes nothing', async () => {
    const tmp = tempDir('babacloud-backup-')
    cleanup.add(tmp.remove)
    const node = await startRendezvousProcess(cleanup, ['--data', `${tmp.dir}/rv`, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off'])
    const rv = node.info.multiaddrs[0]
    const [a, b] = await Promise.all([
      runCli(['init', '--home', `${tmp.dir}/old`, '--json']),
      runCli(['init', '--home', `${tmp.dir}/friend`, '--json'])
    ])
    const me = JSON.parse(a.stdout).peerId
    await runCli(['send', '--home', `${tmp.dir}/friend`, '--rendezvous', rv, '--to', me, 'remember this'])
    await runCli(['inbox', '--home', `${tmp.dir}/old`, '--rendezvous', rv])
    const pass = `${tmp.dir}/pass`
    writeFileSync(pass, 'correct horse battery staple\n')
    const created = await runCli(['backup', 'create', '--home', `${tmp.dir}/old`, '--out', `${tmp.dir}/device.backup`, '--passphrase-file', pass, '--json'])
    expect(created.code).toBe(0)
    expect(readFileSync(`${tmp.dir}/device.backup`).includes(Buffer.from('remember this'))).toBe(false)

    const wrong = await runCli(['backup', 'restore', '--in', `${tmp.dir}/device.backup`, '--home', `${tmp.dir}/new`, '--json'], { env: { BABACLOUD_PASSPHRASE: 'not it' } })
    expect(wrong.code).toBe(1)
    expect(JSON.parse(wrong.stderr)).toMatchObject({ error: { code: 'WRONG_PASSPHRASE' } })
    // Nothing was written: the home is still free for the right passphrase.
    const restored = await runCli(['backup', 'restore', '--in', `${tmp.dir}/device.backup`, '--home', `${tmp.dir}/new`, '--passphrase-file', pass, '--json'])
    expect(JSON.parse(restored.stdout)).toMatchObject({ peerId: me, messages: 1 })
    const history = await runCli(['inbox', '--home', `${tmp.dir}/new`, '--all', '--json'])
    expect(JSON.parse(history.stdout.trim())).toMatchObject({ text: 'remember this', from: JSON.parse(b.stdout).peerId })
    // And it is the same device: it can chat as before.
    const again = await runCli(['backup', 'restore', '--in', `${tmp.dir}/device.backup`, '--home', `${tmp.dir}/new`, '--passphrase-file', pass])
    expect(again.stderr).toMatch(/already has an identity/)
  })
})
