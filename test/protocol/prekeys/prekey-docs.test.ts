// docs/protocols.md quotes the prekey batch sizes, thresholds, schedules and rations: this keeps the
// wire reference and the code in step (they once disagreed on the batch size).
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { PQ_PREKEY_BATCH, PQ_PREKEY_LOW_WATER, PREKEY_BATCH, PREKEY_LOW_WATER, PREKEY_ROTATION_MS, RETIRED_PREKEY_GRACE_MS } from '../../../protocol/prekeys/constants.ts'
import { DEFAULT_CONFIG } from '../../../rendezvous/config.ts'
import { DEFAULT_PREKEY_LIMITS } from '../../../rendezvous/prekeys/prekey-service.ts'

const DAY = 86_400_000
const docs = readFileSync(new URL('../../../docs/protocols.md', import.meta.url), 'utf8').replace(/\s+/g, ' ')

describe('docs/protocols.md and the prekey code agree', () => {
  it('on batch sizes and top-up thresholds', () => {
    expect(docs).toContain(`a batch of ${PREKEY_BATCH} one-time X25519 and ${PQ_PREKEY_BATCH} one-time ML-KEM prekeys on first start`)
    expect(docs).toContain(`when fewer than ${PREKEY_LOW_WATER} (ML-KEM: ${PQ_PREKEY_LOW_WATER}) are left`)
  })

  it('on the rotation schedule and grace period', () => {
    expect(docs).toContain(`are replaced every ${PREKEY_ROTATION_MS / DAY} days`)
    expect(docs).toContain(`for a grace period of ${RETIRED_PREKEY_GRACE_MS / DAY} days`)
  })

  it('on the node\'s limits', () => {
    const l = DEFAULT_PREKEY_LIMITS
    expect(l.oneTimePerTargetPerHour).toBe(DEFAULT_CONFIG.limits.oneTimePrekeysPerTargetPerHour)
    expect(docs).toContain(`\`limits.oneTimePrekeysPerTargetPerHour\` (default ${l.oneTimePerTargetPerHour})`)
    expect(docs).toContain(`at most ${l.oneTimePerRequesterTarget} an hour, so one requester`)
    expect(docs).toContain(`at most ${l.fetchesPerRequester} fetches an hour per requester`)
    expect(docs).toContain(`At most ${l.maxOneTimePerPublish} one-time and ${l.maxPqOneTimePerPublish} one-time ML-KEM keys per request, ${l.maxOneTime} / ${l.maxPqOneTime} held`)
  })
})
