// Seeded pseudo-random numbers for simulations: xoshiro128** (Blackman & Vigna, 2018) seeded
// through splitmix32, so one integer seed reproduces a whole schedule on any platform. Not for
// cryptography: identities derived from it are throwaway simulation keys.

/** splitmix32: spreads a weak seed (small integers, consecutive labels) over the full state. */
export function splitmix32 (seed: number): () => number {
  let a = seed | 0
  return () => {
    a = (a + 0x9e3779b9) | 0
    let t = a ^ (a >>> 16)
    t = Math.imul(t, 0x21f0aaad)
    t = t ^ (t >>> 15)
    t = Math.imul(t, 0x735a2d97)
    return (t ^ (t >>> 15)) >>> 0
  }
}

/** FNV-1a over a label, so sub-streams are named rather than numbered by call order. */
function fnv1a (text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

function rotl (x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}

export class Prng {
  readonly #s = new Uint32Array(4)
  readonly #seed: number

  /** `seed` is any safe integer; both 32-bit halves take part. */
  constructor (seed: number, label = '') {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`)
    this.#seed = seed
    const lo = seed % 0x1_0000_0000
    const hi = Math.floor(seed / 0x1_0000_0000)
    const mix = splitmix32((lo ^ Math.imul(hi, 0x85ebca6b) ^ fnv1a(label)) >>> 0)
    for (let i = 0; i < 4; i++) this.#s[i] = mix()
    // xoshiro's one forbidden state; splitmix practically never yields it, but be exact.
    if (this.#s.every(v => v === 0)) this.#s[0] = 1
  }

  /**
   * An independent stream for one purpose (one peer's availability, one peer's traffic), so
   * changing one part of a scenario does not reshuffle the others.
   */
  fork (label: string): Prng {
    return new Prng(this.#seed, label)
  }

  /** Next 32-bit unsigned integer. */
  nextU32 (): number {
    const s = this.#s
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0
    const t = s[1] << 9
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = rotl(s[3], 11)
    return result
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next (): number {
    return this.nextU32() / 0x1_0000_0000
  }

  /** Uniform integer in [min, max], both inclusive. */
  int (min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  /** Exponentially distributed with the given mean (inter-arrival times of a Poisson process). */
  exponential (mean: number): number {
    return -mean * Math.log(1 - this.next())
  }

  pick<T> (items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list')
    return items[Math.floor(this.next() * items.length)]
  }

  /** `count` distinct items in random order (partial Fisher–Yates). */
  sample<T> (items: readonly T[], count: number): T[] {
    const copy = [...items]
    const n = Math.min(count, copy.length)
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i))
      const tmp = copy[i]
      copy[i] = copy[j]
      copy[j] = tmp
    }
    return copy.slice(0, n)
  }

  bytes (n: number): Uint8Array {
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i += 4) {
      const v = this.nextU32()
      for (let b = 0; b < 4 && i + b < n; b++) out[i + b] = (v >>> (8 * b)) & 0xff
    }
    return out
  }
}
