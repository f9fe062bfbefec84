// Structured operational logs (pino). They never carry message content, and IP addresses only as
// the network they belong to: log data is for abuse prevention, kept short and coarse.
import { pino } from 'pino'
import type { Logger } from 'pino'
import { networkOf } from './limits/network-prefix.ts'

export type { Logger }

/**
 * IPv4 (and IPv4-mapped IPv6) to its /24, IPv6 to its /48: enough to spot an abusive network, not a
 * person. The same networks key the abuse limits (rendezvous/limits/network-prefix.ts).
 */
export function maskIp (ip: string): string {
  return networkOf(ip)?.prefix ?? 'unknown'
}

/** A logger that writes nothing: the default when the embedding program brings none. */
export function silentLogger (): Logger {
  return pino({ level: 'silent' })
}
