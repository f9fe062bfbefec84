// Local search over this device's history: an in-memory token index (word → the messages with it), kept up to
// date message by message as they are added, edited, deleted or expire, so a query touches only the
// messages that contain its words. Never written to storage and never sent anywhere. A query word
// matches the start of a word (`lun` finds "Lunch"); every query word must match the message's text,
// its file name, its sender's name or its conversation's name.
import type { ChatMessage } from '../../protocol/messages/message.ts'

export interface SearchHit {
  id: string
  /** `peer:<PeerId>` or `group:<id>`, as conversation-summaries.ts names conversations. */
  key: string
  /** The member who wrote it; undefined for this device's own messages. */
  sender?: string
  direction: 'in' | 'out'
  /** The sender's clock. */
  at: number
  text: string
}

export interface SearchOptions {
  /** Shown names by conversation key and by sender PeerId: matching a name finds its messages. */
  names?: ReadonlyMap<string, string>
  /** Most results returned, newest first (default 50). */
  limit?: number
  /** Messages whose `expiresAt` is past are never returned (default Date.now()). */
  now?: number
}

interface Doc extends SearchHit {
  expiresAt?: number
  /** The last query that looked at it, and how many of that query's words it has. */
  seen: number
  matched: number
}

/** Longest query the box takes; longer input is cut, not refused. */
export const MAX_QUERY_LENGTH = 200

/** Lower case, accents removed, split into runs of letters and digits. */
export function tokenize (text: string): string[] {
  return normalize(text).match(/[\p{L}\p{N}]+/gu) ?? []
}

function normalize (text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
}

/** Splits `text` into runs, marking the words a query word starts (for highlighting). */
export function highlight (text: string, query: string): Array<{ text: string, hit: boolean }> {
  const words = [...new Set(tokenize(query.slice(0, MAX_QUERY_LENGTH)))]
  const out: Array<{ text: string, hit: boolean }> = []
  let last = 0
  for (const m of text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
    const word = normalize(m[0])
    if (!words.some(w => word.startsWith(w))) continue
    if (m.index > last) out.push({ text: text.slice(last, m.index), hit: false })
    out.push({ text: m[0], hit: true })
    last = m.index + m[0].length
  }
  if (last < text.length) out.push({ text: text.slice(last), hit: false })
  return out
}

/** Longest text a hit shows; a longer one is cut to start shortly before its first matching word. */
const SNIPPET = 160

/** `highlight` of the part of `text` around its first match, with "…" where it was cut. */
export function snippet (text: string, query: string): Array<{ text: string, hit: boolean }> {
  const parts = highlight(text, query)
  if (text.length <= SNIPPET) return parts
  let at = 0
  for (const p of parts) {
    if (p.hit) break
    at += p.text.length
  }
  const start = at > 40 ? at - 30 : 0
  const cut = highlight(text.slice(start, start + SNIPPET), query)
  if (start > 0) cut.unshift({ text: '…', hit: false })
  if (start + SNIPPET < text.length) cut.push({ text: '…', hit: false })
  return cut
}

/** Whether a message is something a person would search for (not a system line, not deleted). */
function searchable (m: ChatMessage): boolean {
  return m.timer == null && m.deletedAt == null && (m.text !== '' || m.attachment != null)
}

export class SearchIndex {
  readonly #docs = new Map<string, Doc>()
  readonly #postings = new Map<string, Doc[]>()
  /** Distinct tokens in order, for prefix lookups; may hold tokens no message has any more. */
  #sorted: string[] = []
  #stale = 0
  #pass = 0

  get size (): number {
    return this.#docs.size
  }

  /** Adds a message, or replaces what the index has of it (an edit); a deleted one leaves. */
  put (m: ChatMessage): void {
    this.remove(m.id)
    if (!searchable(m)) return
    const key = m.group != null ? `group:${m.group}` : `peer:${m.peer}`
    const sender = m.direction === 'out' ? undefined : m.group != null ? m.sender : m.peer
    const text = m.attachment != null ? `${m.attachment.name} ${m.text}`.trim() : m.text
    const doc: Doc = { id: m.id, key, seen: 0, matched: 0, direction: m.direction, at: m.sentAt, text, ...(sender != null ? { sender } : {}), ...(m.expiresAt != null ? { expiresAt: m.expiresAt } : {}) }
    this.#docs.set(m.id, doc)
    for (const t of new Set(tokenize(text))) this.#post(t, doc)
    // A conversation and a sender are found by name: kept under tokens no text can produce.
    this.#post(`\u0000${key}`, doc)
    if (sender != null) this.#post(`\u0001${sender}`, doc)
  }

  /** Deleted on this device, deleted for everyone, or expired: never found again. */
  remove (id: string): void {
    const doc = this.#docs.get(id)
    if (doc == null) return
    this.#docs.delete(id)
    // Its words again from its text: keeping them per message would cost more memory than the index.
    for (const t of new Set(tokenize(doc.text))) this.#unpost(t, doc)
    this.#unpost(`\u0000${doc.key}`, doc)
    if (doc.sender != null) this.#unpost(`\u0001${doc.sender}`, doc)
  }

