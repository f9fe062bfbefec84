// Turns a zod validation failure into the one line an operator reads ("mailbox.maxMesages: unknown
// key (did you mean maxMessages?)"), and lists a schema's keys (the example config is tested with it).
import type { z } from 'zod'

/** The first problem of a parse: where (`mailbox.maxMessages`, `iceServers[0].urls`) and what was expected. */
export interface SchemaIssue {
  key: string
  expected: string
}

/** zod keeps each schema's parts in `_zod.def`; only the kinds a config uses are walked. */
interface Def {
  type: string
  shape?: Record<string, z.ZodType>
  innerType?: z.ZodType
  in?: z.ZodType
  valueType?: z.ZodType
  element?: z.ZodType
  options?: z.ZodType[]
}

function defOf (schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def
}

/** Looks through optional, default, prefault and transform wrappers to the schema that checks. */
function unwrap (schema: z.ZodType): z.ZodType {
  let s = schema
  for (let i = 0; i < 16; i++) {
    const d = defOf(s)
    const next = d.innerType ?? (d.type === 'pipe' ? d.in : undefined)
    if (next == null) return s
    s = next
  }
  return s
}

/** The keys an object schema at `path` allows (for a union, any alternative's; none when it is no object). */
function keysAt (schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const s = unwrap(schema)
  const d = defOf(s)
  if (d.type === 'union') return [...new Set((d.options ?? []).flatMap(o => keysAt(o, path)))]
  if (path.length === 0) return d.type === 'object' ? Object.keys(d.shape ?? {}) : []
  const [part, ...rest] = path
  if (d.type === 'object' && typeof part === 'string' && d.shape?.[part] != null) return keysAt(d.shape[part], rest)
  if (d.type === 'record' && d.valueType != null) return keysAt(d.valueType, rest)
  if (d.type === 'array' && d.element != null) return keysAt(d.element, rest)
  return []
}

function editDistance (a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1))
      diagonal = above
    }
  }
  return row[b.length]
}

/** The allowed key a typo most likely meant, if one is close enough. */
export function closestKey (key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1
  for (const candidate of allowed) {
    const d = editDistance(key, candidate)
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

export function formatPath (path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => typeof part === 'number' ? `${out}[${part}]` : out === '' ? String(part) : `${out}.${String(part)}`, '')
}

function shown (value: unknown): string {
  const text = JSON.stringify(value)
  return text == null ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/** The first issue of a failed parse as key and expectation; parse with `reportInput: true` to show what was found. */
export function firstIssue (error: z.ZodError, schema: z.ZodType): SchemaIssue {
  // A misspelt key also leaves the key it meant missing: the misspelling is what to report.
  const issue = error.issues.find(i => i.code === 'unrecognized_keys') ?? error.issues[0]
  const where = formatPath(issue.path)
  const at = (k: string): string => where === '' ? k : `${where}.${k}`
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]
    const allowed = keysAt(schema, issue.path)
    // A key the file already sets is not the one a typo meant.
    const present = new Set(Object.keys(issue.input ?? {}))
    const guess = closestKey(key, allowed.filter(k => !present.has(k)))
    return { key: at(key), expected: `unknown key (${guess != null ? `did you mean ${guess}?` : `expected one of ${allowed.join(', ')}`})` }
  }
  if (issue.code === 'invalid_key') {
    return { key: where, expected: issue.issues[0]?.message ?? issue.message }
  }
  if (issue.code === 'invalid_union' && issue.message === 'Invalid input') {
    // Without a message of its own, the first alternative's problem says more than "no match".
    const inner = issue.errors.flat()[0]
    if (inner != null && inner.message !== '') return { key: formatPath([...issue.path, ...inner.path]), expected: inner.message }
  }
  const input = (issue as { input?: unknown }).input
  const message = issue.code === 'invalid_type' && issue.expected === 'object' ? 'expected a mapping' : issue.message
  if (input === undefined && (issue.code === 'invalid_type' || issue.code === 'custom')) return { key: where, expected: `missing (${message})` }
  // YAML reads `mailbox:` with every line below it commented out as null.
  if (input === null) return { key: where, expected: `${message}, got nothing (remove the key or give it a value)` }
  const got = input === undefined || typeof input === 'object' ? '' : `, got ${shown(input)}`
  return { key: where, expected: `${message}${got}` }
}

/** Every key path a schema allows, records shown as `<name>` and lists as `[]`: `plans.<name>.mailbox.retention`. */
export function schemaKeys (schema: z.ZodType, prefix = ''): string[] {
  const d = defOf(unwrap(schema))
  if (d.type === 'object') {
    return Object.entries(d.shape ?? {}).flatMap(([k, v]) => {
      const path = prefix === '' ? k : `${prefix}.${k}`
      return [path, ...schemaKeys(v, path)]
    })
  }
  if (d.type === 'record' && d.valueType != null) return schemaKeys(d.valueType, `${prefix}.<name>`)
  if (d.type === 'array' && d.element != null) return schemaKeys(d.element, `${prefix}[]`)
  return []
}
