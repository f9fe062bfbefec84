// An error the CLI reports as one line and a non-zero exit, without a stack trace.
export class CliError extends Error {
  readonly code: string
  constructor (message: string, code = 'USAGE') {
    super(message)
    this.name = 'CliError'
    this.code = code
  }
}
