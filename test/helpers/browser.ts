import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import http, { type Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { testApp } from './app.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let warned = false;

/**
 * Starts the app on a free port and a headless Debian chromium. Where chromium is missing the browser
 * suites are skipped with one line saying how to install it — except under REQUIRE_BROWSER (CI).
 */
export function useBrowser(ctx: Mocha.Suite, opts: { now?: string } = {}) {
  const state = {} as { browser: Browser; server: Server; base: string; app: Awaited<ReturnType<typeof testApp>> };
  ctx.timeout(60_000);
  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      if (process.env.REQUIRE_BROWSER) throw new Error(`chromium not found at ${CHROMIUM}: apt-get install chromium`);
      if (!warned) console.log(`\n  browser tests skipped: chromium is not installed (apt-get install chromium)`);
      warned = true;
      this.skip();
    }
    state.app = await testApp(opts);
    state.server = http.createServer(state.app.handler).listen(0, '127.0.0.1'); // as server/main.ts: fast path, then Express
    await new Promise((r) => state.server.once('listening', r));
    state.base = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}`;
    state.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await state.browser?.close();
    if (state.server) await new Promise((r) => state.server.close(r));
    await state.app?.close();
  });
  return state;
}

/** Where screenshots go (kept out of git); set SCREENSHOTS=dir to keep them. */
export const screenshotDir = process.env.SCREENSHOTS ?? null;
