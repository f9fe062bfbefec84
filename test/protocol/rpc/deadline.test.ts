// The cheap timeout signal keeps AbortSignal.timeout's contract: a TimeoutError when it runs out,
// nothing once cleared.
import { describe, expect, it } from 'vitest'
import { deadline } from '../../../protocol/rpc/deadline.ts'
import { waitFor } from '../../helpers/wait.ts'

describe('deadline', () => {
  it('aborts with a TimeoutError when it runs out', async () => {
    const d = deadline(20)
    expect(d.signal.aborted).toBe(false)
    await waitFor(() => d.signal.aborted, { what: 'the deadline' })
    expect((d.signal.reason as Error).name).toBe('TimeoutError')
  })

  it('never aborts once cleared, while a later one still runs out', async () => {
    const cleared = deadline(20)
    cleared.clear()
    const later = deadline(60)
    await waitFor(() => later.signal.aborted, { what: 'the later deadline' })
    expect(cleared.signal.aborted).toBe(false)
  })
})
