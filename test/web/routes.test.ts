// The web app's hash routes, including the group screens.
import { expect, it } from 'vitest'
import { inviteLink, linkUrl, messageHref, parseRoute, peerIdFromInvite } from '../../web/services/routes.ts'

it('parses every route, group ones included', () => {
  expect(parseRoute('')).toEqual({ name: 'contacts' })
  expect(parseRoute('#/chat/abc')).toEqual({ name: 'chat', peer: 'abc' })
  // A search result: the conversation, scrolled to one message.
  expect(parseRoute('#/chat/abc/00ff')).toEqual({ name: 'chat', peer: 'abc', focus: '00ff' })
  expect(parseRoute('#/group/g1/00ff')).toEqual({ name: 'group', groupId: 'g1', focus: '00ff' })
  expect(parseRoute(messageHref('peer:abc', '00ff'))).toEqual({ name: 'chat', peer: 'abc', focus: '00ff' })
  expect(parseRoute(messageHref('group:g1', '00ff'))).toEqual({ name: 'group', groupId: 'g1', focus: '00ff' })
  expect(parseRoute('#/groups/new')).toEqual({ name: 'new-group' })
  expect(parseRoute('#/group/0123abcd')).toEqual({ name: 'group', groupId: '0123abcd' })
  expect(parseRoute('#/group/')).toEqual({ name: 'contacts' })
  expect(parseRoute('#/groups')).toEqual({ name: 'contacts' })
  expect(parseRoute('#/settings')).toEqual({ name: 'settings' })
})

it('reads an invite link with and without the name it gives, and builds one', () => {
  expect(parseRoute('#/invite/12D3KooWabc')).toEqual({ name: 'contacts', invite: '12D3KooWabc' })
  expect(parseRoute('#/invite/12D3KooWabc/%40alice_web')).toEqual({ name: 'contacts', invite: '12D3KooWabc', inviteName: '@alice_web' })
  // A malformed escape is shown as typed instead of breaking the page.
  expect(parseRoute('#/invite/12D3KooWabc/%E0%A4%A')).toEqual({ name: 'contacts', invite: '12D3KooWabc', inviteName: '%E0%A4%A' })
  const page = { origin: 'https://chat.example', pathname: '/' }
  expect(inviteLink(page, '12D3KooWabc')).toBe('https://chat.example/#/invite/12D3KooWabc')
  expect(inviteLink(page, '12D3KooWabc', '@alice_web')).toBe('https://chat.example/#/invite/12D3KooWabc/%40alice_web')
  expect(peerIdFromInvite(inviteLink(page, '12D3KooWabc', '@alice_web'))).toBe('12D3KooWabc')
})

it('reads the link address a device shows as a QR image, and builds one', () => {
  const page = { origin: 'https://chat.example', pathname: '/' }
  const url = linkUrl(page, 'alice_web', '1234-5678-abcdefgh')
  expect(url).toBe('https://chat.example/#/link/%40alice_web/1234-5678-abcdefgh')
  expect(parseRoute(new URL(url).hash)).toEqual({ name: 'settings', link: { username: '@alice_web', code: '1234-5678-abcdefgh' } })
  // Without its fields it still opens the form, empty.
  expect(parseRoute('#/link')).toEqual({ name: 'settings', link: { username: '', code: '' } })
})
