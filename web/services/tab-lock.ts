// One tab per browser profile runs the chat node: two would be one PeerId twice at the rendezvous,
// fighting over its relay reservation. Web Locks hand the node to a waiting tab when the first closes.

/**
 * Resolves once this tab holds `name` (held until the page goes away). `onWaiting` runs first if
 * another tab has it. Without the Web Locks API every tab runs its own node.
 */
export async function holdTabLock (name: string, onWaiting: () => void): Promise<void> {
  const locks = globalThis.navigator?.locks
  if (locks == null) return
  const forever = async (): Promise<never> => await new Promise<never>(() => {})
  const got = await new Promise<boolean>(resolve => {
    void locks.request(name, { ifAvailable: true }, async lock => {
      resolve(lock != null)
      if (lock != null) await forever()
    })
  })
  if (got) return
  onWaiting()
  await new Promise<void>(resolve => {
    void locks.request(name, async () => {
      resolve()
      await forever()
    })
  })
}
