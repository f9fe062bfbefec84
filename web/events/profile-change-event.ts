/** An avatar already made small on the device (web/components/avatar-image.ts). */
export interface AvatarImage { bytes: Uint8Array, type: string }

/**
 * The person saved their profile in Settings: a display name and the avatar (undefined: keep the
 * current one; null: remove it).
 */
export class ProfileChangeEvent extends Event {
  static readonly eventName = 'profile-change' as const
  readonly displayName: string
  readonly avatar: AvatarImage | null | undefined

  constructor (displayName: string, avatar: AvatarImage | null | undefined) {
    super(ProfileChangeEvent.eventName, { bubbles: true, composed: true })
    this.displayName = displayName
    this.avatar = avatar
  }
}

declare global {
  interface HTMLElementEventMap { 'profile-change': ProfileChangeEvent }
}
