import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG, loadConfigFile, parseDuration, parseSize, resolveConfig } from '../../rendezvous/config.ts'
import { tempDir } from '../helpers/wait.ts'

describe('rendezvous config', () => {
  it('binds to loopback by default', () => {
    expect(DEFAULT_CONFIG.listen.every(a => a.startsWith('/ip4/127.0.0.1/'))).toBe(true)
    expect(DEFAULT_CONFIG.http).toBe('127.0.0.1:8787')
  })

  it('reads durations and sizes as people write them', () => {
    expect(parseDuration('90s', 'x')).toBe(90_000)
    expect(parseDuration('30d', 'x')).toBe(30 * 86_400_000)
    expect(parseSize('64KB', 'x')).toBe(65_536)
    expect(() => parseDuration('soon', 'mailbox.retention')).toThrow(/mailbox.retention: expected a duration/)
    expect(() => parseSize('-1MB', 'mailbox.maxBytes')).toThrow(/mailbox.maxBytes/)
  })

  it('bounds attachment blobs on the node: a total budget and a retention shorter than messages', () => {
    expect(DEFAULT_CONFIG.attachments.retentionMs).toBeLessThan(DEFAULT_CONFIG.plans.free.mailbox.retentionMs)
    expect(DEFAULT_CONFIG.attachments.totalBytes).toBeGreaterThanOrEqual(DEFAULT_CONFIG.attachments.maxBytes)
    expect(resolveConfig({ attachments: { totalBytes: '2GB', retention: '3d' } }).attachments).toMatchObject({ totalBytes: 2 * 1024 ** 3, retentionMs: 3 * 86_400_000 })
    // Never longer than the mailbox keeps messages.
    expect(resolveConfig({ mailbox: { retention: '2d' }, attachments: { retention: '7d' } }).attachments.retentionMs).toBe(2 * 86_400_000)
    expect(() => resolveConfig({ attachments: { maxBytes: '10MB', totalBytes: '1MB' } })).toThrow(/attachments.totalBytes/)
    expect(() => resolveConfig({ attachments: { retention: '0s' } })).toThrow(/attachments.retention/)
    expect(() => resolveConfig({ attachments: { retention: 'soon' } })).toThrow(/attachments.retention/)
  })

  it('merges a YAML file over the defaults and names the bad field', () => {
    const tmp = tempDir()
    try {
      const good = join(tmp.dir, 'good.yaml')
      writeFileSync(good, 'mailbox:\n  maxMessages: 50\n  retention: 7d\nhttp: 127.0.0.1:9000\n')
      const c = loadConfigFile(good)
      expect(c.mailbox).toMatchObject({ maxMessages: 50, retentionMs: 7 * 86_400_000, maxBytes: DEFAULT_CONFIG.mailbox.maxBytes })
      expect(c.http).toBe('127.0.0.1:9000')
      const bad = join(tmp.dir, 'bad.yaml')
      writeFileSync(bad, 'mailbox:\n  maxMessages: lots\n')
      expect(() => loadConfigFile(bad)).toThrow(/mailbox.maxMessages/)
      expect(() => loadConfigFile(join(tmp.dir, 'missing.yaml'))).toThrow(/cannot read config file/)
      expect(() => resolveConfig({ listen: 'tcp' })).toThrow(/listen/)
    } finally {
      tmp.remove()
    }
  })

  it('reads the network and lookup limits and the metrics listener', () => {
    const c = resolveConfig({ metrics: '127.0.0.1:9100', limits: { requestsPerMinutePerNetwork: 100, resolvesPerMinute: 5, resolvesPerMinutePerNetwork: 15, resolvesPerMinutePerAccount: 10, discoveriesPerMinutePerNetwork: 7, signUpsPerMinutePerNetwork: 3 } })
    expect(c.metrics).toBe('127.0.0.1:9100')
    expect(c.limits).toMatchObject({ requestsPerMinutePerNetwork: 100, resolvesPerMinute: 5, resolvesPerMinutePerNetwork: 15, resolvesPerMinutePerAccount: 10, discoveriesPerMinutePerNetwork: 7, signUpsPerMinutePerNetwork: 3 })
    expect(resolveConfig({ metrics: false }).metrics).toBe(false)
    expect(DEFAULT_CONFIG.metrics).toBeUndefined()
    expect(() => resolveConfig({ metrics: 'somewhere' })).toThrow(/metrics: expected "host:port" or false/)
    expect(() => resolveConfig({ limits: { discoveriesPerMinutePerNetwork: 0 } })).toThrow(/limits.discoveriesPerMinutePerNetwork/)
  })

  it('reads the SMTP server for verification codes, with TLS by default, and names what is wrong', () => {
    expect(resolveConfig().smtp).toBeUndefined()
    expect(resolveConfig({ smtp: { host: 'smtp.example.org', from: 'noreply@example.org' } }).smtp)
      .toEqual({ host: 'smtp.example.org', port: 587, tls: 'starttls', from: 'noreply@example.org' })
    expect(resolveConfig({ smtp: { host: 'h', from: 'f', tls: 'implicit', user: 'u', pass: 'p' } }).smtp).toMatchObject({ port: 465, tls: 'implicit', user: 'u', pass: 'p' })
    expect(() => resolveConfig({ smtp: { host: 'h' } })).toThrow(/smtp\.from: missing/)
    expect(() => resolveConfig({ smtp: { host: 'h', from: 'f', tls: 'maybe' } })).toThrow(/smtp\.tls/)
    expect(() => resolveConfig({ smtp: { host: 'h', from: 'f', user: 'u' } })).toThrow(/user and pass go together/)
    expect(() => resolveConfig({ smtp: { host: 'h', from: 'f', port: 70000 } })).toThrow(/smtp\.port/)
  })

  it('reads the ICE servers browsers should use and refuses a malformed one by its place', () => {
    expect(resolveConfig().iceServers).toEqual([])
    const turn = { urls: ['turn:turn.example.org:3478', 'turns:turn.example.org:443'], username: 'chat', credential: 'secret' }
    expect(resolveConfig({ iceServers: [{ urls: 'stun:stun.example.org:3478' }, turn] }).iceServers).toEqual([{ urls: 'stun:stun.example.org:3478' }, turn])
    expect(() => resolveConfig({ iceServers: [{ urls: 'https://turn.example.org' }] })).toThrow(/iceServers\[0\]\.urls/)
    expect(() => resolveConfig({ iceServers: { urls: 'stun:x' } })).toThrow(/iceServers: expected a list/)
  })
})
