// The link code's device-only part and the proof built on it; what a history item may hold, and the
// cursor a transfer resumes by.
import { describe, expect, it } from 'vitest'
import { LINK_SECRET_TTL_MS } from '../../../protocol/history/constants.ts'
import { checkHistoryValue, cursorString, historyItems, parseCursor, parseHistoryMessage } from '../../../protocol/history/history-items.ts'
import { LinkSecrets, historyProof, newLinkSecret, splitLinkCode } from '../../../protocol/history/link-secret.ts'
import { MemoryChatStore } from '../../../protocol/store/memory-chat-store.ts'

const json = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v))
const valid = { id: 'ab'.repeat(16), peer: '12D3KooWpeer', direction: 'in', text: 'hi', sentAt: 1, receivedAt: 2, status: 'read' }

describe('link codes that carry history', () => {
  it('splits a whole code, and one typed without its letters; refuses anything else', () => {
    expect(splitLinkCode(' 1234-5678-abcdefgh ')).toEqual({ nodeCode: '1234-5678', secret: 'abcdefgh' })
    expect(splitLinkCode('1234-5678-ABCDEFGH')).toEqual({ nodeCode: '1234-5678', secret: 'abcdefgh' })
    expect(splitLinkCode('12345678')).toEqual({ nodeCode: '12345678', secret: '' })
    for (const bad of ['', '1234', '1234-5678-abc', '1234-5678-abcdefgh1', 'abcd-efgh-12345678', '1234-5678-abcdefg0']) {
      expect(() => splitLinkCode(bad), bad).toThrow(expect.objectContaining({ code: 'INVALID' }))
    }
  })

  it('makes 8 letters from the unambiguous alphabet', () => {
    for (let i = 0; i < 50; i++) expect(newLinkSecret()).toMatch(/^[a-hj-km-np-z2-9]{8}$/)
  })

  it('binds the proof to the code and to both devices', () => {
    const code = splitLinkCode('1234-5678-abcdefgh')
    const proof = historyProof(code, 'new', 'old')
    expect(historyProof(splitLinkCode('12345678-abcdefgh'), 'new', 'old')).toEqual(proof)
    expect(historyProof(code, 'old', 'new')).not.toEqual(proof)
    expect(historyProof(code, 'other', 'old')).not.toEqual(proof)
    expect(historyProof(splitLinkCode('1234-5678-abcdefgj'), 'new', 'old')).not.toEqual(proof)
    expect(historyProof(splitLinkCode('1234-5678'), 'new', 'old')).not.toEqual(proof)
  })

  it('accepts the proof until the code expires on the injected clock', async () => {
    let now = 1_000_000
    const secrets = new LinkSecrets(new MemoryChatStore(), () => now)
    const code = await secrets.remember('1234-5678')
    const proof = historyProof(splitLinkCode(code), 'new', 'old')
    await secrets.check(proof, 'new', 'old')
    await expect(secrets.check(proof, 'someone', 'old')).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    await secrets.check(proof, 'new', 'old')
    now += LINK_SECRET_TTL_MS
    await expect(secrets.check(proof, 'new', 'old')).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
  })
})

describe('history items', () => {
  it('takes a well-formed message and refuses a malformed one, saying what is wrong', () => {
    expect(parseHistoryMessage(json(valid))).toMatchObject(valid)
    const cases: Array<[unknown, RegExp]> = [
      [{ ...valid, id: 'x' }, /id/],
      [{ ...valid, direction: 'sideways' }, /direction/],
      [{ ...valid, status: 'lost' }, /status/],
      [{ ...valid, text: 'x'.repeat(40 * 1024) }, /text/],
      [{ ...valid, sentAt: -1 }, /times/],
      [{ ...valid, edits: Array(21).fill({ text: '', at: 0 }) }, /edits/],
      [[valid], /not an object/]
    ]
    for (const [m, why] of cases) expect(() => parseHistoryMessage(json(m))).toThrow(why)
    expect(() => parseHistoryMessage(new Uint8Array([0xff, 0xfe]))).toThrow(/not JSON/)
  })

  it('takes records only under the shared prefixes: never keys or sessions', () => {
    expect(checkHistoryValue({ key: 'groups/state/abc', value: new Uint8Array(3) }).key).toBe('groups/state/abc')
    for (const key of ['sessions/peer', 'prekeys/state', 'groups/own/abc', 'history/link-secret', 'trust/contact/../../sessions/x']) {
      expect(() => checkHistoryValue({ key, value: new Uint8Array(1) }), key).toThrow(expect.objectContaining({ code: 'MALFORMED' }))
    }
  })

  it('resumes after the cursor of any item, values by key then messages by position; refuses a cursor it never wrote', async () => {
    const store = new MemoryChatStore()
    await store.setValue('trust/contact/@bob', json({ trusted: [], pending: [] }))
    await store.setValue('contacts/12D3KooWpeer', json({ peer: '12D3KooWpeer' }))
    await store.setValue('sessions/secret', new Uint8Array(1))
    await store.addMessages([1, 2, 3].map(i => ({ ...valid, direction: 'in' as const, status: 'read' as const, id: i.toString(16).padStart(32, '0') })))
    const all = []
    for await (const item of historyItems(store, parseCursor(''), 2)) all.push(item)
    expect(all.map(i => i.item.value?.key ?? JSON.parse(new TextDecoder().decode(i.item.message)).id.slice(-1))).toEqual(['trust/contact/@bob', 'contacts/12D3KooWpeer', '1', '2', '3'])
    for (const [n, from] of all.entries()) {
      const rest = []
      for await (const item of historyItems(store, parseCursor(from.cursor), 2)) rest.push(item.cursor)
      expect(rest).toEqual(all.slice(n + 1).map(i => i.cursor))
    }
    expect(parseCursor(cursorString({ after: 42 }))).toEqual({ after: 42 })
    for (const bad of ['x', 'm:', 'm:-1', 'v:99:key', 'v:1', 'm:1'.padEnd(2000, '0')]) expect(() => parseCursor(bad), bad).toThrow(expect.objectContaining({ code: 'MALFORMED' }))
  })
})
