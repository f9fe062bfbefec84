// Pipelined requests of one mailbox stream: deposits are checked side by side but enter the store in
// arrival order; a FETCH or ACK runs alone, after everything before it and before anything after it.
import { describe, expect, it } from 'vitest'
import { RequestOrder } from '../../../rendezvous/mailbox/request-order.ts'
import type { Turn, TurnKind } from '../../../rendezvous/mailbox/request-order.ts'

/** Runs `kind` requests whose checks take `delays[i]` turns of the microtask queue; records the events. */
async function run (kinds: TurnKind[], delays: number[]): Promise<string[]> {
  const order = new RequestOrder()
  const events: string[] = []
  const tick = async (n: number): Promise<void> => { for (let i = 0; i < n; i++) await Promise.resolve() }
  const request = async (kind: TurnKind, i: number, turn: Turn): Promise<void> => {
    try {
      if (kind === 'deposit') {
        await tick(delays[i])
        await turn.ready
        events.push(`queue ${i}`)
        turn.queued()
        await tick(5)
        events.push(`commit ${i}`)
      } else {
        await turn.ready
        events.push(`start ${i}`)
        await tick(delays[i])
        events.push(`end ${i}`)
      }
    } finally {
      turn.done()
    }
  }
  await Promise.all(kinds.map(async (kind, i) => { await request(kind, i, order.turn(kind)) }))
  return events
}

describe('RequestOrder', () => {
  it('queues deposits in arrival order even when a later one is checked first, and lets them commit together', async () => {
    const events = await run(['deposit', 'deposit', 'deposit'], [20, 0, 10])
    expect(events.filter(e => e.startsWith('queue'))).toEqual(['queue 0', 'queue 1', 'queue 2'])
    // All three are queued before the first commit: one group commit, not three.
    expect(events.slice(0, 3)).toEqual(['queue 0', 'queue 1', 'queue 2'])
  })

  it('runs a fetch only after the deposits before it finished, and the deposits after it only once it ended', async () => {
    const events = await run(['deposit', 'exclusive', 'deposit'], [3, 4, 0])
    expect(events).toEqual(['queue 0', 'commit 0', 'start 1', 'end 1', 'queue 2', 'commit 2'])
  })

  it('keeps the order when a request fails before its turn', async () => {
    const order = new RequestOrder()
    const events: string[] = []
    const first = order.turn('deposit')
    const failing = order.turn('deposit')
    const third = order.turn('deposit')
    // The second fails its checks at once; the third must still wait for the first.
    failing.done()
    const late = (async () => { await third.ready; events.push('third') })()
    await Promise.resolve()
    await Promise.resolve()
    events.push('first')
    first.queued()
    await late
    first.done()
    third.done()
    expect(events).toEqual(['first', 'third'])
  })
})
