// The network an IP address belongs to: IPv4 /24, IPv6 /48, an IPv4-mapped IPv6 address as the IPv4
// address it carries. Logs keep only this, and abuse limits count per network: one host, or one
// customer of a provider, usually holds a whole /24 or /48, so new addresses within it are free
// to an attacker while a new network is not.
import ipaddr from 'ipaddr.js'

export const IPV4_PREFIX = 24
export const IPV6_PREFIX = 48

export interface Network {
  /** `203.0.113.0/24` or `2001:db8:85a3::/48`. */
  prefix: string
  loopback: boolean
}

/** Parses a textual address strictly (dotted-quad IPv4 or IPv6, with or without a zone id). */
function parse (ip: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const text = ip.trim()
  try {
    // ipaddr.js also takes "127.1" and "0x7f000001" as IPv4; a log or a key must not see those as addresses.
    if (text.includes(':')) return ipaddr.IPv6.isValid(text) ? ipaddr.process(text) : undefined
    return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text) : undefined
  } catch {
    return undefined
  }
}

/** The network of `ip`, or undefined when `ip` is not an IP address. */
export function networkOf (ip: string): Network | undefined {
  const addr = parse(ip)
  if (addr == null) return undefined
  const loopback = addr.range() === 'loopback'
  if (addr.kind() === 'ipv4') {
    return { prefix: `${ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${IPV4_PREFIX}`).toString()}/${IPV4_PREFIX}`, loopback }
  }
  // The zone id (fe80::1%eth0) names a local interface, not part of the network.
  const bare = addr.toNormalizedString().replace(/%.*$/, '')
  return { prefix: `${ipaddr.IPv6.networkAddressFromCIDR(`${bare}/${IPV6_PREFIX}`).toString()}/${IPV6_PREFIX}`, loopback }
}
