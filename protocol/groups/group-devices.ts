// Groups follow a person to every device of the account. Members are devices, and only an admin may
// add one, so: a group created here has the account's other devices as members and admins at once,
// and an admin adds them (as admins too) where they are missing; a member that is no admin asks an
// admin (`group/add-devices`), who adds the devices only when the member is in the group and the
// rendezvous resolves the member's @username to it and to every device named (the trust an
// invitation of `@username` already rests on). A device that leaves tells the account's others
// (`group/own-leave`), which leave too. A stranger can do neither: it is no member, no device of the
// account, and no device the rendezvous lists under the member's name.
import { USERNAME_PATTERN } from '../account/identifiers.ts'
import { parsePeerId } from '../identity.ts'
import { CONTROL_ADD_DEVICES, CONTROL_OWN_LEAVE, GROUP_ID_PATTERN, MAX_ADD_DEVICES } from './constants.ts'
import { GroupErrorCode } from './errors.ts'
import { AddDevicesRequest, OwnLeaveRequest } from './generated/groups.ts'
import type { GroupState } from './generated/groups.ts'
import type { GroupStore } from './group-store.ts'
import type { ControlHost } from '../control/control-host.ts'
import type { ControlMessage } from '../control/types.ts'
import type { Logger } from '@libp2p/interface'

export interface GroupDevicesInit {
  chat: ControlHost
  groups: GroupStore
  me: string
  log: Logger
  invite: (groupId: string, peers: string[]) => Promise<unknown>
  /** Adds devices of this device's own account as members and admins (this device is an admin). */
  addOwn: (groupId: string, devices: string[]) => Promise<unknown>
  /** Leaves the group without telling the account's other devices again. */
  leave: (groupId: string) => Promise<unknown>
  onRejected: (rejection: { groupId: string, from: string, code: GroupErrorCode, reason: string }) => void
}

export class GroupDevices {
  readonly #c: GroupDevicesInit

  constructor (init: GroupDevicesInit) {
    this.#c = init
    init.chat.handleControl(CONTROL_ADD_DEVICES, async m => { await this.#onAddDevices(m) })
    init.chat.handleControl(CONTROL_OWN_LEAVE, async m => { await this.#onOwnLeave(m) })
  }

  /** The account's other devices, as the node lists them (none without an account or a node). */
  async others (): Promise<string[]> {
    return await this.#c.chat.own?.others(true).catch(() => []) ?? []
  }

  /**
   * Brings the account's devices into `state` where they are missing (`only`: just these): added at
   * once where this device is an admin, else asked of an admin.
   */
  async bring (state: GroupState, only?: string[]): Promise<void> {
    const me = this.#c.me
    if (!state.members.includes(me)) return
    const missing = (only ?? await this.others()).filter(d => d !== me && !state.members.includes(d))
    if (missing.length === 0) return
    // Our own devices: where we manage the group, they manage it too.
    if (state.admins.includes(me)) {
      await this.#c.addOwn(state.id, missing)
      return
    }
    const accounts = this.#c.chat.accounts
    const username = accounts == null ? '' : (await accounts.get()).profile?.username ?? ''
    const admin = state.admins[0]
    if (username === '' || admin == null) return
    const body = AddDevicesRequest.encode({ groupId: state.id, username, devices: missing.slice(0, MAX_ADD_DEVICES) })
    await this.#send(admin, CONTROL_ADD_DEVICES, body)
    this.#c.log('asked %s to add %d devices of @%s to %s', admin, missing.length, username, state.id)
  }

  /** This device left `groupId`: the account's other devices that are members leave too. */
  async left (groupId: string): Promise<void> {
    const state = await this.#c.groups.getState(groupId)
    if (state == null) return
    const others = (await this.others()).filter(d => state.members.includes(d))
    const body = OwnLeaveRequest.encode({ groupId })
    for (const device of others) await this.#send(device, CONTROL_OWN_LEAVE, body)
  }

  /** Through the durable outbox where the client has one: an admin or device offline now gets it later. */
  async #send (to: string, type: string, body: Uint8Array): Promise<void> {
    const outbox = this.#c.chat.control
    if (outbox != null) await outbox.queueControl(to, type, body, { background: true })
    else await this.#c.chat.sendControl(parsePeerId(to), type, body)
  }

  async #onAddDevices (m: ControlMessage): Promise<void> {
    const from = m.from.toString()
    const refuse = (code: GroupErrorCode, reason: string, groupId = ''): void => {
      this.#c.log('refused to add devices for %s - %s', from, reason)
      this.#c.onRejected({ groupId, from, code, reason })
    }
    let req: AddDevicesRequest
    try {
      req = AddDevicesRequest.decode(m.body, { limits: { devices: MAX_ADD_DEVICES } })
    } catch (err) {
      refuse(GroupErrorCode.INVALID, `malformed request to add devices: ${(err as Error).message}`)
      return
    }
    let devices: string[]
    try {
      if (!GROUP_ID_PATTERN.test(req.groupId) || !USERNAME_PATTERN.test(req.username)) throw new Error('group id or username')
      devices = [...new Set(req.devices.map(d => parsePeerId(d).toString()))]
    } catch {
      refuse(GroupErrorCode.INVALID, 'malformed request to add devices', req.groupId)
      return
    }
    const state = await this.#c.groups.getState(req.groupId)
    if (state == null || !state.admins.includes(this.#c.me) || !state.members.includes(this.#c.me)) {
      refuse(GroupErrorCode.NOT_ADMIN, 'this device is no admin of that group', req.groupId)
      return
    }
    if (!state.members.includes(from)) {
      refuse(GroupErrorCode.NOT_MEMBER, `${from} is not a member`, req.groupId)
      return
    }
    const missing = devices.filter(d => !state.members.includes(d))
    if (missing.length === 0) return
    // The node's word that the member and the devices are one account, as for an invitation of @name.
    const account = await this.#c.chat.accounts?.resolve(`@${req.username}`).catch(() => undefined)
    if (account == null || !account.includes(from) || !missing.every(d => account.includes(d))) {
      refuse(GroupErrorCode.NOT_MEMBER, `the devices are not all of @${req.username}, or ${from} is not`, req.groupId)
      return
    }
    await this.#c.invite(state.id, missing)
  }

  async #onOwnLeave (m: ControlMessage): Promise<void> {
    if (this.#c.chat.own == null || !await this.#c.chat.own.isOwnDevice(m.from, m.type)) return
    let req: OwnLeaveRequest
    try {
      req = OwnLeaveRequest.decode(m.body)
    } catch {
      return
    }
    const state = await this.#c.groups.getState(req.groupId)
    if (state == null || !state.members.includes(this.#c.me)) return
    await this.#c.leave(state.id)
  }
}
