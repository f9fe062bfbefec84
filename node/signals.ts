// Waiting for the user to stop a long-running command (Ctrl-C, or SIGTERM from a supervisor).

/** Resolves on SIGINT/SIGTERM, or after `ms` when given. Handlers are removed afterwards. */
export async function untilStopped (ms?: number): Promise<'signal' | 'timeout'> {
  return await new Promise(resolve => {
    const done = (why: 'signal' | 'timeout'): void => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      clearTimeout(timer)
      resolve(why)
    }
    const onSignal = (): void => { done('signal') }
    const timer = ms == null ? undefined : setTimeout(() => { done('timeout') }, ms)
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
  })
}
