import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { screenshotDir, useBrowser } from '../helpers/browser.ts';

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
    const mail = await b.smtp.next('amina@example.org');
    await page.goto(mail.link!);
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    expect(await page.locator('main').innerText()).to.contain('Your e-mail address is confirmed.');
    await page.getByRole('link', { name: 'Sign in' }).first().click();

    // sign in, see the name, sign out
    await page.getByLabel('E-mail address').fill('amina@example.org');
    await page.getByLabel('Password').fill('survey before clearance');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(page.url()).to.equal(`${b.base}/account`);
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
});
