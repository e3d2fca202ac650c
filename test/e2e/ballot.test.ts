import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { screenshotDir, signedInPage, useBrowser } from '../helpers/browser.ts';
import { createUser } from '../helpers/auth.ts';

describe('browser: the Board votes, the secretariat closes and publishes, an operator reads the new edition', function () {
  const b = useBrowser(this);

  const shot = async (page: Page, name: string) => {
    if (screenshotDir) await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: false });
  };
  const signedIn = (browser: Browser, email: string): Promise<Page> => signedInPage(browser, b.base, email);

  it('opens a ballot, members vote (one changes their vote), the secretariat closes and publishes', async () => {
    const db = b.app.db;
    const sec = await createUser(db, { role: 'secretariat', email: 'secretary@gichd.example' });
    const members = [];
    for (const org of ['GICHD', 'UNDP', 'UNICEF']) members.push(await createUser(db, { role: 'board', organisation: org, email: `delegate@${org.toLowerCase()}.example`, name: `Delegate ${org}` }));

    // the secretariat opens a ballot on the draft of Edition 3
    const s = await signedIn(b.browser, sec.email);
    await s.goto(`${b.base}/ballots`);
    await s.getByRole('link', { name: 'Open a ballot' }).click();
    await s.getByLabel('Draft').selectOption('07.11|4');
    await s.getByLabel('Closes at (UTC)').fill('2026-12-01T12:00');
    await s.getByRole('button', { name: 'Open the ballot' }).click();
    // the consultation on the draft is still open (sample data): refused, with the reason to override asked for
    expect(await s.locator('#ballot-order').innerText()).to.contain('still open');
    await s.getByLabel('Reason to open the ballot out of order (secretariat)').fill('The Board meets before the consultation ends.');
    await s.getByRole('button', { name: 'Open the ballot' }).click();
    expect(await s.locator('.notice-ok').innerText()).to.contain('The ballot is open');
    expect(await s.locator('#ballot-override').innerText()).to.contain('The Board meets before the consultation ends.');
    const ballotUrl = s.url().replace(/\?.*$/, '');
    expect(ballotUrl).to.match(/\/ballots\/\d+$/);

    // members vote; the first disapproves without reasons, is told to give them, then approves
    const [a, c, d] = await Promise.all(members.map((m) => signedIn(b.browser, m.email)));
    await a!.goto(ballotUrl);
    expect(await a!.locator('.ballot-reading').innerText()).to.contain('Changes against Edition 2');
    await a!.getByLabel('Disapprove (reasons required)').check();
    await a!.getByRole('button', { name: 'Cast the vote' }).click();
    expect(await a!.locator('#reason-error').innerText()).to.contain('Give the reasons');
    await a!.getByRole('textbox', { name: 'Reasons' }).fill('Clause 5 needs a worked example.');
    await a!.getByRole('button', { name: 'Cast the vote' }).click();
    expect(await a!.locator('.notice-ok').innerText()).to.contain('Your vote is recorded');
    await shot(a!, 'ballot-voted');
    for (const p of [c!, d!]) {
      await p.goto(ballotUrl);
      await p.getByLabel('Approve', { exact: true }).check();
      await p.getByRole('button', { name: 'Cast the vote' }).click();
    }
    // 2 approve : 1 disapprove, nobody left to vote
    expect(await d!.locator('.needed').innerText()).to.contain('cannot be approved');
    // GICHD changes its vote
    await a!.goto(ballotUrl);
    await a!.getByLabel('Approve', { exact: true }).check();
    await a!.getByRole('textbox', { name: 'Reasons' }).fill('');
    await a!.getByRole('button', { name: 'Cast the vote' }).click();
    expect(await a!.locator('.vote-history').innerText()).to.contain('(2)');
    expect(await a!.locator('.needed').innerText()).to.contain('the iso rule is met');

    // the secretariat closes it: approved; then publishes Edition 3 in force from 1 January 2027
    await s.goto(ballotUrl);
    await s.getByRole('link', { name: 'Close the ballot now…' }).click();
    expect(await s.locator('h1').innerText()).to.match(/^Close ballot \d+ now\?$/);
    await s.getByRole('button', { name: 'Close the ballot now' }).click();
    expect(await s.locator('.ballot-facts').innerText()).to.match(/approved/i);
    await s.getByLabel('Edition', { exact: true }).fill('3');
    await s.getByLabel('Summary of changes').fill('Third edition: residual contamination, remote sensing, monitoring of released land.');
    // forgetting the in-force date: the top of the page says so and leads to the form, far below the diff
    await s.getByRole('button', { name: 'Publish' }).click();
    await s.getByRole('link', { name: 'the publication form' }).click();
    expect(await s.locator('#publish-title').evaluate((el) => { const r = el.getBoundingClientRect(); return r.top >= -1 && r.top < window.innerHeight; /* scrolled to: its top at the edge, give or take a sub-pixel */ })).to.equal(true);
    expect(await s.getByLabel('Edition', { exact: true }).inputValue()).to.equal('3');
    await s.getByLabel('In force from (YYYY-MM-DD)').fill('2027-01-01');
    await s.getByRole('button', { name: 'Publish' }).click();
    // issue 11 item 3: the publication is confirmed, and the page says when the edition comes into force
    expect(s.url()).to.equal(`${b.base}/standards/07.11/versions/4?done=published`);
    expect(await s.locator('.notice-done').innerText()).to.contain('Publication recorded');
    expect(await s.locator('.notice-upcoming').first().innerText()).to.contain('in force from 1 January 2027');
    expect(await s.locator('.publication-record').innerText()).to.match(/SHA-256 of the text[\s\S]*approved/i);
    await shot(s, 'published-record');

    // an operator (not signed in) sees Edition 2 announced to be superseded, then Edition 3 from its date
    const op = await (await b.browser.newContext({ javaScriptEnabled: false })).newPage();
    await op.goto(`${b.base}/standards/07.11`);
    expect(await op.locator('.notice-upcoming').innerText()).to.contain('Edition 3');
    b.app.clock.set('2027-01-01T08:00:00.000Z');
    await op.goto(`${b.base}/standards/07.11`);
    expect(await op.locator('.title-block').innerText()).to.contain('Edition 3');
    expect(await op.locator('.notice-draft').count()).to.equal(0);
    expect(await op.locator('.publication-record').innerText()).to.contain('Ballot');
    // the closed ballot is public, with named positions and reasons
    await op.goto(ballotUrl);
    expect(await op.locator('.ballot-votes').innerText()).to.contain('GICHD');
    await shot(op, 'ballot-public');
  });
});
