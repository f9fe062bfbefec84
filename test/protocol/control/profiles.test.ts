// Profiles as a control plugin on its own: a contact's display name and avatar are kept per sending
// device, ordered by the sender's clock; hostile profiles (too long, multi-line, oversized or
// mislabelled avatars, garbage) change nothing.
import { beforeEach, describe, expect, it } from 'vitest'
import { ControlChannel } from '../../../protocol/control/control-channel.ts'
import { MAX_AVATAR_BYTES, PROFILE, Profiles, ownProfile, peerProfile, profileProblem } from '../../../protocol/control/profiles.ts'
import { DeviceIdentity } from '../../../protocol/identity.ts'
import { MAX_TEXT_BYTES } from '../../../protocol/constants.ts'
import { MemoryChatStore } from '../../../protocol/store/memory-chat-store.ts'
import { ProfileBody } from '../../../protocol/wire/generated/messages.ts'
import type { ControlMessage } from '../../../protocol/control/types.ts'
import type { Logger } from '@libp2p/interface'

const log = Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false, newScope: () => log }) as unknown as Logger
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])
let seq = 0
const nextId = (): string => (++seq).toString(16).padStart(32, '0')

describe('Profiles', () => {
  let store: MemoryChatStore
  let bob: DeviceIdentity
  let channel: ControlChannel
  let profiles: Profiles
  const queued: Array<{ to: string, type: string, body: Uint8Array }> = []
  const changes: string[] = []

  beforeEach(async () => {
    store = new MemoryChatStore()
    bob = await DeviceIdentity.generate()
    queued.length = 0
    changes.length = 0
    channel = new ControlChannel({
      log,
      sender: { sendControl: async () => { throw new Error('unused') }, queueControl: async (to, type, body) => { queued.push({ to, type, body }); return nextId() } }
    })
    profiles = new Profiles({ control: channel, store, log, onChange: (peer, p) => { changes.push(`${peer}:${p.displayName}`) } })
  })

  const update = (body: Partial<ProfileBody>, sentAt: number): ControlMessage => ({
    id: nextId(), from: bob.peerId, type: PROFILE, sentAt, path: 'direct',
    body: ProfileBody.encode({ displayName: '', avatar: new Uint8Array(), avatarType: '', ...body })
  })

  it('keeps a contact\'s name and avatar, the newest by the sender\'s clock', async () => {
    const b = bob.peerId.toString()
    await channel.dispatch(update({ displayName: 'Robert', avatar: PNG, avatarType: 'image/png' }, 20))
    expect(await peerProfile(store, b)).toEqual({ displayName: 'Robert', avatar: { bytes: PNG, type: 'image/png' }, at: 20 })
    // Older, or replayed: nothing changes.
    await channel.dispatch(update({ displayName: 'Bob (old)' }, 10))
    await channel.dispatch(update({ displayName: 'Robert' }, 20))
    expect((await peerProfile(store, b))?.displayName).toBe('Robert')
    await channel.dispatch(update({ displayName: 'Rob' }, 30))
    expect(await peerProfile(store, b)).toEqual({ displayName: 'Rob', at: 30 })
    expect(changes).toEqual([`${b}:Robert`, `${b}:Rob`])
  })

  it('drops what a contact may not send as a profile', async () => {
    const bad: Array<Partial<ProfileBody>> = [
      { displayName: 'x'.repeat(65) },
      { displayName: 'two\nlines' },
      { displayName: 'ok', avatar: new Uint8Array(MAX_AVATAR_BYTES + 1).fill(0x89), avatarType: 'image/png' },
      { displayName: 'ok', avatar: new TextEncoder().encode('<svg onload=alert(1)>'), avatarType: 'image/svg+xml' },
      { displayName: 'ok', avatar: new TextEncoder().encode('<html>'), avatarType: 'image/png' }
    ]
    for (const body of bad) await channel.dispatch(update(body, 50))
    await channel.dispatch({ id: nextId(), from: bob.peerId, type: PROFILE, sentAt: 50, path: 'direct', body: new Uint8Array([0xff, 0xff, 0xff]) })
    expect(await peerProfile(store, bob.peerId.toString())).toBeUndefined()
    expect(changes).toEqual([])
  })

  it('shares its own profile with each contact once, and keeps it', async () => {
    await expect(profiles.share({ displayName: 'a\u0000b' }, ['p1'])).rejects.toThrow(/one line/)
    await profiles.share({ displayName: 'Alice L.', avatar: { bytes: PNG, type: 'image/png' } }, ['p1', 'p2', 'p1'])
    expect(queued.map(q => [q.to, q.type])).toEqual([['p1', PROFILE], ['p2', PROFILE]])
    expect(ProfileBody.decode(queued[0].body).displayName).toBe('Alice L.')
    expect(await ownProfile(store)).toEqual({ displayName: 'Alice L.', avatar: { bytes: PNG, type: 'image/png' } })
    expect(profileProblem({ displayName: '名前 with emoji 🙂' })).toBeUndefined()
    // The largest profile allowed still fits one control message.
    const biggest = new Uint8Array(MAX_AVATAR_BYTES).fill(1)
    biggest.set([0x89, 0x50, 0x4e, 0x47])
    await profiles.share({ displayName: '𝔸'.repeat(64), avatar: { bytes: biggest, type: 'image/png' } }, ['p1'])
    expect(queued.at(-1)?.body.length).toBeLessThanOrEqual(MAX_TEXT_BYTES)
  })
})
