// What the SQLite and PostgreSQL stores share of group commit: a queued deposit, and settling a
// committed batch (each deposit its own outcome, after the commit that holds it).
import type { GroupCommitStats, MailboxLimits, NewEnvelope, StoredEnvelope } from './store.ts'

export interface PendingDeposit {
  envelope: NewEnvelope
  limits: MailboxLimits
  now: number
  resolve(stored: StoredEnvelope): void
  reject(err: Error): void
}

/** Counts the commit, then answers each deposit of `batch` with its outcome (same order). */
export function settleBatch (batch: PendingDeposit[], outcomes: Array<StoredEnvelope | Error>, stats: GroupCommitStats): void {
  stats.commits++
  stats.deposits += batch.length
  stats.largest = Math.max(stats.largest, batch.length)
  batch.forEach((p, i) => {
    const outcome = outcomes[i]
    if (outcome instanceof Error) p.reject(outcome)
    else p.resolve(outcome)
  })
}
