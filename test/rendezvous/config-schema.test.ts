import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { ConfigError, DEFAULT_CONFIG, loadConfigFile, resolveConfig } from '../../rendezvous/config.ts'
import { configSchema } from '../../rendezvous/config-schema.ts'
import { schemaKeys } from '../../rendezvous/config-issues.ts'
import { tempDir } from '../helpers/wait.ts'

const EXAMPLE = fileURLToPath(new URL('../../docs/rendezvous.example.yaml', import.meta.url))

function errorOf (fn: () => unknown): ConfigError {
  try {
    fn()
  } catch (err) {
    if (err instanceof ConfigError) return err
    throw err
  }
  throw new Error('expected a ConfigError')
}

describe('config schema', () => {
  it('refuses a misspelt key by file, path and the key it probably meant, in one line', () => {
    const tmp = tempDir()
    try {
      const file = join(tmp.dir, 'config.yaml')
      writeFileSync(file, 'mailbox:\n  maxMesages: 5\n')
      const err = errorOf(() => loadConfigFile(file))
      expect(err.message).toBe(`${file}: mailbox.maxMesages: unknown key (did you mean maxMessages?)`)
      expect(err).toMatchObject({ name: 'ConfigError', code: 'BAD_CONFIG', file, key: 'mailbox.maxMesages' })
      expect(err.message).not.toContain('\n')
    } finally {
      tmp.remove()
    }
  })

  it('refuses unknown keys at every depth, wrong types and impossible values', () => {
    const cases: Array<[unknown, string]> = [
      [{ mailboxes: {} }, 'mailboxes: unknown key (did you mean mailbox?)'],
      [{ limits: { requestsPerMinuteNetwork: 5 } }, 'limits.requestsPerMinuteNetwork: unknown key (did you mean requestsPerMinutePerNetwork?)'],
      [{ plans: { family: { groups: { maxMember: 5 } } } }, 'plans.family.groups.maxMember: unknown key (did you mean maxMembers?)'],
      [{ billing: { stripe: { webhookSecrets: 'x' } } }, 'billing.stripe.webhookSecrets: unknown key (did you mean webhookSecret?)'],
      [{ iceServers: [{ urls: 'stun:x', user: 'u' }] }, 'iceServers[0].user: unknown key'],
      [{ smtp: { host: 'h', from: 'f', prot: 587 } }, 'smtp.prot: unknown key (did you mean port?)'],
      [{ zzzzzzzz: 1 }, 'zzzzzzzz: unknown key (expected one of listen,'],
      [{ mailbox: { maxMessages: 'lots' } }, 'mailbox.maxMessages: expected a positive integer, got "lots"'],
      [{ limits: { maxConnections: 0 } }, 'limits.maxConnections: expected a positive integer, got 0'],
      [{ limits: { limitLoopback: 'yes' } }, 'limits.limitLoopback: expected true or false, got "yes"'],
      [{ sweepInterval: 'often' }, 'sweepInterval: expected a duration like "90s" or "30d", got "often"'],
      [{ relay: { durationLimit: '0s' } }, 'relay.durationLimit: expected a duration like "90s" or "30d", longer than zero'],
      [{ attachments: { totalBytes: 'lots' } }, 'attachments.totalBytes: expected a size like "64KB" or "50MB"'],
      [{ attachments: { maxBytes: '10MB', totalBytes: '1MB' } }, 'attachments.totalBytes: must be at least attachments.maxBytes'],
      [{ http: 'localhost' }, 'http: expected "host:port" or false'],
      [{ listen: ['tcp/7701'] }, 'listen[0]: expected a multiaddr'],
      [{ logLevel: 'loud' }, 'logLevel: expected one of fatal, error, warn'],
      [{ privateNetwork: 'no' }, 'privateNetwork: expected true or false'],
      [{ plans: { free: { groups: { maxMembers: 100_000 } } } }, "plans.free.groups.maxMembers: expected an integer from 1 to"],
      [{ plans: { 'Gold Plan': {} } }, 'plans.Gold Plan: plan names are'],
      [{ billing: { stripe: { prices: { gold: 'price_x' } } } }, 'billing.stripe.prices.gold: no such plan'],
      [{ smtp: { host: 'h', from: 'f', user: 'u' } }, 'smtp: user and pass go together'],
      [{ policy: { text: 'a', file: 'b' } }, 'policy: text and file exclude each other'],
      [{ mailbox: 5 }, 'mailbox: expected a mapping'],
      [{ mailbox: null }, 'mailbox: expected a mapping, got nothing (remove the key or give it a value)'],
      [[1, 2], '(top level): expected a mapping']
    ]
    for (const [raw, line] of cases) {
      expect(errorOf(() => resolveConfig(raw)).message, JSON.stringify(raw)).toContain(line)
    }
  })

  it('gives every key a default: the defaults are what an empty file means', () => {
    expect(resolveConfig({})).toEqual(DEFAULT_CONFIG)
    expect(DEFAULT_CONFIG.limits).toMatchObject({ requestsPerMinutePerNetwork: 6000, identifyMaxMessageBytes: 4096, gossipMaxMessageBytes: 128 * 1024, dhtMaxRecords: 50_000 })
    expect(DEFAULT_CONFIG.relay).toEqual({ maxReservations: 1024, dataLimitBytes: 1024 * 1024, durationLimitMs: 600_000 })
    expect(DEFAULT_CONFIG.billing.stripe).toEqual({ webhookToleranceMs: 300_000, prices: {} })
  })

  it('accepts the example config, which shows every key of the schema', () => {
    const text = readFileSync(EXAMPLE, 'utf8')
    expect(() => loadConfigFile(EXAMPLE)).not.toThrow()
    // Every key appears, set or in a commented-out line, so operators find them all in one place.
    const missing = schemaKeys(configSchema)
      .map(path => path.split('.').at(-1)?.replace('[]', '') ?? '')
      .filter(key => key !== '<name>' && !new RegExp(`(^|[\\s{,#-])${key}:`, 'm').test(text))
    expect(missing).toEqual([])
    // The commented-out sections are valid too once uncommented.
    const uncommented = text.split('\n').map(l => l.replace(/^# ((?: {2})*(?:[a-zA-Z][\w-]*:(?: |$)|- ))/, '$1')).join('\n')
    // (the schema only: the example's policy file and certificates do not exist here)
    expect(configSchema.safeParse(parseYaml(uncommented)).error).toBeUndefined()
  })
})
