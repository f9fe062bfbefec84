// Profiles in real Chromium: a display name and a picture set in Settings reach the contacts, end to
// end encrypted, and show in their contact list and conversation header; a later change replaces it.
import { expect, it } from 'vitest'
import { iconPng } from '../../web/pwa/icons.ts'
import { describeInChromium } from '../helpers/browser.ts'
import { expectAccessible } from './accessibility.ts'
import { addContact } from './harness.ts'
import { screenshotBothWidths } from './screenshots.ts'
import { useBrowserScenario } from './scenario.ts'
import type { Page } from 'playwright-core'

const DEADLINE = { timeout: 30_000 }

async function saveProfile (page: Page, url: string, name: string, picture?: Buffer): Promise<void> {
  await page.goto(`${url}/#/settings`)
  const profile = page.getByTestId('profile')
  await profile.getByLabel('Display name').fill(name)
  if (picture != null) {
    await profile.getByLabel('Picture').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: picture })
    await profile.getByTestId('own-avatar').waitFor()
  }
  await profile.getByRole('button', { name: 'Save profile' }).click()
  await profile.getByTestId('profile-note').getByText('Saved.').waitFor(DEADLINE)
}

describeInChromium('web app: profile shared with contacts', () => {
  const { twoPeople } = useBrowserScenario()

  it('a display name and picture set in Settings reach the contact, and a change replaces them', async () => {
    const { rv, alice, bob, aliceId, bobId } = await twoPeople()
    await addContact(alice.page, bobId, 'Bob')
    await addContact(bob.page, aliceId, '')

    // Bob: a name and a picture (a big PNG, made 96×96 on his device before it is sent).
    await saveProfile(bob.page, rv.url, 'Robert B.', iconPng(600))
    expect(await bob.page.getByTestId('profile-note').innerText()).toContain('1 contact')
    await expectAccessible(bob.page, 'settings, profile with a picture', { bothSchemes: true })

    // Alice keeps her nickname "Bob" and sees his own name beside it, with the picture.
    await alice.page.goto(`${rv.url}/#/`)
    const row = alice.page.locator(`[data-testid="contact-list"] a[data-peer="${bobId}"]`)
    await row.getByTestId('shared-name').getByText('(Robert B.)').waitFor(DEADLINE)
    expect(await row.getByTestId('contact-name').innerText()).toBe('Bob')
    const avatar = row.getByTestId('contact-avatar')
    await expect.poll(async () => await avatar.evaluate(img => (img as HTMLImageElement).naturalWidth), DEADLINE).toBe(96)
    expect(await avatar.getAttribute('src')).toMatch(/^blob:/)
    await screenshotBothWidths(alice.page, 'contacts-with-profile')
    await row.click()
    // The conversation's own heading (on a wide screen the contact list beside it has one too).
    const header = alice.page.locator('#conversation-title')
    await header.getByText('(Robert B.)').waitFor(DEADLINE)
    await expectAccessible(alice.page, 'conversation with a profile')

    // Bob gave Alice no nickname: her shared name is what he sees.
    await saveProfile(alice.page, rv.url, 'Alice L.')
    await bob.page.goto(`${rv.url}/#/`)
    await bob.page.locator(`[data-testid="contact-list"] a[data-peer="${aliceId}"] [data-testid="contact-name"]`).getByText('Alice L.', { exact: true }).waitFor(DEADLINE)
    await bob.page.goto(`${rv.url}/#/chat/${aliceId}`)
    await bob.page.getByRole('heading', { name: 'Alice L.' }).waitFor(DEADLINE)
    // In a group too, Alice's messages are signed with her shared name on Bob's screen.
    await bob.page.goto(`${rv.url}/#/groups/new`)
    await bob.page.getByLabel('Group name').fill('Names')
    await bob.page.getByLabel('Alice L.').check()
    await bob.page.getByRole('button', { name: 'Create group' }).click()
    await bob.page.getByRole('heading', { name: 'Names' }).waitFor(DEADLINE)
    const groupUrl = bob.page.url()
    await alice.page.goto(`${rv.url}/#/`)
    await alice.page.locator('[data-testid="group-list"] a').first().click(DEADLINE)
    await alice.page.getByRole('heading', { name: 'Names' }).waitFor(DEADLINE)
    await alice.page.getByRole('textbox', { name: 'Message' }).fill('from Alice to the group')
    await alice.page.getByRole('textbox', { name: 'Message' }).press('Enter')
    await bob.page.goto(groupUrl)
    await bob.page.locator(`li[data-from="${aliceId}"] .from`, { hasText: 'Alice L.' }).waitFor(DEADLINE)

    // A change replaces the earlier name; the picture stays when only the name changes.
    await saveProfile(bob.page, rv.url, 'Rob')
    await alice.page.goto(`${rv.url}/#/`)
    await row.getByTestId('shared-name').getByText('(Rob)').waitFor(DEADLINE)
    expect(await row.getByTestId('contact-avatar').count()).toBe(1)
    // And it survives a reload: kept on Alice's device.
    await alice.page.reload()
    await row.getByTestId('shared-name').getByText('(Rob)').waitFor(DEADLINE)

    expect(alice.errors).toEqual([])
    expect(bob.errors).toEqual([])
  }, 120_000)
})
