import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';

/** The WCAG 2.0 and 2.1 levels A and AA: the rules issue 19 item 3 holds every page to. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let served: Promise<string> | undefined;
/**
 * axe-core's browser script (node_modules/axe-core/axe.min.js) from a server of its own on a free port,
 * cacheable: chromium compiles a script it loads by URL once per context and takes it from its cache
 * after, where one injected as text was compiled anew on every page (0.3–1 s a page; 111 pages in npm
 * test's accessibility walk). Unreferenced (its sockets too), so it does not keep the test run alive. Resolves with its URL.
 */
const axeUrl = () =>
  (served ??= new Promise((resolve) => {
    const source = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'));
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'public, max-age=3600', 'Content-Length': source.length });
      res.end(source);
    });
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/axe.min.js`));
    server.unref();
    server.on('connection', (socket) => socket.unref());
  }));

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string; html: string; summary: string }>;
}

/**
 * Runs axe-core in the page (injected: the context needs `bypassCSP: true`, the app's CSP allows no
 * script from elsewhere) with the WCAG 2.0/2.1 A and AA rules; returns the violations.
 */
export async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ url: await axeUrl() });
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; html: string; failureSummary?: string }> }> }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 200), summary: (n.failureSummary ?? '').slice(0, 300) })) }));
  }, WCAG_TAGS);
}

/** One line per violation and page, for a failure message. */
export const describeViolations = (where: string, vs: Violation[]): string[] =>
  vs.map((v) => `${where}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.length} × e.g. ${v.nodes[0]?.target} ${v.nodes[0]?.html} ${v.nodes[0]?.summary.replace(/\s+/g, ' ')}`);
