import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { screenshotDir, signedInPage, useBrowser } from '../helpers/browser.ts';
import { createUser } from '../helpers/auth.ts';
import { seat, userOf } from '../helpers/proposals.ts';

describe('browser: a stakeholder proposes an amendment, the Board supports it, the secretariat drafts it', function () {
  const b = useBrowser(this);
  const shot = async (page: Page, name: string) => {
    if (screenshotDir) await page.screenshot({ path: path.join(screenshotDir, `proposal-${name}.png`), fullPage: true });
  };

  it('proposes from the catalogue, circulates, two of five members support, the draft links back to the proposal', async () => {
    const app = b.app as unknown as Parameters<typeof seat>[0];
    const board = await seat(app, ['GICHD', 'UNDP', 'UNICEF', 'UNOPS', 'NMAA Cambodia']);
    const stakeholder = await userOf(app, 'Field Operator Ltd', 'stakeholder', 'Pat Proposer');
    const sec = await createUser(b.app.db, { role: 'secretariat' });

    // the stakeholder finds the proposal log from the catalogue and fills in the Justification Form
    const p = await signedInPage(b.browser, b.base, stakeholder.user.email);
    await p.goto(`${b.base}/standards`);
    await p.getByRole('link', { name: 'the proposal log' }).click();
    expect(new URL(p.url()).pathname).to.equal('/proposals');
    await p.getByRole('link', { name: 'Propose a change' }).click();
    await p.getByLabel('Amendment of an existing document').check();
    await p.getByLabel('Document to amend').selectOption('07.11');
    // forgetting the rationale: the form comes back with the message, the rest kept
    await p.getByLabel('Title', { exact: true }).fill('Marking of cancelled areas');
    await p.getByLabel('Scope').fill('Clause 5 of IMAS 07.11.');
    await p.getByLabel('No', { exact: true }).check();
    await p.getByRole('button', { name: 'Submit the proposal' }).click();
    expect(await p.locator('#rationale-error').innerText()).to.contain('Enter the rationale');
    expect(await p.getByLabel('Title', { exact: true }).inputValue()).to.equal('Marking of cancelled areas');
    await p.getByLabel('Rationale').fill('Operators mark cancelled areas in different ways; the standard should say how.');
    await p.getByRole('button', { name: 'Submit the proposal' }).click();
    expect(await p.locator('.notice-done').innerText()).to.contain('Your proposal is submitted');
    const proposalUrl = p.url().replace(/\?.*$/, '');
    const id = Number(/\/proposals\/(\d+)$/.exec(proposalUrl)![1]);
    expect(await p.locator('.proposal-status').innerText()).to.contain('Submitted');
    await shot(p, 'submitted');

    // the secretariat circulates it to the Board
    const s = await signedInPage(b.browser, b.base, sec.email);
    await s.goto(proposalUrl);
    await s.getByLabel('Responses due by (UTC)').fill('2026-12-07T17:00');
    await s.getByRole('button', { name: 'Circulate to the Board' }).click();
    expect(await s.locator('.notice-done').innerText()).to.contain('circulated');
    expect(await s.locator('.proposal-board').innerText()).to.contain('2 of 5');

    // two member organisations support it (25 % of 5 is 1.25: 2 are needed)
    for (const org of ['GICHD', 'UNDP']) {
      const m = await signedInPage(b.browser, b.base, board[org]!.user.email);
      await m.goto(proposalUrl);
      expect(await m.locator('#respond').innerText()).to.contain(`You respond for ${org}`);
      await m.getByLabel('Support', { exact: true }).check();
      await m.getByLabel('Comment (optional)').fill(`${org} supports this.`);
      await m.getByRole('button', { name: 'Send the response' }).click();
      expect(await m.locator('.notice-done').innerText()).to.contain('response is recorded');
      await m.context().close();
    }

    // the secretariat creates the draft from it, changing the text of the current edition
    await s.goto(proposalUrl);
    expect(await s.locator('.board-decision').innerText()).to.contain('supported');
    expect(await s.locator('.not-responded').innerText()).to.equal('Not responded: NMAA Cambodia, UNICEF, UNOPS.');
    await shot(s, 'supported');
    await s.getByRole('link', { name: 'Create the draft from this proposal' }).click();
    const text = await s.getByLabel('Text (Markdown)').inputValue();
    expect(text.length).to.be.greaterThan(100);
    await s.getByLabel('Text (Markdown)').fill(`${text}\n\nCancelled areas shall be marked as described in this clause.\n`);
    await s.getByLabel('Label (optional)').fill('Amendment draft: cancelled areas');
    await s.getByRole('button', { name: 'Save the draft' }).click();
    expect(new URL(s.url()).pathname).to.equal('/admin/standards/07.11');
    const read = s.locator('.next-steps').getByRole('link', { name: /^Read version \d+$/ });
    await read.click();
    expect(await s.locator('.notice-draft').innerText()).to.contain('DRAFT — not for use');
    expect(await s.locator('.title-block').innerText()).to.contain('Amendment draft: cancelled areas');
    const draftPath = new URL(s.url()).pathname;
    await shot(s, 'draft');

    // the draft page links back to the proposal, which links forward to the draft
    await s.getByRole('link', { name: `P-${id}` }).click();
    expect(s.url().replace(/[?#].*$/, '')).to.equal(proposalUrl);
    expect(await s.locator('.proposal-status').innerText()).to.contain('Being drafted');
    expect(await s.locator('.proposal-line').innerText()).to.contain('Amendment draft: cancelled areas');
    expect(await s.locator('.proposal-line a').first().getAttribute('href')).to.equal(draftPath);
    await shot(s, 'being-drafted');
  });
});
