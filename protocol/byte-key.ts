// A Map key for a short byte string (a public key, an address): one character per byte.
// `String.fromCharCode(...bytes)` spreads the bytes into arguments first, ~6× the cost for 32–38
// bytes; these keys are built for every envelope a drain or a deposit checks.
export function byteKey (bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[])
}
