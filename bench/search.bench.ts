// Local search in the web app (web/services/search-index.ts) over 100,000 messages in 300
// conversations, against two scans of the same rows: a plain linear scan (text already lower-cased
// in memory, `includes` for each query word: the cheapest scan there is, looser than the index's
// word-start match) and what a search without an index does, reading the history from the chat
// store each time (MemoryChatStore here; IndexedDB in the browser only adds to that). Also the cost
// of building the index and of one message added to it.
import { performance } from 'node:perf_hooks'
import { MemoryChatStore } from '../protocol/store/memory-chat-store.ts'
import { SearchIndex } from '../web/services/search-index.ts'
import { median, withBaselines } from './harness.ts'
import type { BenchOptions, BenchResult } from './harness.ts'
import type { ChatMessage } from '../protocol/messages/message.ts'

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'bu', 'da', 'fe', 'gi', 'ho', 'ju', 'pe']

/** A deterministic generator, so every run searches the same history. */
function random (seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

function vocabulary (size: number): string[] {
  const words = new Set<string>()
  const next = random(7)
  while (words.size < size) {
    const n = 2 + Math.floor(next() * 3)
    let w = ''
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(next() * SYLLABLES.length)]
    words.add(w)
  }
  return [...words]
}

/** Messages whose words follow a Zipf-like spread, as chat text does: a few very common words, many rare ones. */
function history (count: number, words: string[]): ChatMessage[] {
  const next = random(42)
  const out: ChatMessage[] = []
  for (let i = 0; i < count; i++) {
    const n = 4 + Math.floor(next() * 14)
    const text: string[] = []
    for (let j = 0; j < n; j++) text.push(words[Math.floor(words.length * next() ** 3)])
    const conversation = i % 300
    const group = conversation >= 250 ? `g${conversation}` : undefined
    out.push({
      id: i.toString(16).padStart(32, '0'),
      peer: `peer${conversation}`,
      direction: next() < 0.5 ? 'out' : 'in',
      text: text.join(' '),
      sentAt: 1_700_000_000_000 + i * 60_000,
      receivedAt: 1_700_000_000_000 + i * 60_000,
      status: 'received',
      ...(group != null ? { group, sender: `member${i % 7}` } : {})
    })
  }
  return out
}

/** The baseline: every row read, every query word looked for in its lower-cased text. */
function scan (rows: Array<{ m: ChatMessage, lower: string }>, query: string, limit: number): ChatMessage[] {
  const words = query.toLowerCase().split(/\s+/).filter(w => w !== '')
  const hits: ChatMessage[] = []
  for (const r of rows) if (words.every(w => r.lower.includes(w))) hits.push(r.m)
  hits.sort((a, b) => b.sentAt - a.sentAt)
  return hits.slice(0, limit)
}

async function timeQueries (queries: string[], rounds: number, run: (q: string) => unknown): Promise<number> {
  const perRound: number[] = []
  for (let r = 0; r < rounds + 1; r++) {
    const start = performance.now()
    for (const q of queries) await run(q)
    // The first round warms up.
    if (r > 0) perRound.push(((performance.now() - start) * 1000) / queries.length)
  }
  return median(perRound)
}

export async function runSearchBench (options: BenchOptions = {}): Promise<BenchResult[]> {
  const count = options.quick === true ? 5_000 : 100_000
  const rounds = options.quick === true ? 3 : 7
  const words = vocabulary(5_000)
  const messages = history(count, words)
  const rows = messages.map(m => ({ m, lower: m.text.toLowerCase() }))

  const buildStart = performance.now()
  const index = new SearchIndex()
  for (const m of messages) index.put(m)
  const buildMs = performance.now() - buildStart

  // Rare, middling and common words, two-word queries and a three-letter prefix as typed.
  const queries = [words[4_900], words[3_000], words[1_500], words[200], words[20], `${words[50]} ${words[900]}`,
    `${words[10]} ${words[30]}`, words[2_000].slice(0, 3), words[700].slice(0, 4), `${words[5]} ${words[4_000]}`]
  for (const q of queries) {
    const found = new Set(index.search(q, { limit: 50 }).map(h => h.id))
    // Every hit of the index is a hit of the looser scan: a sanity check on what is measured.
    const scanned = new Set(scan(rows, q, count).map(m => m.id))
    for (const id of found) if (!scanned.has(id)) throw new Error(`index found ${id} for "${q}", which the scan does not`)
  }
  const indexUs = await timeQueries(queries, rounds, q => index.search(q, { limit: 50 }))
  const scanUs = await timeQueries(queries, rounds, q => scan(rows, q, 50))
  // The two ends of the mix: a rare word, and a word a tenth of the messages or more contain.
  const rareUs = await timeQueries([queries[0]], rounds * 5, q => index.search(q, { limit: 50 }))
  const commonUs = await timeQueries([queries[4]], rounds, q => index.search(q, { limit: 50 }))
  const commonHits = index.search(queries[4], { limit: count }).length
  const store = new MemoryChatStore()
  await store.addMessages(messages)
  const storeUs = await timeQueries(queries, rounds, async q => scan((await store.listMessages()).map(m => ({ m, lower: m.text.toLowerCase() })), q, 50))

  const extra = history(count + 1_000, words).slice(count)
  const addStart = performance.now()
  for (const m of extra) index.put(m)
  const addUs = ((performance.now() - addStart) * 1000) / extra.length

  return [withBaselines({
    group: 'search',
    name: `query over ${count.toLocaleString('en-US')} messages (token index)`,
    unit: 'µs/query',
    better: 'lower',
    value: indexUs,
    rounds,
    detail: { 'build ms': buildMs, 'add µs/message': addUs, queries: queries.length, 'rare word µs': rareUs, 'common word µs': commonUs, 'common word hits': commonHits }
  }, [{ name: 'linear scan of the same rows', value: scanUs }, { name: 'scan read from the chat store per query', value: storeUs }])]
}
