// The app's hash routes: `#/`, `#/invite/<peerId>`, `#/welcome`, `#/chat/<peerId>`, `#/groups/new`,
// `#/group/<groupId>`, `#/settings`.

export type Route =
  | { name: 'contacts', invite?: string }
  | { name: 'welcome' }
  | { name: 'chat', peer: string }
  | { name: 'settings' }
  | { name: 'new-group' }
  | { name: 'group', groupId: string }

export function parseRoute (hash: string): Route {
  const [, first, second] = hash.replace(/^#/, '').split('/')
  if (first === 'chat' && second != null && second !== '') return { name: 'chat', peer: decodeURIComponent(second) }
  if (first === 'invite' && second != null && second !== '') return { name: 'contacts', invite: decodeURIComponent(second) }
  if (first === 'group' && second != null && second !== '') return { name: 'group', groupId: decodeURIComponent(second) }
  if (first === 'groups' && second === 'new') return { name: 'new-group' }
  if (first === 'settings') return { name: 'settings' }
  if (first === 'welcome') return { name: 'welcome' }
  return { name: 'contacts' }
}

/** Accepts a bare PeerId or an invite link `…#/invite/<peerId>`. */
export function peerIdFromInvite (input: string): string {
  const m = /#\/invite\/([^/?#\s]+)/.exec(input)
  return (m?.[1] ?? input).trim()
}

export function inviteLink (page: { origin: string, pathname: string }, peerId: string): string {
  return `${page.origin}${page.pathname}#/invite/${peerId}`
}
