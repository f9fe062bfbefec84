// Which rendezvous address a page dials, and the hash routes and invite links.
import { describe, expect, it } from 'vitest'
import { parseRendezvousInfo, pickRendezvousAddress } from '../../web/services/rendezvous-info.ts'
import { inviteLink, parseRoute, peerIdFromInvite } from '../../web/services/routes.ts'

const ID = '12D3KooWEtpc6QzL9pKzvCgjFRKj7ABA6pFf5Ped5zEuJt1KUrQr'

describe('pickRendezvousAddress', () => {
  const info = {
    peerId: ID,
    multiaddrs: [
      `/ip4/127.0.0.1/tcp/7701/p2p/${ID}`,
      `/ip4/127.0.0.1/tcp/7702/ws/p2p/${ID}`,
      `/ip4/192.168.1.5/tcp/7702/ws/p2p/${ID}`,
      `/dns4/chat.example.org/tcp/443/wss/p2p/${ID}`
    ]
  }

  it('dials plain WebSockets on the page host over http', () => {
    expect(pickRendezvousAddress(info, { protocol: 'http:', hostname: '127.0.0.1' })).toBe(`/ip4/127.0.0.1/tcp/7702/ws/p2p/${ID}`)
    expect(pickRendezvousAddress(info, { protocol: 'http:', hostname: 'localhost' })).toBe(`/ip4/127.0.0.1/tcp/7702/ws/p2p/${ID}`)
    expect(pickRendezvousAddress(info, { protocol: 'http:', hostname: '192.168.1.5' })).toBe(`/ip4/192.168.1.5/tcp/7702/ws/p2p/${ID}`)
  })

  it('only dials secure WebSockets from an https page', () => {
    expect(pickRendezvousAddress(info, { protocol: 'https:', hostname: 'chat.example.org' })).toBe(`/dns4/chat.example.org/tcp/443/wss/p2p/${ID}`)
    const plainOnly = { peerId: ID, multiaddrs: info.multiaddrs.slice(0, 3) }
    expect(pickRendezvousAddress(plainOnly, { protocol: 'https:', hostname: 'chat.example.org' })).toBeUndefined()
    const tls = { peerId: ID, multiaddrs: [`/dns4/chat.example.org/tcp/443/tls/ws/p2p/${ID}`] }
    expect(pickRendezvousAddress(tls, { protocol: 'https:', hostname: 'chat.example.org' })).toBe(`/dns4/chat.example.org/tcp/443/tls/ws/p2p/${ID}`)
  })

  it('adds the /p2p/ suffix when an address lacks it and never picks circuit addresses', () => {
    const bare = { peerId: ID, multiaddrs: [`/ip4/127.0.0.1/tcp/9/ws/p2p/${ID}/p2p-circuit`, '/ip4/127.0.0.1/tcp/7702/ws'] }
    expect(pickRendezvousAddress(bare, { protocol: 'http:', hostname: '127.0.0.1' })).toBe(`/ip4/127.0.0.1/tcp/7702/ws/p2p/${ID}`)
  })

  it('validates what /api/rendezvous answered', () => {
    expect(parseRendezvousInfo({ peerId: ID, multiaddrs: [] })).toEqual({ peerId: ID, multiaddrs: [], iceServers: [] })
    const turn = { urls: ['turns:turn.example.org:443'], username: 'u', credential: 'p' }
    expect(parseRendezvousInfo({ peerId: ID, multiaddrs: [], iceServers: [turn] }).iceServers).toEqual([turn])
    expect(() => parseRendezvousInfo({ peerId: ID, multiaddrs: [], iceServers: [{ urls: 'http://x' }] })).toThrow(/iceServers\[0\]\.urls/)
    expect(() => parseRendezvousInfo({ peerId: ID, multiaddrs: [], iceServers: [{ urls: 'stun:x', extra: 1 }] })).toThrow(/unknown key extra/)
    // The node's attachment limit, when it tells it, lets the page refuse a large file before uploading.
    expect(parseRendezvousInfo({ peerId: ID, multiaddrs: [], attachmentMaxBytes: 1_000_000 }).attachmentMaxBytes).toBe(1_000_000)
    expect(() => parseRendezvousInfo({ peerId: ID, multiaddrs: [], attachmentMaxBytes: -1 })).toThrow(/attachmentMaxBytes/)
    expect(() => parseRendezvousInfo({ peerId: ID })).toThrow(/multiaddrs/)
    expect(() => parseRendezvousInfo('nope')).toThrow()
  })
})

describe('routes and invite links', () => {
  it('parses every route', () => {
    expect(parseRoute('')).toEqual({ name: 'contacts' })
    expect(parseRoute('#/')).toEqual({ name: 'contacts' })
    expect(parseRoute(`#/invite/${ID}`)).toEqual({ name: 'contacts', invite: ID })
    expect(parseRoute(`#/chat/${ID}`)).toEqual({ name: 'chat', peer: ID })
    expect(parseRoute('#/settings')).toEqual({ name: 'settings' })
    expect(parseRoute('#/welcome')).toEqual({ name: 'welcome' })
    expect(parseRoute('#/chat/')).toEqual({ name: 'contacts' })
  })

  it('round-trips an invite link to the PeerId', () => {
    const link = inviteLink({ origin: 'http://127.0.0.1:8787', pathname: '/' }, ID)
    expect(link).toBe(`http://127.0.0.1:8787/#/invite/${ID}`)
    expect(peerIdFromInvite(link)).toBe(ID)
    expect(peerIdFromInvite(`  ${ID} `)).toBe(ID)
  })
})
