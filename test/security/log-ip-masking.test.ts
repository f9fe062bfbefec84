// Log data keeps networks, not hosts: guards maskIp (rendezvous/logging.ts), which now parses with
// ipaddr.js. The old string-splitting version kept a whole IPv4 address inside IPv4-mapped IPv6
// (`::ffff:1.2.3.4` → `ffff:1.2.3.4::/48`) and host bits of compressed IPv6 (`2001:db8::1:2` →
// `2001:db8:1::/48`). The same prefixes key the abuse limits (rendezvous/limits/network-prefix.ts).
// The end-to-end check that the node's own log holds no full address is in test/rendezvous/logging.test.ts.
import { describe, expect, it } from 'vitest'
import { maskIp } from '../../rendezvous/logging.ts'
import { networkOf } from '../../rendezvous/limits/network-prefix.ts'

describe('IP masking in logs', () => {
  it('cuts IPv4 to its /24, also inside IPv4-mapped IPv6', () => {
    expect(maskIp('203.0.113.77')).toBe('203.0.113.0/24')
    expect(maskIp('::ffff:1.2.3.4')).toBe('1.2.3.0/24')
    expect(maskIp('::FFFF:1.2.3.4')).toBe('1.2.3.0/24')
    expect(maskIp('::ffff:102:304')).toBe('1.2.3.0/24')
    expect(maskIp('::ffff:1.2.3.4')).not.toContain('1.2.3.4')
  })

  it('cuts IPv6 to its /48 whatever its spelling', () => {
    expect(maskIp('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3::/48')
    expect(maskIp('2001:DB8:85A3:08D3::7348')).toBe('2001:db8:85a3::/48')
    // Compressed: the groups after `::` are host bits, not the third group of the prefix.
    expect(maskIp('2001:db8::1:2')).toBe('2001:db8::/48')
    expect(maskIp('::1')).toBe('::/48')
  })

  it('drops zone ids, which name a local interface', () => {
    expect(maskIp('fe80::1234:5678%eth0')).toBe('fe80::/48')
    expect(maskIp('fe80::1%25')).toBe('fe80::/48')
  })

  it('says unknown for anything that is not an address', () => {
    for (const garbage of ['', 'not an ip', '1.2.3', '1.2.3.4.5', '256.1.1.1', '127.1', '0x7f000001', '1.2.3.4/24', '2001:db8:::1', 'fe80::1%', ':::', '1.2.3.4:80', '<script>']) {
      expect(maskIp(garbage), garbage).toBe('unknown')
    }
  })

  it('gives the abuse limits the same networks, and knows loopback', () => {
    expect(networkOf('::ffff:127.0.0.1')).toEqual({ prefix: '127.0.0.0/24', loopback: true })
    expect(networkOf('127.0.1.1')).toEqual({ prefix: '127.0.1.0/24', loopback: true })
    expect(networkOf('2001:db8:1:2::9')).toEqual({ prefix: '2001:db8:1::/48', loopback: false })
    expect(networkOf('garbage')).toBeUndefined()
  })
})
