// How commands print: plain lines for people, one JSON object a line with --json.
export interface OutputOptions {
  json?: boolean
}

export function print (options: OutputOptions, value: unknown, text: string): void {
  process.stdout.write((options.json === true ? JSON.stringify(value) : text) + '\n')
}

/** Progress and hints go to stderr so stdout stays machine-readable. */
export function note (options: OutputOptions, text: string): void {
  if (options.json !== true) process.stderr.write(text + '\n')
}

export function formatTime (ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
