// A group across two real Chromium browsers and one Node peer driven through the real `babacloud`
// command line, on one rendezvous: created in the web app, every member sees every other member's
// message, and the encryption setting shows for every member.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import { describeInChromium, launchBrowser, removeDir } from '../helpers/browser.ts'
import { runCli } from '../helpers/cli.ts'
import { Cleanup, waitFor } from '../helpers/wait.ts'
import { addContact, buildWebApp, createIdentity, disposeWebApp, sendMessage, startRendezvous } from './harness.ts'
import { screenshotBothWidths } from './screenshots.ts'
import type { BrowserSession } from '../helpers/browser.ts'
import type { RunningRendezvous } from './harness.ts'
import type { Page } from 'playwright-core'

const DEADLINE = { timeout: 30_000 }
// Longer than a browser-only scenario: the Node peer is a `babacloud` process per step (32 s in a
// normal run; over 120 s when two suites shared the two cores).
const SCENARIO_TIMEOUT = 180_000


async function groupTexts (page: Page): Promise<string[]> {
  return await page.locator('[data-testid="messages"] li[data-id] .text').allInnerTexts()
}

describeInChromium('web app: groups with browsers and a Node peer', () => {
  let webRoot: string
  let rendezvous: RunningRendezvous | undefined
  const sessions: BrowserSession[] = []
  const dirs: string[] = []
  const cleanup = new Cleanup()

  beforeAll(async () => {
    webRoot = await buildWebApp()
  })

  afterAll(async () => {
    await disposeWebApp()
  })

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map(async s => { await s.close() }))
    await cleanup.run()
    await rendezvous?.node.stop()
    rendezvous = undefined
    await Promise.all(dirs.splice(0).map(removeDir))
  })

  async function browser (): Promise<BrowserSession> {
    const session = await launchBrowser()
    sessions.push(session)
    dirs.push(session.profileDir)
    return session
  }

  it('two browsers and a Node peer exchange group messages; each sees the others\'', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'babacloud-rv-'))
    dirs.push(dataDir)
    rendezvous = await startRendezvous(dataDir, webRoot)
    const rv = rendezvous
    const [alice, bob] = await Promise.all([browser(), browser()])
    await Promise.all([alice.page.goto(rv.url), bob.page.goto(rv.url)])
    const [aliceId, bobId] = await Promise.all([createIdentity(alice.page), createIdentity(bob.page)])

    // The Node peer is a device home used through the CLI, as a person at a terminal would.
    const tcpAddr = rv.info.multiaddrs.find(ma => !ma.includes('/ws')) as string
    const home = join(dataDir, 'carol')
    const cli = async (...args: string[]): Promise<string> => {
      const r = await runCli([...args, '--home', home, '--json'], { timeout: 60_000 })
      if (r.code !== 0) throw new Error(`babacloud ${args.join(' ')}: ${r.stderr}`)
      return r.stdout
    }
    const lines = (out: string): Array<Record<string, unknown>> => out.trim().split('\n').filter(l => l !== '').map(l => JSON.parse(l))
    const carolId = JSON.parse(await cli('init')).peerId as string
    const carolGroup = async (): Promise<Record<string, unknown> | undefined> => lines(await cli('group', 'list')).find(g => g.id === groupId)
    let groupId = ''

    // Carol writes to both first, so each browser has her as a contact.
    for (const [page, id] of [[alice.page, aliceId], [bob.page, bobId]] as const) {
      await cli('send', '--rendezvous', tcpAddr, '--to', id, 'hello from the Node peer')
      await page.goto(`${rv.url}/#/`)
      await page.locator(`[data-testid="contact-list"] a[data-peer="${carolId}"]`).waitFor(DEADLINE)
    }
    await addContact(alice.page, carolId, 'Carol')
    await addContact(alice.page, bobId, 'Bob')
    await sendMessage(alice.page, 'Hi Bob')
    await bob.page.goto(`${rv.url}/#/chat/${aliceId}`)
    await bob.page.locator('li.in[data-id]').waitFor(DEADLINE)
    await addContact(bob.page, aliceId, 'Alice')

    // Alice creates an end-to-end encrypted group with Bob and the Node peer.
    await alice.page.goto(`${rv.url}/#/`)
    await alice.page.getByRole('link', { name: 'New group' }).click()
    await alice.page.getByLabel('Group name').fill('Weekend plans')
    await expect.poll(async () => await alice.page.getByLabel('End-to-end encrypted').isChecked()).toBe(true)
    await alice.page.getByLabel('Bob').check()
    await alice.page.getByLabel('Carol').check()
    await screenshotBothWidths(alice.page, 'group-new')
    await alice.page.getByRole('button', { name: 'Create group' }).click()
    await alice.page.getByRole('heading', { name: 'Weekend plans' }).waitFor(DEADLINE)
    groupId = decodeURIComponent(new URL(alice.page.url()).hash.split('/')[2])

    // Every member sees the group and its encryption setting.
    await bob.page.goto(`${rv.url}/#/`)
    await bob.page.locator(`[data-testid="group-list"] a[data-group="${groupId}"]`).click(DEADLINE)
    await bob.page.getByRole('heading', { name: 'Weekend plans' }).waitFor()
    for (const page of [alice.page, bob.page]) {
      expect(await page.getByTestId('group-encryption').getAttribute('data-encryption')).toBe('e2ee')
      await page.getByText('3 members').click()
      expect(await page.getByTestId('group-members').locator('li').count()).toBe(3)
    }
    // `babacloud inbox` takes the invitation and the keys; `group list` then shows the group.
    const info = await waitFor(async () => { await cli('inbox'); return await carolGroup() }, { what: 'the invitation at the Node peer', timeout: 90_000 })
    expect(info).toMatchObject({ name: 'Weekend plans', encryption: 'e2ee', admins: [aliceId] })
    expect(new Set(info.members as string[])).toEqual(new Set([aliceId, bobId, carolId]))

    await cli('group', 'send', '--group', groupId, 'Node peer here')
    await sendMessage(alice.page, 'Alice here')
    await sendMessage(bob.page, 'Bob here')
    const all = ['Node peer here', 'Alice here', 'Bob here']
    for (const page of [alice.page, bob.page]) {
      await expect.poll(async () => (await groupTexts(page)).sort(), DEADLINE).toEqual([...all].sort())
    }
    const carolGot: Array<Record<string, unknown>> = []
    await waitFor(async () => {
      carolGot.push(...lines(await cli('inbox')).filter(m => m.group === groupId))
      return carolGot.length >= 2
    }, { what: 'both browsers\' messages at the Node peer', timeout: 90_000 })
    expect(carolGot.map(m => m.text).sort()).toEqual(['Alice here', 'Bob here'])
    expect(new Set(carolGot.map(m => m.from))).toEqual(new Set([aliceId, bobId]))
    // Senders are named: the Node peer by Alice's nickname for it.
    await alice.page.locator(`li[data-from="${carolId}"] .from`, { hasText: 'Carol' }).waitFor()

    await screenshotBothWidths(alice.page, 'group-conversation')
    await bob.page.getByRole('button', { name: 'Leave group' }).click()
    await bob.page.getByText('you are no longer a member').waitFor(DEADLINE)
    await waitFor(async () => { await cli('inbox'); return (await carolGroup())?.members instanceof Array && !((await carolGroup())?.members as string[]).includes(bobId) }, { what: 'the Node peer to see Bob leave', timeout: 90_000 })

    // The admin invites Bob back from the member list.
    await alice.page.getByText('2 members').waitFor(DEADLINE)
    await alice.page.getByLabel('Invite a contact').selectOption(bobId)
    await alice.page.getByRole('button', { name: 'Invite', exact: true }).click()
    await bob.page.getByText('3 members').waitFor(DEADLINE)
    await bob.page.getByRole('textbox', { name: 'Message' }).waitFor()
    await bob.page.goto(`${rv.url}/#/`)
    await bob.page.locator(`[data-testid="group-list"] a[data-group="${groupId}"]`).waitFor()
    await screenshotBothWidths(bob.page, 'contacts-with-groups')

    expect(alice.errors).toEqual([])
    expect(bob.errors).toEqual([])
  }, SCENARIO_TIMEOUT)
})
