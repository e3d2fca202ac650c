import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { screenshotDir, signedInPage, useBrowser } from '../helpers/browser.ts';
import { createUser } from '../helpers/auth.ts';
import { boardOf, openBallot, secretariat, vote } from '../helpers/ballots.ts';

/** The Board's ballot page on a phone (issue 11 item 10), and the confirmation step before closing (item 7). */
describe('browser: the ballot page on a phone, and closing it through the confirmation page', function () {
  const b = useBrowser(this);

  const signedIn = (browser: Browser, email: string, width: number): Promise<Page> => signedInPage(browser, b.base, email, { width, height: 844 });
  const shot = async (page: Page, name: string) => {
    if (screenshotDir) await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
  };
  /** Whether nothing on the page reaches past the right edge of the window. */
  const fits = (page: Page, selector: string) => page.locator(selector).evaluate((el) => el.getBoundingClientRect().right <= document.documentElement.clientWidth);

  it('the tally fits 390 px; the rule is stated; closing early asks first and the way back changes nothing', async () => {
    const orgs = ['GICHD', 'UNDP', 'UNICEF', 'UNOPS', 'NMAA Cambodia', 'Mines Advisory Group', 'HALO Trust'];
    const m = await boardOf(b.app, orgs);
    const ballot = await openBallot(b.app, await secretariat(b.app));
    for (const o of orgs.slice(0, 4)) await vote(b.app, m[o]!, ballot.id, 'approve');
    await vote(b.app, m['NMAA Cambodia']!, ballot.id, 'disapprove', 'Clause 5 needs a worked example.');
    const url = `${b.base}/ballots/${ballot.id}`;

    const member = await createUser(b.app.db, { role: 'board', organisation: 'HALO Trust', email: 'delegate@halo.example' });
    const phone = await signedIn(b.browser, member.email, 390);
    await phone.goto(url);
    expect(await fits(phone, 'table.tally')).to.equal(true);
    expect(await fits(phone, '.ballot-votes table')).to.equal(true);
    expect(await phone.locator('.ballot-rule').innerText()).to.contain('approve 4 of 5 votes cast = 80\u00a0% ≥ 66.7\u00a0%; disapprove 1 of 5 = 20\u00a0% ≤ 25\u00a0%');
    await shot(phone, 'ballot-phone');
    const wide = await signedIn(b.browser, member.email, 1280);
    await wide.goto(url);
    await shot(wide, 'ballot-wide');

    const sec = await createUser(b.app.db, { role: 'secretariat', email: 'secretary@gichd.example' });
    const s = await signedIn(b.browser, sec.email, 390);
    await s.goto(url);
    await s.getByRole('link', { name: 'Close the ballot now…' }).click();
    expect(await s.locator('h1').innerText()).to.equal(`Close ballot ${ballot.id} now?`);
    await shot(s, 'ballot-close-confirm-phone');
    await s.getByRole('link', { name: `Back to ballot ${ballot.id}` }).click();
    expect(await s.locator('.ballot-state').innerText()).to.equal('open');
    await s.getByRole('link', { name: 'Close the ballot now…' }).click();
    await s.getByRole('button', { name: 'Close the ballot now' }).click();
    expect(await s.locator('.notice-ok').innerText()).to.contain('The ballot is closed');
    expect(await s.locator('.ballot-state').innerText()).to.equal('closed');
  });
});
