// The accessibility check of the browser tests: axe-core run in the page (open shadow roots
// included) on the screen as a person sees it, failing on every serious or critical violation.
// axe is evaluated over DevTools rather than added as a <script>: the app's CSP allows only its own
// scripts, and loosening it for the test would check a page people never get.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { expect } from 'vitest'
import type { Page } from 'playwright-core'

const require = createRequire(import.meta.url)
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: Array<{ target: unknown[], failureSummary?: string }>
}

const BLOCKING = new Set(['serious', 'critical'])

/** The serious and critical violations on the page now. */
export async function accessibilityViolations (page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => 'axe' in window)
  if (!loaded) await page.evaluate(AXE_SOURCE)
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe
    const result = await axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
    return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({ target: n.target, failureSummary: n.failureSummary })) }))
  })
  return violations.filter(v => v.impact != null && BLOCKING.has(v.impact))
}

/** One line per violation and element, readable in a test failure. */
export function describeViolations (violations: AxeViolation[]): string[] {
  return violations.flatMap(v => v.nodes.map(n => `${v.impact ?? ''} ${v.id}: ${v.help} at ${JSON.stringify(n.target)}${n.failureSummary != null ? ` (${n.failureSummary.replace(/\s+/g, ' ')})` : ''}`))
}

/**
 * Fails listing every serious or critical violation on `screen`, in the page's colour scheme now
 * and, with `bothSchemes`, in the other one too (the app follows the system's light or dark).
 */
export async function expectAccessible (page: Page, screen: string, options: { bothSchemes?: boolean } = {}): Promise<void> {
  const schemes: Array<'light' | 'dark' | undefined> = options.bothSchemes === true ? ['light', 'dark'] : [undefined]
  for (const scheme of schemes) {
    if (scheme != null) await page.emulateMedia({ colorScheme: scheme })
    const lines = describeViolations(await accessibilityViolations(page))
    expect(lines, `accessibility of "${screen}"${scheme != null ? ` (${scheme})` : ''}`).toEqual([])
  }
  if (options.bothSchemes === true) await page.emulateMedia({ colorScheme: 'light' })
}
