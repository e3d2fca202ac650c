import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { screenshotDir, useBrowser } from '../helpers/browser.ts';
import { createUser } from '../helpers/auth.ts';
import { totpCodeAt } from '../../server/twofactor/totp.ts';

describe('browser: a stakeholder registers, confirms the address, signs in and out', function () {
  const b = useBrowser(this, { mail: true });

  const shot = async (page: Page, name: string) => {
    if (screenshotDir) await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
  };

  it('works without JavaScript', async () => {
    const context = await b.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${b.base}/`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: /Register/ }).click();

    // a mistake is shown beside the field, with the rest kept
    await page.getByLabel('Your name').fill('Amina Diallo');
    await page.getByLabel('E-mail address').fill('amina@example.org');
    await page.getByLabel('Organisation', { exact: true }).selectOption('other');
    await page.getByLabel(/Other organisation/).fill('Mines Action NGO');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Register' }).click();
    expect(await page.locator('#password-error').innerText()).to.contain('at least 8 characters');
    expect(await page.getByLabel('Your name').inputValue()).to.equal('Amina Diallo');
    await shot(page, 'register-error');
    await page.getByLabel('Password').fill('survey before clearance');
    await page.getByRole('button', { name: 'Register' }).click();
    expect(await page.locator('h1').innerText()).to.equal('Check your inbox');

    // the link in the mail
    const mail = await b.smtp.next('amina@example.org');
    await page.goto(mail.link!);
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    expect(await page.locator('main').innerText()).to.contain('Your e-mail address is confirmed.');
    await page.getByRole('link', { name: 'Sign in' }).first().click();

    // sign in, see the name, sign out
    await page.getByLabel('E-mail address').fill('amina@example.org');
    await page.getByLabel('Password').fill('survey before clearance');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // issue 16: a stakeholder who came from nowhere in particular lands on "My work"
    expect(page.url()).to.equal(`${b.base}/me`);
    await page.goto(`${b.base}/account`);
    expect(await page.locator('.site-header').innerText()).to.contain('Amina Diallo');
    expect(await page.locator('main').innerText()).not.to.contain('not confirmed yet');
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'imas.sid')).to.include({ httpOnly: true, sameSite: 'Lax' });
    await shot(page, 'account');
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(await page.locator('.site-header').innerText()).to.contain('Sign in');
    await page.goto(`${b.base}/account`);
    expect(new URL(page.url()).pathname).to.equal('/login');
    await context.close();
  });

  it('the first secretariat account enrols in two-factor sign-in on first sign-in, then signs in with a code', async () => {
    // as made from ADMIN_EMAIL at the first start: a secretariat account with a password and no second factor yet
    const admin = await createUser(b.app.db, { role: 'secretariat', email: 'admin@imas.example', name: 'First Admin', twoFactor: false });
    const context = await b.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const signInWithPassword = async () => {
      await page.goto(`${b.base}/login?next=/admin`);
      await page.getByLabel('E-mail address').fill(admin.email);
      await page.getByLabel('Password').fill(admin.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    };
    await signInWithPassword();
    // sent to enrol before anything else
    expect(new URL(page.url()).pathname).to.equal('/account/two-factor');
    await page.goto(`${b.base}/admin`);
    expect(new URL(page.url()).pathname).to.equal('/account/two-factor');
    expect(await page.locator('main').innerText()).to.contain('Secretariat accounts must use two-factor sign-in');
    // the QR code is drawn (the CSP lets the data: image through), and the key is there to type in
    expect(await page.locator('img.qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).to.equal(true);
    await shot(page, 'two-factor-enrol');
    const secret = (await page.locator('.secret-key').innerText()).replace(/\s+/g, '');
    await page.getByLabel('Code from the app').fill(await totpCodeAt(secret, b.app.clock.now()));
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    expect(await page.locator('.recovery-codes li').count()).to.equal(10);
    await shot(page, 'two-factor-recovery-codes');
    await page.getByRole('link', { name: 'Secretariat desk' }).click();
    expect(new URL(page.url()).pathname).to.equal('/admin');
    await page.getByRole('button', { name: 'Sign out' }).click();

    // the next sign-in asks for a code after the password, and goes on to where it was going
    b.app.clock.advance(30_000); // the app shows a new code in the next period
    await signInWithPassword();
    expect(new URL(page.url()).pathname).to.equal('/login/code');
    expect((await page.goto(`${b.base}/api/v1/me`))!.status(), 'half signed in is not signed in').to.equal(401);
    await page.goto(`${b.base}/login/code`);
    await page.getByLabel('Code').fill('000000');
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await page.locator('#code-error').innerText()).to.contain('The code is not right');
    await page.getByLabel('Code').fill(await totpCodeAt(secret, b.app.clock.now()));
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(new URL(page.url()).pathname).to.equal('/admin');
    expect(await page.locator('.site-header').innerText()).to.contain('First Admin');
    await context.close();
  });
});
