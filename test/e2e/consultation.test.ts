import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import fs from 'node:fs';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { testApp } from '../helpers/app.ts';
import { CHROMIUM, screenshotDir } from '../helpers/browser.ts';
import { startSmtp } from '../helpers/mail.ts';
import { createUser, TEST_PASSWORD } from '../helpers/auth.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';

/**
 * The consultation journey, without JavaScript: a stakeholder registers and confirms the address,
 * comments on a clause of the open draft, the secretariat records a disposition in the matrix, the
 * stakeholder sees it on the receipt.
 */
describe('browser: a stakeholder comments on a draft and sees the disposition', function () {
  this.timeout(90_000);
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
    if (screenshotDir) await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: false });
  };
  const signIn = async (page: Page, email: string, password: string) => {
    await page.goto(`${base}/login`);
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  it('register → comment on clause 7.4 → disposition by the secretariat → seen by the stakeholder', async () => {
    const cid = await sampleConsultationId(app.db);
    const stakeholder = await browser.newContext({ javaScriptEnabled: false });
    const page = await stakeholder.newPage();

    // register and confirm the address
    await page.goto(`${base}/register`);
    await page.getByLabel('Your name').fill('Kofi Mensah');
    await page.getByLabel('E-mail address').fill('kofi@example.org');
    await page.getByLabel('Organisation').fill('Survey Action Ghana');
    await page.getByLabel('Password').fill('evidence before clearance');
    await page.getByRole('button', { name: 'Register' }).click();
    const mail = await smtp.next('kofi@example.org');
    await page.goto(mail.link!);
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await signIn(page, 'kofi@example.org', 'evidence before clearance');

    // the open consultation, from the list
    await page.goto(`${base}/consultations`);
    await page.getByRole('link', { name: /IMAS 07\.11/ }).first().click();
    expect(page.url()).to.equal(`${base}/consultations/${cid}`);
    expect(await page.locator('main').innerText()).to.contain('2027-06-30 23:59 UTC');
    const clause = page.locator('.clause-with-comments').filter({ has: page.locator('#clause-7\\.4') });
    expect(await clause.locator('.clause-comments').innerText()).to.contain('0 comments');
    await clause.locator('summary', { hasText: 'Comment on this clause' }).click();
    await clause.getByLabel('Paragraph, figure or table').fill('first sentence');
    await clause.getByLabel('Technical (te)').check();
    await clause.getByLabel('Comment', { exact: true }).fill('50 m is too little where the contamination pattern is unknown. <b>Not bold</b>');
    await clause.getByLabel('Proposed change').fill('Replace "50 m" by "100 m".');
    await clause.getByRole('button', { name: 'Submit the comment' }).click();
    const receipt = await page.locator('main').innerText();
    expect(receipt).to.match(new RegExp(`Its reference is C-${cid}-\\d+`));
    expect(receipt).to.contain('<b>Not bold</b>');
    const commentUrl = page.url().replace(/\?.*$/, '');
    await shot(page, 'consultation-receipt');

    // the secretariat records the disposition in the matrix
    const secUser = await createUser(app.db, { role: 'secretariat', name: 'IMAS Secretariat', organisation: 'GICHD' });
    const secretariat = await browser.newContext({ javaScriptEnabled: false });
    const sec = await secretariat.newPage();
    await signIn(sec, secUser.email, TEST_PASSWORD);
    await sec.goto(`${base}/consultations/${cid}/comments`);
    await sec.getByLabel('Organisation').selectOption('Survey Action Ghana');
    await sec.getByRole('button', { name: 'Filter' }).click();
    const row = sec.locator('.comment-matrix tbody tr').first();
    expect(await row.innerText()).to.contain('Survey Action Ghana');
    await row.locator('summary', { hasText: 'Record a disposition' }).click();
    await row.getByLabel('Disposition').selectOption('partially_accepted');
    await row.getByLabel('Response').fill('Buffer raised to 100 m where the pattern is unknown; 50 m kept otherwise.');
    await row.getByRole('button', { name: 'Save' }).click();
    expect(await sec.locator('main').innerText()).to.contain('The disposition is recorded.');
    await shot(sec, 'consultation-matrix');

    // the stakeholder sees it, and can no longer change the comment
    await page.goto(commentUrl);
    const seen = await page.locator('main').innerText();
    expect(seen).to.contain('Partially accepted');
    expect(seen).to.contain('Buffer raised to 100 m');
    expect(await page.getByRole('button', { name: 'Save the changes' }).count()).to.equal(0);
    await page.goto(`${base}/consultations/${cid}`);
    expect(await page.locator('.clause-with-comments').filter({ has: page.locator('#clause-7\\.4') }).locator('.clause-comments').innerText()).to.contain('1 comment');
    await stakeholder.close();
    await secretariat.close();
  });
});
