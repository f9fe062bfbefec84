// Batch sizes and schedules of this device's prekeys. docs/protocols.md quotes these numbers: keep
// them in step (test/protocol/prekeys/prekey-docs.test.ts compares them).

/**
 * One-time X25519 prekeys published per batch. Small, because generating keys costs CPU on every
 * first start (≈2-8 ms a key here) and a device is rarely contacted by that many new devices at once.
 */
export const PREKEY_BATCH = 25
/** Top up to a full batch when fewer than this many one-time prekeys are left at the rendezvous. */
export const PREKEY_LOW_WATER = 10
/** One-time ML-KEM prekeys: 1.2 KB public / 2.4 KB private and slower to make, so fewer of them. */
export const PQ_PREKEY_BATCH = 2
export const PQ_PREKEY_LOW_WATER = 1

const DAY = 86_400_000

/** The signed prekey and the last-resort ML-KEM prekey are replaced this often (PQXDH suggests weekly or monthly). */
export const PREKEY_ROTATION_MS = 7 * DAY
/**
 * A replaced pair's private halves are kept this long, then deleted. A device takes its mailbox
 * whenever it is online and only rotates while online, so first messages are in flight for minutes,
 * not weeks; 30 days (the default mailbox retention) leaves a wide margin.
 */
export const RETIRED_PREKEY_GRACE_MS = 30 * DAY
/** How often a running device asks the rendezvous how many one-time prekeys it has left. */
export const PREKEY_STATUS_INTERVAL_MS = 60 * 60_000
