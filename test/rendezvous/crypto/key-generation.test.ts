// Every DH ratchet step makes an X25519 key pair. Node 20 deadlocks when a key generateKeyPairSync
// made is exported as JWK and a garbage collection lands in the export (seen within a few thousand
// pairs); the backend must not: here 20,000 in a child process, which a blocked loop cannot stop
// the test from killing.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const PROVIDER = fileURLToPath(new URL('../../../rendezvous/crypto/node-provider.ts', import.meta.url))
const PAIRS = 20_000

const script = `
const { nodeProvider } = await import(${JSON.stringify(PROVIDER)})
const seen = new Set()
for (let i = 0; i < ${PAIRS}; i++) {
  const { secretKey, publicKey } = nodeProvider.x25519KeyPair()
  if (secretKey.length !== 32 || publicKey.length !== 32) throw new Error('bad key length')
  // The public half is the secret's: the backend derives the same one from the secret alone.
  if (i % 1000 === 0 && Buffer.compare(Buffer.from(nodeProvider.x25519PublicKey(secretKey.slice())), Buffer.from(publicKey)) !== 0) throw new Error('public key mismatch')
  seen.add(Buffer.from(publicKey).toString('hex'))
}
process.stdout.write(String(seen.size))
`

describe('node:crypto backend key generation', () => {
  it(`makes ${PAIRS} X25519 key pairs without blocking, each distinct and matching its secret`, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.stderr.on('data', (d: Buffer) => { err += d.toString() })
    const code = await new Promise<number | null>(resolve => {
      const timer = setTimeout(() => { child.kill('SIGKILL') }, 50_000)
      child.on('exit', c => { clearTimeout(timer); resolve(c) })
    })
    expect(code, `blocked or failed: ${err}`).toBe(0)
    expect(Number(out)).toBe(PAIRS)
  }, 60_000)
})