  /** Forgets a whole conversation (before it is re-read). */
  removeConversation (key: string): void {
    for (const doc of [...this.#postings.get(`\u0000${key}`) ?? []]) this.remove(doc.id)
  }

  clear (): void {
    this.#docs.clear()
    this.#postings.clear()
    this.#sorted = []
    this.#stale = 0
  }

  search (query: string, options: SearchOptions = {}): SearchHit[] {
    const words = [...new Set(tokenize(query.slice(0, MAX_QUERY_LENGTH)))]
    if (words.length === 0) return []
    // Rarest word first: it decides the candidates, each later word only confirms them.
    const groups = words.map(w => ({ word: w, ...this.#matching(w, options.names) })).map(g => ({ ...g, size: g.lists.reduce((n, l) => n + l.length, 0) }))
    groups.sort((a, b) => a.size - b.size)
    if (groups[0].size === 0) return []
    // Marks on the docs instead of sets: `matched` counts the words a candidate has in this pass.
    const pass = ++this.#pass
    const candidates: Doc[] = []
    for (const list of groups[0].lists) {
      for (const doc of list) {
        if (doc.seen !== pass) candidates.push(doc)
        doc.seen = pass
        doc.matched = 1
      }
    }
    const ownWords = new Map<Doc, string[]>()
    for (let i = 1; i < groups.length; i++) {
      const g = groups[i]
      if (g.size > candidates.length * 8) {
        // A common word against few candidates: reading their own words is cheaper than its lists.
        for (const doc of candidates) {
          if (doc.matched !== i) continue
          let own = ownWords.get(doc)
          if (own == null) ownWords.set(doc, own = tokenize(doc.text))
          if (own.some(t => t.startsWith(g.word)) || g.names.has(doc.key) || (doc.sender != null && g.names.has(doc.sender))) doc.matched = i + 1
        }
        continue
      }
      for (const list of g.lists) {
        for (const doc of list) if (doc.seen === pass && doc.matched === i) doc.matched = i + 1
      }
    }
    const now = options.now ?? Date.now()
    const hits: Doc[] = []
    for (const list of groups[0].lists) {
      for (const doc of list) {
        if (doc.seen !== pass || doc.matched !== groups.length) continue
        // Taken: a doc under several of the first word's lists is listed once.
        doc.matched = 0
        if (doc.expiresAt == null || doc.expiresAt > now) hits.push(doc)
      }
    }
    return newest(hits, options.limit ?? 50).map(({ expiresAt: _e, seen: _s, matched: _m, ...hit }) => hit)
  }

  /** The lists one query word finds: words of the text it starts, and named conversations and senders. */
  #matching (word: string, names: ReadonlyMap<string, string> | undefined): { lists: Doc[][], names: Set<string> } {
    const out: Doc[][] = []
    const named = new Set<string>()
    const sorted = this.#sorted
    let lo = 0
    let hi = sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (sorted[mid] < word) lo = mid + 1
      else hi = mid
    }
    for (let i = lo; i < sorted.length && sorted[i].startsWith(word); i++) {
      const ids = this.#postings.get(sorted[i])
      if (ids != null) out.push(ids)
    }
    for (const [name, shown] of names ?? []) {
      if (!tokenize(shown).some(t => t.startsWith(word))) continue
      named.add(name)
      const ids = this.#postings.get(name.includes(':') ? `\u0000${name}` : `\u0001${name}`)
      if (ids != null) out.push(ids)
    }
    return { lists: out, names: named }
  }

  #post (token: string, doc: Doc): void {
    let docs = this.#postings.get(token)
    if (docs == null) {
      docs = []
      this.#postings.set(token, docs)
      if (token.charCodeAt(0) > 1) this.#insertSorted(token)
    }
    // Arrays, not sets: a set entry costs several times a slot, and removals are rare.
    docs.push(doc)
  }

  #unpost (token: string, doc: Doc): void {
    const docs = this.#postings.get(token)
    if (docs == null) return
    const i = docs.indexOf(doc)
    if (i < 0) return
    // Order within a list does not matter (hits are sorted by time): swap in the last one.
    docs[i] = docs[docs.length - 1]
    docs.pop()
    if (docs.length > 0) return
    this.#postings.delete(token)
    // Left in the sorted list (lookups skip it) until enough pile up to rebuild it.
    if (token.charCodeAt(0) > 1 && ++this.#stale > 1024 && this.#stale > this.#sorted.length / 2) {
      this.#sorted = [...this.#postings.keys()].filter(t => t.charCodeAt(0) > 1).sort()
      this.#stale = 0
    }
  }

  #insertSorted (token: string): void {
    const sorted = this.#sorted
    let lo = 0
    let hi = sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (sorted[mid] < token) lo = mid + 1
      else hi = mid
    }
    // A token removed earlier and back again is still in the list.
    if (sorted[lo] === token) {
      this.#stale--
      return
    }
    sorted.splice(lo, 0, token)
  }
}

/** The `limit` newest docs, newest first, without sorting thousands of hits of a common word. */
function newest (hits: Doc[], limit: number): Doc[] {
  let kept = hits
  if (hits.length > limit * 4) {
    const times = new Float64Array(hits.length)
    for (let i = 0; i < hits.length; i++) times[i] = hits[i].at
    times.sort()
    const threshold = times[times.length - limit]
    kept = hits.filter(d => d.at >= threshold)
  }
  return kept.sort((a, b) => b.at - a.at).slice(0, limit)
}
