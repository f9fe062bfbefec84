// The web app's hash routes, including the group screens.
import { expect, it } from 'vitest'
import { parseRoute } from '../../web/services/routes.ts'

it('parses every route, group ones included', () => {
  expect(parseRoute('')).toEqual({ name: 'contacts' })
  expect(parseRoute('#/chat/abc')).toEqual({ name: 'chat', peer: 'abc' })
  expect(parseRoute('#/groups/new')).toEqual({ name: 'new-group' })
  expect(parseRoute('#/group/0123abcd')).toEqual({ name: 'group', groupId: '0123abcd' })
  expect(parseRoute('#/group/')).toEqual({ name: 'contacts' })
  expect(parseRoute('#/groups')).toEqual({ name: 'contacts' })
  expect(parseRoute('#/settings')).toEqual({ name: 'settings' })
})
