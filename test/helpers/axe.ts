import { createRequire } from 'node:module';
import fs from 'node:fs';
import type { Page } from 'playwright-core';

/** The WCAG 2.0 and 2.1 levels A and AA: the rules issue 19 item 3 holds every page to. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let source: string | undefined;
/** axe-core's browser script (node_modules/axe-core/axe.min.js), read once. */
const axeSource = () => (source ??= fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string; html: string; summary: string }>;
}

/**
 * Runs axe-core in the page (injected: the context needs `bypassCSP: true`, the app's CSP allows no
 * inline script) with the WCAG 2.0/2.1 A and AA rules; returns the violations.
 */
export async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource() });
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; html: string; failureSummary?: string }> }> }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 200), summary: (n.failureSummary ?? '').slice(0, 300) })) }));
  }, WCAG_TAGS);
}

/** One line per violation and page, for a failure message. */
export const describeViolations = (where: string, vs: Violation[]): string[] =>
  vs.map((v) => `${where}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.length} × e.g. ${v.nodes[0]?.target} ${v.nodes[0]?.html} ${v.nodes[0]?.summary.replace(/\s+/g, ' ')}`);
