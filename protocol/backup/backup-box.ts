// Passphrase-encrypted backup files: scrypt (from @noble/hashes) derives the key, XChaCha20-Poly1305
// seals the content, and the header (format, scrypt cost, salt, nonce) is authenticated with it.
import { scryptAsync } from '@noble/hashes/scrypt.js'
import { concatBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import { cryptoProvider } from '../crypto/provider.ts'

const MAGIC = utf8ToBytes('BCBK')
const VERSION = 1
const HEADER_LENGTH = MAGIC.length + 1 + 3 + 16 + 24
/** Cost parameters accepted when opening: a crafted file must not make us allocate gigabytes. */
const MAX_LOG_N = 19

export interface ScryptCost {
  logN: number
  r: number
  p: number
}

/** OWASP's recommendation for scrypt: N = 2^17, r = 8, p = 1 (128 MiB, about a second). */
export const DEFAULT_COST: ScryptCost = { logN: 17, r: 8, p: 1 }

export type BackupErrorCode = 'WRONG_PASSPHRASE' | 'MALFORMED' | 'UNSUPPORTED'

export class BackupError extends Error {
  readonly code: BackupErrorCode
  constructor (code: BackupErrorCode, message: string) {
    super(message)
    this.name = 'BackupError'
    this.code = code
  }

  static is (err: unknown, code?: BackupErrorCode): err is BackupError {
    return err instanceof Error && err.name === 'BackupError' && (code == null || (err as BackupError).code === code)
  }
}

export interface SealBackupOptions {
  cost?: ScryptCost
  random?: (n: number) => Uint8Array
  /** Key derivation takes a while: called with 0…1. */
  onProgress?: (fraction: number) => void
}

async function deriveKey (passphrase: string, salt: Uint8Array, cost: ScryptCost, onProgress?: (f: number) => void): Promise<Uint8Array> {
  const pass = utf8ToBytes(passphrase.normalize('NFKC'))
  return await scryptAsync(pass, salt, { N: 2 ** cost.logN, r: cost.r, p: cost.p, dkLen: 32, onProgress })
}

export async function sealBackup (content: Uint8Array, passphrase: string, options: SealBackupOptions = {}): Promise<Uint8Array> {
  if (passphrase.length === 0) throw new BackupError('WRONG_PASSPHRASE', 'the passphrase is empty')
  const cost = options.cost ?? DEFAULT_COST
  const random = options.random ?? randomBytes
  const salt = random(16)
  const nonce = random(24)
  const header = concatBytes(MAGIC, Uint8Array.of(VERSION, cost.logN, cost.r, cost.p), salt, nonce)
  const key = await deriveKey(passphrase, salt, cost, options.onProgress)
  return concatBytes(header, cryptoProvider().xchachaEncrypt(key, nonce, content, header))
}

export async function openBackup (data: Uint8Array, passphrase: string, onProgress?: (fraction: number) => void): Promise<Uint8Array> {
  if (data.length < HEADER_LENGTH + 16 || !MAGIC.every((b, i) => data[i] === b)) throw new BackupError('MALFORMED', 'not a BabaCloud backup file')
  const version = data[MAGIC.length]
  if (version !== VERSION) throw new BackupError('UNSUPPORTED', `backup format version ${version} is not supported`)
  const [logN, r, p] = data.subarray(MAGIC.length + 1, MAGIC.length + 4)
  if (logN < 10 || logN > MAX_LOG_N || r < 1 || r > 8 || p < 1 || p > 4) throw new BackupError('MALFORMED', 'backup has unreasonable key-derivation parameters')
  const header = data.subarray(0, HEADER_LENGTH)
  const salt = header.subarray(MAGIC.length + 4, MAGIC.length + 20)
  const nonce = header.subarray(MAGIC.length + 20)
  const key = await deriveKey(passphrase, salt, { logN, r, p }, onProgress)
  try {
    return cryptoProvider().xchachaDecrypt(key, nonce, data.subarray(HEADER_LENGTH), header)
  } catch {
    // Authentication fails the same way for a wrong passphrase and a damaged file.
    throw new BackupError('WRONG_PASSPHRASE', 'wrong passphrase, or the backup file is damaged')
  }
}
