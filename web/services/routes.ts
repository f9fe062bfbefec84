// The app's hash routes: `#/`, `#/invite/<peerId>[/<name>]`, `#/welcome`, `#/chat/<peerId>[/<messageId>]`,
// `#/groups/new`, `#/group/<groupId>[/<messageId>]`, `#/settings`, `#/link/<@username>/<code>` (Settings,
// with the link form filled in). A message id (from a search result) opens the conversation scrolled to
// that message.

export type Route =
  | { name: 'contacts', invite?: string, inviteName?: string }
  | { name: 'welcome' }
  | { name: 'chat', peer: string, focus?: string }
  | { name: 'settings', link?: LinkPrefill }
  | { name: 'new-group' }
  | { name: 'group', groupId: string, focus?: string }

/** What a link URL (shown as a QR image by the device that made the code) fills in. */
export interface LinkPrefill { username: string, code: string }

export function parseRoute (hash: string): Route {
  const [, first, second, third] = hash.replace(/^#/, '').split('/')
  const focus = third != null && third !== '' ? { focus: safeDecode(third).slice(0, 128) } : {}
  if (first === 'chat' && second != null && second !== '') return { name: 'chat', peer: decodeURIComponent(second), ...focus }
  if (first === 'invite' && second != null && second !== '') {
    const inviteName = third != null && third !== '' ? safeDecode(third).slice(0, 80) : undefined
    return { name: 'contacts', invite: decodeURIComponent(second), ...(inviteName != null ? { inviteName } : {}) }
  }
  if (first === 'group' && second != null && second !== '') return { name: 'group', groupId: decodeURIComponent(second), ...focus }
  if (first === 'groups' && second === 'new') return { name: 'new-group' }
  if (first === 'settings') return { name: 'settings' }
  if (first === 'link') return { name: 'settings', link: { username: safeDecode(second ?? '').slice(0, 40), code: safeDecode(third ?? '').slice(0, 40) } }
  if (first === 'welcome') return { name: 'welcome' }
  return { name: 'contacts' }
}

/** A malformed escape shows as typed rather than breaking the page. */
function safeDecode (text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** Accepts a bare PeerId or an invite link `…#/invite/<peerId>`. */
export function peerIdFromInvite (input: string): string {
  const m = /#\/invite\/([^/?#\s]+)/.exec(input)
  return (m?.[1] ?? input).trim()
}

/** The link others open to add this device; `name` (the account's @username) is shown to them. */
export function inviteLink (page: { origin: string, pathname: string }, peerId: string, name?: string): string {
  return `${page.origin}${page.pathname}#/invite/${peerId}${name != null && name !== '' ? `/${encodeURIComponent(name)}` : ''}`
}

/** Where a search result opens: its conversation, scrolled to the message. */
export function messageHref (key: string, id: string): string {
  const [kind, target] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)]
  return `#/${kind === 'group' ? 'group' : 'chat'}/${encodeURIComponent(target)}/${encodeURIComponent(id)}`
}

/** The URL a new device opens to link to `username` with `code` (the QR image carries it). */
export function linkUrl (page: { origin: string, pathname: string }, username: string, code: string): string {
  return `${page.origin}${page.pathname}#/link/${encodeURIComponent(`@${username.replace(/^@/, '')}`)}/${encodeURIComponent(code)}`
}
