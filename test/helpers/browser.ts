import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import http, { type Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { testApp } from './app.ts';
import { currentCode, TEST_PASSWORD } from './auth.ts';
import { startSmtp } from './mail.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let warned = false;

const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
let shared: Promise<Browser> | undefined;
/**
 * One headless chromium for every browser suite of the run (a launch and its close cost ~1.5 s, and
 * there are 19 suites); launched again if it went away. Each suite closes the contexts it opened.
 */
async function sharedBrowser(): Promise<Browser> {
  const b = await launched();
  if (b?.isConnected()) return b;
  shared = chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  return shared;
}
/** The shared chromium if one was launched and did not fail to start. */
const launched = async () => shared?.catch(() => undefined);
// Root-level (this module is loaded with the suites): closed once the last suite is done.
if (typeof after === 'function') after(async () => (await launched())?.close());

/**
 * Starts the app on a free port (as server/main.ts does: the fast path, then Express) and gives the
 * suite the run's headless Debian chromium (sharedBrowser). With `mail`, also a real local SMTP
 * server, and PUBLIC_URL set to the app's address so that mailed links lead back to it. Where chromium is missing the browser suites are skipped with
 * one line saying how to install it — except under REQUIRE_BROWSER (CI), where that is an error.
 */
export function useBrowser(ctx: Mocha.Suite, opts: { now?: string; mail?: boolean } = {}) {
  const state = {} as {
    browser: Browser;
    server: Server;
    base: string;
    app: Awaited<ReturnType<typeof testApp>>;
    smtp: Awaited<ReturnType<typeof startSmtp>>;
  };
  ctx.timeout(90_000);
  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      if (process.env.REQUIRE_BROWSER) throw new Error(`chromium not found at ${CHROMIUM}: apt-get install chromium`);
      if (!warned) console.log(`\n  browser tests skipped: chromium is not installed (apt-get install chromium)`);
      warned = true;
      this.skip();
    }
    // The server takes its port first (a port found free and released could be taken by another suite
    // meanwhile) and gets the app once it exists: mailed links need the address before the app is made.
    let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
    state.server = http.createServer((req, res) => handler(req, res)).listen(0, '127.0.0.1');
    await new Promise((r) => state.server.once('listening', r));
    state.base = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}`;
    const env: Record<string, string> = {};
    if (opts.mail) {
      state.smtp = await startSmtp();
      Object.assign(env, { SMTP_URL: state.smtp.url, PUBLIC_URL: state.base });
    }
    state.app = await testApp({ now: opts.now, env });
    handler = state.app.handler;
    state.browser = await sharedBrowser();
  });
  after(async () => {
    // what this suite opened in the shared browser
    for (const c of state.browser?.contexts() ?? []) await c.close();
    if (state.server) await new Promise((r) => state.server.close(r));
    await state.app?.close();
    await state.smtp?.close();
  });
  return state;
}

/** Where screenshots go (kept out of git); set SCREENSHOTS=dir to keep them. */
export const screenshotDir = process.env.SCREENSHOTS ?? null;

/** After "Sign in": the second step of two-factor sign-in when the page asks for it, with the code the user's app shows now. */
export async function secondStepIfAsked(page: Page, email: string): Promise<void> {
  if (new URL(page.url()).pathname !== '/login/code') return;
  await page.getByLabel('Code').fill(await currentCode(email));
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** A new browser context without JavaScript (the pages must work without it), signed in as `email` (TEST_PASSWORD). */
export async function signedInPage(browser: Browser, base: string, email: string, viewport?: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false, ...(viewport ? { viewport } : {}) });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await secondStepIfAsked(page, email);
  return page;
}
