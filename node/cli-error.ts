// An error the CLI reports as one line and a non-zero exit, without a stack trace.
export class CliError extends Error {
  readonly code: string
  /** The process's exit status (1 unless a command documents another, e.g. 2 for a bad config). */
  readonly exitCode: number
  constructor (message: string, code = 'USAGE', exitCode = 1) {
    super(message)
    this.name = 'CliError'
    this.code = code
    this.exitCode = exitCode
  }
}
