// Makes a picked picture into an avatar on the device: the centre square, scaled to 96×96 and
// re-encoded (WebP, else JPEG), so what is shared is small and carries none of the original file's
// metadata (camera, place).
import type { AvatarImage } from '../events/profile-change-event.ts'

export const AVATAR_SIZE = 96
/** As protocol/control/profiles.ts accepts. */
const MAX_AVATAR_BYTES = 24 * 1024

export class AvatarImageError extends Error {
  override readonly name = 'AvatarImageError'
}

async function encode (canvas: HTMLCanvasElement, type: string): Promise<Blob | null> {
  return await new Promise(resolve => { canvas.toBlob(resolve, type, 0.85) })
}

export async function shrinkAvatar (file: Blob): Promise<AvatarImage> {
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file)
  } catch {
    throw new AvatarImageError('That file is not a picture this browser can read. Choose a PNG, JPEG or WebP image.')
  }
  const side = Math.min(bitmap.width, bitmap.height)
  const canvas = document.createElement('canvas')
  canvas.width = AVATAR_SIZE
  canvas.height = AVATAR_SIZE
  const ctx = canvas.getContext('2d')
  if (ctx == null) throw new AvatarImageError('This browser cannot resize pictures.')
  ctx.imageSmoothingQuality = 'high'
  ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, AVATAR_SIZE, AVATAR_SIZE)
  bitmap.close()
  for (const type of ['image/webp', 'image/jpeg']) {
    const blob = await encode(canvas, type)
    // A browser without a WebP encoder answers with PNG: try the next type.
    if (blob != null && blob.type === type && blob.size <= MAX_AVATAR_BYTES) return { bytes: new Uint8Array(await blob.arrayBuffer()), type }
  }
  throw new AvatarImageError('The picture could not be made small enough; try another one.')
}
