// Structured operational logs (pino). They never carry message content, and IP addresses only as
// the network they belong to: log data is for abuse prevention, kept short and coarse.
import { pino } from 'pino'
import type { Logger } from 'pino'

export type { Logger }

/** IPv4 to its /24, IPv6 to its /48: enough to spot an abusive network, not a person. */
export function maskIp (ip: string): string {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return ip.split('.').slice(0, 3).join('.') + '.0/24'
  if (ip.includes(':')) {
    const groups = ip.split(':').filter(g => g !== '')
    return groups.slice(0, 3).join(':') + '::/48'
  }
  return 'unknown'
}

/** A logger that writes nothing: the default when the embedding program brings none. */
export function silentLogger (): Logger {
  return pino({ level: 'silent' })
}
