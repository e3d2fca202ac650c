import path from 'node:path';
import { expect } from 'chai';
import { screenshotDir, secondStepIfAsked, useBrowser } from '../helpers/browser.ts';
import { createUser } from '../helpers/auth.ts';
import { SECOND_DRAFT } from '../helpers/drafts.ts';

describe('browser: the secretariat loads a draft', function () {
  const b = useBrowser(this);

  it('signs in, pastes a draft, sees the preview, saves it and lands on the draft page', async () => {
    const user = await createUser(b.app.db, { role: 'secretariat' });
    // Without JavaScript: every step is a plain form.
    const context = await b.browser.newContext({ javaScriptEnabled: false, viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const shot = async (name: string) => {
      if (screenshotDir) await page.screenshot({ path: path.join(screenshotDir, `drafts-${name}.png`), fullPage: true });
    };
    await page.goto(`${b.base}/login`);
    await page.getByLabel('E-mail address').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await secondStepIfAsked(page, user.email);

    // the secretariat's desk → the catalogue admin: add a standard, then its first draft
    await page.getByRole('link', { name: 'Secretariat desk' }).click();
    await page.getByRole('link', { name: 'Catalogue and drafts' }).click();
    expect(new URL(page.url()).pathname).to.equal('/admin/standards');
    await page.getByLabel('Number').fill('07.99');
    await page.getByLabel('Title').fill('Marking of hazardous areas');
    await page.getByRole('button', { name: 'Add the standard' }).click();
    expect(await page.locator('[role=status]').innerText()).to.contain('IMAS 07.99 was added');
    await page.getByRole('link', { name: 'Add a draft' }).click();

    // a text with a problem first: shown at its line, the text kept
    await page.getByLabel('Text (Markdown)').fill(SECOND_DRAFT.replace('## 2.3 Records', '#### 2.3 Records'));
    await page.getByRole('button', { name: 'Check the text' }).click();
    expect(await page.locator('.draft-problems').innerText()).to.contain('1 problem in the text');
    expect(await page.locator('.draft-line.has-problem').innerText()).to.contain('#### 2.3 Records');
    await shot('problems');

    // corrected in the kept text, checked again
    const kept = await page.getByLabel('Text (Markdown)').inputValue();
    await page.getByLabel('Text (Markdown)').fill(kept.replace('#### 2.3 Records', '## 2.3 Records'));
    await page.getByLabel('Label (optional)').fill('Working draft 1');
    await page.getByRole('button', { name: 'Check the text' }).click();
    const tree = await page.locator('ol.clause-tree').innerText();
    expect(tree).to.contain('2.1 Fences');
    expect(tree).to.match(/2\.3 Records\s+17 words/);
    await shot('preview');

    await page.getByRole('button', { name: 'Save this draft' }).click();
    // the standard's page, with the next steps (issue 11 item 8)
    expect(new URL(page.url()).pathname).to.equal('/admin/standards/07.99');
    expect(await page.locator('.next-steps').innerText()).to.contain('Open a consultation on it');
    await shot('saved');
    await page.getByRole('link', { name: 'Read version 1' }).click();
    expect(new URL(page.url()).pathname).to.equal('/standards/07.99/versions/1');
    expect(await page.locator('.notice-draft').innerText()).to.contain('DRAFT — not for use');
    expect(await page.locator('.title-block').innerText()).to.contain('Working draft 1');
    await shot('draft');

    // a second draft based on it: the page links to what changed
    await page.goto(`${b.base}/admin/standards/07.99/drafts/new`);
    await page.getByLabel('Text (Markdown)').fill(SECOND_DRAFT.replace('every 50 m', 'every 25 m').replace('Fences should', 'Fences shall'));
    await page.getByRole('button', { name: 'Check the text' }).click();
    expect(await page.locator('.draft-preview').innerText()).to.contain('based on version 1: Working draft 1');
    await page.getByRole('button', { name: 'Save this draft' }).click();
    await page.getByRole('link', { name: 'Compare it with version 1' }).click();
    expect(new URL(page.url()).pathname).to.equal('/standards/07.99/diff/1..2');
    const summary = await page.locator('.diff-summary').innerText();
    expect(summary).to.contain('50 m');
    expect(summary).to.contain('25 m');
    await shot('what-changed');
    await context.close();
  });
});
