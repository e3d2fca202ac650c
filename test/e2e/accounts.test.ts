import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import fs from 'node:fs';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { testApp } from '../helpers/app.ts';
import { CHROMIUM, screenshotDir } from '../helpers/browser.ts';
import { startSmtp } from '../helpers/mail.ts';

describe('browser: a stakeholder registers, confirms the address, signs in and out', function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: Server;
  let base: string;
  let app: Awaited<ReturnType<typeof testApp>>;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      if (process.env.REQUIRE_BROWSER) throw new Error(`chromium not found at ${CHROMIUM}`);
      this.skip();
    }
    smtp = await startSmtp();
    // PUBLIC_URL must match the port, so listen first on a port we pick and then build the app for it.
    const probe = (await import('node:net')).createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    base = `http://127.0.0.1:${port}`;
    app = await testApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: base } });
    server = app.app.listen(port, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  });
  after(async () => {
    await browser?.close();
    if (server) await new Promise((r) => server.close(r));
    await app?.close();
    await smtp?.close();
  });

  const shot = async (page: Page, name: string) => {
    if (screenshotDir) await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
  };

  it('works without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: /Register/ }).click();

    // a mistake is shown beside the field, with the rest kept
    await page.getByLabel('Your name').fill('Amina Diallo');
    await page.getByLabel('E-mail address').fill('amina@example.org');
    await page.getByLabel('Organisation').fill('Mines Action NGO');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Register' }).click();
    expect(await page.locator('#password-error').innerText()).to.contain('at least 8 characters');
    expect(await page.getByLabel('Your name').inputValue()).to.equal('Amina Diallo');
    await shot(page, 'register-error');
    await page.getByLabel('Password').fill('survey before clearance');
    await page.getByRole('button', { name: 'Register' }).click();
    expect(await page.locator('h1').innerText()).to.equal('Check your inbox');

    // the link in the mail
    const mail = await smtp.next('amina@example.org');
    await page.goto(mail.link!);
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    expect(await page.locator('main').innerText()).to.contain('Your e-mail address is confirmed.');
    await page.getByRole('link', { name: 'Sign in' }).first().click();

    // sign in, see the name, sign out
    await page.getByLabel('E-mail address').fill('amina@example.org');
    await page.getByLabel('Password').fill('survey before clearance');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(page.url()).to.equal(`${base}/account`);
    expect(await page.locator('.site-header').innerText()).to.contain('Amina Diallo');
    expect(await page.locator('main').innerText()).not.to.contain('not confirmed yet');
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'imas.sid')).to.include({ httpOnly: true, sameSite: 'Lax' });
    await shot(page, 'account');
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(await page.locator('.site-header').innerText()).to.contain('Sign in');
    await page.goto(`${base}/account`);
    expect(new URL(page.url()).pathname).to.equal('/login');
    await context.close();
  });
});
