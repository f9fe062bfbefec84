// The time the screens judge "how long has this waited" by: one place to read it, so a test moves
// the browser's clock instead of waiting, and nothing else reads the time for such judgements.

export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }
