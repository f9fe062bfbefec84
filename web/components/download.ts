// Saves a JSON text as a file the way browsers download: a temporary link to an object URL.

export function downloadJson (json: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }))
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.click()
  setTimeout(() => { URL.revokeObjectURL(url) }, 10_000)
}

/** `prefix-YYYY-MM-DD.json` */
export function datedFileName (prefix: string): string {
  return `${prefix}-${new Date().toISOString().slice(0, 10)}.json`
}
