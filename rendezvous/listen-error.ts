// A listener that cannot bind is reported by the address it wanted and the option that set it, so an
// operator sees at once what is busy and what to change (libp2p's own error is one long paragraph).

/** An address this node was told to listen on is already taken by another process. */
export class AddressInUseError extends Error {
  readonly code = 'ADDRESS_IN_USE'
  constructor (readonly address: string, readonly option: string) {
    super(`cannot listen on ${address} (${option}): address already in use; stop the process that holds it (\`ss -ltnp\` shows it, often an earlier babacloud still running) or choose another address with ${option} or its key in the config file`)
    this.name = 'AddressInUseError'
  }
}

/** The cause of a failed bind, whether Node's own error or libp2p's aggregated listen error. */
export function isAddressInUse (err: unknown): boolean {
  const e = err as { code?: unknown, message?: unknown }
  return e?.code === 'EADDRINUSE' || (typeof e?.message === 'string' && e.message.includes('EADDRINUSE'))
}

/**
 * libp2p (UnsupportedListenAddressesError) lists each failed address as a line `  <multiaddr>: <why>`;
 * its error carries no other structure. The first one refused with EADDRINUSE, else the error unchanged.
 */
export function libp2pListenError (err: unknown): unknown {
  if (!isAddressInUse(err)) return err
  const line = String((err as Error).message).split('\n').find(l => /^\s*\/\S+: .*EADDRINUSE/.test(l))
  const address = line?.trim().split(': ')[0]
  return new AddressInUseError(address ?? 'a --listen address', '--listen')
}
