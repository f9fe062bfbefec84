// A throwaway self-signed certificate for 127.0.0.1 and localhost (Debian's openssl), for HTTPS and
// secure WebSocket tests.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

export function makeTestCertificate (dir: string): { certFile: string, keyFile: string } {
  const certFile = join(dir, 'cert.pem')
  const keyFile = join(dir, 'key.pem')
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'
  ], { stdio: 'ignore' })
  return { certFile, keyFile }
}
