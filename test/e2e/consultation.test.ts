import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { screenshotDir, secondStepIfAsked, useBrowser } from '../helpers/browser.ts';
import { createUser, TEST_PASSWORD } from '../helpers/auth.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';

/**
 * The consultation journey, without JavaScript: a stakeholder registers and confirms the address,
 * comments on a clause of the open draft, the secretariat records a disposition in the matrix, the
 * stakeholder sees it on the receipt.
 */
describe('browser: a stakeholder comments on a draft and sees the disposition', function () {
  const b = useBrowser(this, { mail: true });

  const shot = async (page: Page, name: string) => {
    if (screenshotDir) await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: false });
  };
  const signIn = async (page: Page, email: string, password: string) => {
    await page.goto(`${b.base}/login`);
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await secondStepIfAsked(page, email);
  };

  it('register → comment on clause 7.4 → disposition by the secretariat → seen by the stakeholder', async () => {
    const cid = await sampleConsultationId(b.app.db);
    const stakeholder = await b.browser.newContext({ javaScriptEnabled: false });
    const page = await stakeholder.newPage();

    // register and confirm the address
    await page.goto(`${b.base}/register`);
    await page.getByLabel('Your name').fill('Kofi Mensah');
    await page.getByLabel('E-mail address').fill('kofi@example.org');
    await page.getByLabel('Organisation', { exact: true }).selectOption('other');
    await page.getByLabel(/Other organisation/).fill('Survey Action Ghana');
    await page.getByLabel('Password').fill('evidence before clearance');
    await page.getByRole('button', { name: 'Register' }).click();
    const mail = await b.smtp.next('kofi@example.org');
    await page.goto(mail.link!);
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await signIn(page, 'kofi@example.org', 'evidence before clearance');

    // the open consultation, from the list
    await page.goto(`${b.base}/consultations`);
    await page.getByRole('link', { name: /IMAS 07\.11/ }).first().click();
    expect(page.url()).to.equal(`${b.base}/consultations/${cid}`);
    expect(await page.locator('main').innerText()).to.contain('30 June 2027, 23:59 UTC');
    // the contents list leads to the clause (issue 11 item 5: no more 94 presses of Tab)
    await page.locator('.consultation-contents').getByRole('link', { name: '7.4 Buffer zone' }).click();
    expect(new URL(page.url()).hash).to.equal('#clause-7.4');
    const clause = page.locator('.clause-with-comments').filter({ has: page.locator('#clause-7\\.4') });
    expect(await clause.locator('.clause-comments').innerText()).to.contain('0 comments');
    await clause.locator('summary', { hasText: 'Comment on this clause' }).click();
    await clause.getByLabel('Paragraph, figure or table').fill('first sentence');
    await clause.getByLabel('Technical (te)').check();
    await clause.getByLabel('Comment', { exact: true }).fill('50 m is too little where the contamination pattern is unknown. <b>Not bold</b>');
    await clause.getByLabel('Proposed change').fill('Replace "50 m" by "100 m".');
    // with the comment left empty the page comes back at the same form (far down the draft), the input kept
    await clause.getByLabel('Comment', { exact: true }).fill('');
    await clause.getByRole('button', { name: 'Submit the comment' }).click();
    expect(new URL(page.url()).hash).to.equal('#comment-form-c-7.4');
    const form = page.locator('#comment-form-c-7\\.4');
    // (less than a pixel above the top is the browser rounding the scroll to whole pixels)
    expect(await form.evaluate((el) => { const r = el.getBoundingClientRect(); return r.top > -1 && r.top < window.innerHeight; })).to.equal(true);
    expect(await form.getByLabel('Proposed change').inputValue()).to.equal('Replace "50 m" by "100 m".');
    expect(await page.locator('.notice-error a').getAttribute('href')).to.equal('#comment-form-c-7.4');
    await clause.getByLabel('Comment', { exact: true }).fill('50 m is too little where the contamination pattern is unknown. <b>Not bold</b>');
    await clause.getByRole('button', { name: 'Submit the comment' }).click();
    const receipt = await page.locator('main').innerText();
    expect(receipt).to.match(new RegExp(`Its reference is C-${cid}-\\d+`));
    expect(receipt).to.contain('<b>Not bold</b>');
    const commentUrl = page.url().replace(/\?.*$/, '');
    await shot(page, 'consultation-receipt');

    // the secretariat records the disposition in the matrix
    const secUser = await createUser(b.app.db, { role: 'secretariat', name: 'IMAS Secretariat', organisation: 'GICHD' });
    const secretariat = await b.browser.newContext({ javaScriptEnabled: false });
    const sec = await secretariat.newPage();
    await signIn(sec, secUser.email, TEST_PASSWORD);
    await sec.goto(`${b.base}/consultations/${cid}/comments`);
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
    await page.goto(`${b.base}/consultations/${cid}`);
    expect(await page.locator('.clause-with-comments').filter({ has: page.locator('#clause-7\\.4') }).locator('.clause-comments').innerText()).to.contain('1 comment');
    await stakeholder.close();
    await secretariat.close();
  });
});
