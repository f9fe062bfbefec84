// One PostgreSQL group commit of mailbox deposits: a handful of statements for the whole batch, with
// the outcome of each deposit decided on its own, in batch order, exactly as one at a time would.
import { toString as toHex } from 'uint8arrays'
import { ErrorCode, ProtocolError } from '../../protocol/errors.ts'
import { DepositChannel } from './postgres-listener.ts'
import { LOCK_NAMESPACE } from './postgres-support.ts'
import { replayDigest } from './replay-digest.ts'
import type pg from 'pg'
import { envelopeExpiry } from './store.ts'
import type { MailboxLimits, MailboxUsage, NewEnvelope, StoredEnvelope } from './store.ts'

export interface BatchDeposit {
  envelope: NewEnvelope
  limits: MailboxLimits
  now: number
}

interface Accepted {
  index: number
  envelope: NewEnvelope
  now: number
  expiresAt: number
  /** The replay record's end: the whole retention, even when the envelope goes sooner. */
  seenUntil: number
  digest: Uint8Array
}

const key = (recipient: string, id: Uint8Array): string => `${recipient}\0${toHex(id, 'base16')}`

/**
 * Runs inside the caller's transaction; resolves to one stored record or typed error per deposit.
 * Throws only for database failures, which roll back the whole batch.
 */
export async function depositBatch (client: pg.PoolClient, batch: BatchDeposit[]): Promise<Array<StoredEnvelope | Error>> {
  const recipients = batch.map(d => d.envelope.recipient)
  // Held until COMMIT: cap checks and inserts are atomic per recipient across every instance, and a
  // recipient's seqs commit in order, so a fetch cursor never skips a late-committing lower seq.
  // Taken in hash order in one statement, so two instances' batches cannot deadlock. A statement of
  // its own: under READ COMMITTED the next statements see what the previous holders committed.
  await client.query(`SELECT pg_advisory_xact_lock($1, h)
    FROM (SELECT DISTINCT hashtext(r) AS h FROM unnest($2::text[]) AS r ORDER BY h) AS locks`, [LOCK_NAMESPACE, recipients])

  const usage = await client.query<{ count: string, bytes: string }>(`SELECT u.count, u.bytes
    FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS q (recipient, now, i)
    CROSS JOIN LATERAL (SELECT count(*) AS count, coalesce(sum(size), 0) AS bytes FROM envelopes e
      WHERE e.recipient = q.recipient AND e.expires_at > q.now) AS u
    ORDER BY q.i`, [recipients, batch.map(d => d.now)])
  const pendingRows = await client.query<{ recipient: string, id: Uint8Array }>(`SELECT recipient, id FROM envelopes
    WHERE (recipient, id) IN (SELECT * FROM unnest($1::text[], $2::bytea[]))`, [recipients, batch.map(d => d.envelope.id)])
  const pending = new Set(pendingRows.rows.map(r => key(r.recipient, r.id)))
  const digests = batch.map(d => replayDigest(d.envelope.sender, d.envelope.recipient, d.envelope.id))
  const seenRows = await client.query<{ digest: Uint8Array }>('SELECT digest FROM seen_envelopes WHERE digest = ANY($1::bytea[])', [digests])
  const seen = new Set(seenRows.rows.map(r => toHex(r.digest, 'base16')))

  // Decided in batch order, each deposit also seeing the ones accepted before it in this batch.
  const outcomes: Array<StoredEnvelope | Error | undefined> = []
  const accepted: Accepted[] = []
  batch.forEach(({ envelope: e, limits, now }, index) => {
    const base: MailboxUsage = { count: Number(usage.rows[index].count), bytes: Number(usage.rows[index].bytes) }
    for (const a of accepted) {
      if (a.envelope.recipient === e.recipient && a.expiresAt > now) {
        base.count++
        base.bytes += a.envelope.bytes.length
      }
    }
    if (base.count + 1 > limits.maxMessages || base.bytes + e.bytes.length > limits.maxBytes) {
      outcomes[index] = new ProtocolError(ErrorCode.MAILBOX_FULL, `recipient's mailbox is full (${limits.maxMessages} messages, ${limits.maxBytes} bytes)`)
      return
    }
    const k = key(e.recipient, e.id)
    if (pending.has(k)) {
      // Another sender reusing an id still pending for this recipient: the same id twice is a replay.
      outcomes[index] = new ProtocolError(ErrorCode.REPLAY, 'envelope id is already pending for this recipient')
      return
    }
    const digest = toHex(digests[index], 'base16')
    if (seen.has(digest)) {
      outcomes[index] = new ProtocolError(ErrorCode.REPLAY, 'envelope id was already deposited')
      return
    }
    pending.add(k)
    seen.add(digest)
    accepted.push({ index, envelope: e, now, expiresAt: envelopeExpiry(e, now, limits), seenUntil: now + limits.retentionMs, digest: digests[index] })
  })
  if (accepted.length === 0) return outcomes as Array<StoredEnvelope | Error>

  await client.query(`INSERT INTO seen_envelopes (digest, expires_at)
    SELECT * FROM unnest($1::bytea[], $2::bigint[])`, [accepted.map(a => a.digest), accepted.map(a => a.seenUntil)])
  // Inserted in batch order, so seqs follow it.
  const inserted = await client.query<{ seq: string, recipient: string, id: Uint8Array }>(`INSERT INTO envelopes
    (id, sender, recipient, sent_at, received_at, expires_at, size, envelope)
    SELECT id, sender, recipient, sent_at, received_at, expires_at, size, envelope
    FROM unnest($1::bytea[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::int[], $8::bytea[])
      WITH ORDINALITY AS t (id, sender, recipient, sent_at, received_at, expires_at, size, envelope, i)
    ORDER BY i
    RETURNING seq, recipient, id`, [
    accepted.map(a => a.envelope.id), accepted.map(a => a.envelope.sender), accepted.map(a => a.envelope.recipient),
    accepted.map(a => a.envelope.sentAt), accepted.map(a => a.now), accepted.map(a => a.expiresAt),
    accepted.map(a => a.envelope.bytes.length), accepted.map(a => a.envelope.bytes)
  ])
  const seqs = new Map(inserted.rows.map(r => [key(r.recipient, r.id), r.seq]))
  for (const a of accepted) {
    const seq = seqs.get(key(a.envelope.recipient, a.envelope.id))
    if (seq == null) throw new Error('a batch insert returned no seq for an accepted deposit')
    outcomes[a.index] = { ...a.envelope, seq: BigInt(seq), receivedAt: a.now, expiresAt: a.expiresAt }
  }
  // Delivered by PostgreSQL only if this transaction commits.
  await client.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p',
    [DepositChannel.CHANNEL, accepted.map(a => `${seqs.get(key(a.envelope.recipient, a.envelope.id)) ?? ''}:${a.envelope.recipient}`)])
  return outcomes as Array<StoredEnvelope | Error>
}
