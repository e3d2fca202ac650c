import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { screenshotDir, signedInPage, useBrowser } from '../helpers/browser.ts';
import { createUser } from '../helpers/auth.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';

/**
 * Issue 11 item 6, without JavaScript: the author edits a comment (the page says "edited"), the
 * secretariat reads the earlier text, the author withdraws through the confirmation page.
 */
describe('browser: a comment is edited, its history kept, then withdrawn after a confirmation', function () {
  const b = useBrowser(this);
  const shot = async (page: Page, name: string) => {
    if (!screenshotDir) return;
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: path.join(screenshotDir, `${name}-${width}.png`), fullPage: true });
    }
  };

  it('edit → "edited" shown, earlier text for the secretariat → withdraw asks first', async () => {
    const cid = await sampleConsultationId(b.app.db);
    const author = await createUser(b.app.db, { organisation: 'Survey Action Ghana' });
    const page = await signedInPage(b.browser, b.base, author.email);
    await page.goto(`${b.base}/consultations/${cid}`);
    const clause = page.locator('.clause-with-comments').filter({ has: page.locator('#clause-7\\.4') });
    await clause.locator('summary', { hasText: 'Comment on this clause' }).click();
    // no type is preset: the author chooses
    expect(await clause.getByLabel('Technical (te)').isChecked()).to.equal(false);
    await clause.getByLabel('Technical (te)').check();
    await clause.getByLabel('Comment', { exact: true }).fill('50 m is too little.');
    await clause.getByRole('button', { name: 'Submit the comment' }).click();
    const commentUrl = page.url().replace(/\?.*$/, '');

    await page.getByLabel('Comment', { exact: true }).fill('50 m is too little where the pattern is unknown.');
    await page.getByRole('button', { name: 'Save the changes' }).click();
    const main = await page.locator('main').innerText();
    expect(main).to.match(/UTC; edited \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d UTC/);
    expect(main).not.to.contain('Earlier texts');

    const secUser = await createUser(b.app.db, { role: 'secretariat' });
    const sec = await signedInPage(b.browser, b.base, secUser.email);
    await sec.goto(commentUrl);
    await sec.locator('summary', { hasText: 'Earlier texts (1)' }).click();
    expect(await sec.locator('.comment-revisions').innerText()).to.contain('50 m is too little.');
    expect(await sec.getByLabel('Disposition').inputValue()).to.equal('');
    await shot(sec, 'comment-secretariat');
    await sec.goto(`${b.base}/consultations/${cid}/comments?clause=7.4`);
    expect(await sec.locator('.comment-matrix tbody tr').first().innerText()).to.match(/edited \d{1,2} [A-Z][a-z]+ \d{4}/);
    await sec.locator('.comment-matrix summary', { hasText: 'Record a disposition' }).first().click();
    await shot(sec, 'comment-matrix');

    await page.getByRole('button', { name: 'Withdraw this comment' }).click();
    expect(await page.locator('h1').innerText()).to.match(/^Withdraw comment C-\d+-\d+\?$/);
    expect(await page.locator('main').innerText()).to.contain('It stays in the record, marked withdrawn');
    await shot(page, 'comment-withdraw-confirm');
    await page.getByRole('button', { name: 'Withdraw the comment' }).click();
    expect(await page.locator('main').innerText()).to.contain('The comment is withdrawn.');
    await page.context().close();
    await sec.context().close();
  });
});
