// What the app shell provides to the screens with @lit/context, one context per lifetime: the page's
// local data, the network session, the open conversation. Each carries plain data (a new object
// when it changes, so consumers update); screens send what the person wants up as events.
import { createContext } from '@lit/context'
import type { RendezvousState } from './services/network-session.ts'
import type { AccountView, ViewGroup, ViewMessage } from './services/view-model.ts'
import type { DeliveryPath } from '../protocol/delivery/path.ts'
import type { Contact } from './store/app-db.ts'

/** Lives as long as the page: this device and what IndexedDB holds. */
export interface LocalView {
  peerId: string
  contacts: Contact[]
  groups: ViewGroup[]
  /** Text messages waiting in the outbox. */
  outbox: number
}

/** Lives as long as a connection to the node. */
export interface SessionView {
  rendezvous: RendezvousState
  /** The rendezvous relays for this device, so others reach it live. */
  reachable: boolean
  /** The open 1:1 conversation's peer path; undefined: only the mailbox (or no conversation). */
  path?: DeliveryPath
  account: AccountView
}

export const localContext = createContext<LocalView>(Symbol('babacloud-local'))
export const sessionContext = createContext<SessionView>(Symbol('babacloud-session'))
/** The open conversation's messages, patched one by one as they change. */
export const conversationContext = createContext<ViewMessage[]>(Symbol('babacloud-conversation'))
