// `babacloud safety-number`: the 60-digit number two people compare out of band (read aloud, or side
// by side) to know no one sits between them. Offline: a PeerId is its device's identity key.
import { formatSafetyNumber, safetyNumber } from '../../protocol/crypto/x3dh/safety-number.ts'
import { ed25519PublicKeyOf, parsePeerId } from '../../protocol/identity.ts'
import { defaultHome, Home } from '../home.ts'
import { print } from '../output.ts'
import type { Command } from 'commander'

export function registerSafetyNumber (program: Command): void {
  program.command('safety-number')
    .description('print the safety number shared with another device (both sides see the same digits)')
    .requiredOption('--peer <peerId>', 'the other device\'s PeerId')
    .option('--home <dir>', 'device home directory', defaultHome())
    .option('--json', 'print {peer, safetyNumber, formatted}')
    .action(async (opts: { peer: string, home: string, json?: boolean }) => {
      const peer = parsePeerId(opts.peer)
      const identity = await new Home(opts.home).identity()
      const digits = safetyNumber(identity.publicKey, identity.peerId.toString(), ed25519PublicKeyOf(peer), peer.toString())
      const formatted = formatSafetyNumber(digits)
      print(opts, { peer: peer.toString(), safetyNumber: digits, formatted }, formatted)
    })
}
