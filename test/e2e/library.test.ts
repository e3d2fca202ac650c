import path from 'node:path';
import { expect } from 'chai';
import { screenshotDir, useBrowser } from '../helpers/browser.ts';

describe('browser: an operator reads the library', function () {
  const b = useBrowser(this);

  async function shot(page: import('playwright-core').Page, name: string) {
    if (screenshotDir) await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: false });
  }

  it('opens the catalogue, follows a standard, jumps to a clause, opens an old version and uses the date form', async () => {
    const context = await b.browser.newContext({ javaScriptEnabled: false, viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${b.base}/`);
    await page.getByRole('link', { name: 'Browse the catalogue' }).click();
    await expect(page.url()).to.equal(`${b.base}/standards`);
    await shot(page, 'catalogue');

    // filter the catalogue, then follow the standard
    await page.getByLabel('Find').fill('land release');
    await page.getByRole('button', { name: 'Filter' }).click();
    expect(await page.locator('ul.catalogue li').count()).to.be.greaterThan(0);
    await page.getByRole('link', { name: /IMAS 07\.11 Land release/ }).click();
    expect(page.url()).to.equal(`${b.base}/standards/07.11`);
    expect(await page.locator('.title-block h1').innerText()).to.contain('Land release');
    expect(await page.locator('.notice-sample').innerText()).to.contain('Sample text, not the official standard');
    await shot(page, 'standard');

    // jump to a clause from the table of contents, then use the clause's own link
    await page.locator('.toc a[href="#clause-4"]').click();
    expect(page.url()).to.equal(`${b.base}/standards/07.11#clause-4`);
    expect(await page.locator('#clause-4').evaluate((el) => el.matches(':target'))).to.equal(true);
    await page.locator('#clause-4\\.2 .clause-link').click();
    expect(page.url()).to.match(/#clause-4\.2$/);
    await shot(page, 'clause');

    // history → an old version
    await page.getByRole('link', { name: 'History' }).click();
    await shot(page, 'history');
    await page.getByRole('link', { name: 'Edition 1', exact: true }).click();
    expect(page.url()).to.equal(`${b.base}/standards/07.11/versions/1`);
    expect(await page.locator('.notice-old').innerText()).to.contain('This is not the current edition');

    // the date form, without JavaScript
    await page.getByLabel('In force on').fill('2021-08-15');
    await page.getByRole('button', { name: 'Show' }).click();
    expect(page.url()).to.equal(`${b.base}/standards/07.11/on/2021-08-15`);
    expect(await page.locator('.title-block').innerText()).to.contain('Edition 1 Amendment 1');
    await shot(page, 'on-date');
    await context.close();
  });

  it('is usable on a phone: nothing wider than the screen', async () => {
    const context = await b.browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true });
    const page = await context.newPage();
    await page.goto(`${b.base}/standards/09.10`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).to.be.at.most(0);
    await shot(page, 'phone');
    await context.close();
  });

  it('prints without navigation, and a draft prints its DRAFT banner', async () => {
    const context = await b.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${b.base}/standards/07.11/versions/4`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.standard-nav').isVisible()).to.equal(false);
    expect(await page.locator('.notice-draft').innerText()).to.contain('DRAFT — not for use');
    const banner = await page.evaluate(() => getComputedStyle(document.querySelector('.is-draft .text')!, '::before').content);
    expect(banner).to.contain('DRAFT');
    await context.close();
  });
});

describe('browser: a reader compares two versions', function () {
  const b = useBrowser(this);

  it('picks two versions on the history page and reads the diff, with and without the unchanged clauses', async () => {
    const context = await b.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${b.base}/standards/07.11/versions`);
    await page.locator('select#from').selectOption('1');
    await page.locator('select#to').selectOption('2');
    await page.getByRole('button', { name: 'Show changes' }).click();
    expect(page.url()).to.equal(`${b.base}/standards/07.11/diff/1..2`);
    const summary = await page.locator('.diff-summary').innerText();
    expect(summary).to.contain('should → shall in 6.2.1');
    expect(summary).to.contain('25 m → 50 m in 7.4');
    await page.getByRole('link', { name: '25 m → 50 m in 7.4' }).click();
    expect(page.url()).to.match(/#change-7\.4$/);
    expect(await page.locator('#change-7\\.4 del').first().innerText()).to.contain('25');
    // folded clauses open without JavaScript
    const folded = page.locator('details.diff-folded').first();
    expect(await folded.getAttribute('open')).to.equal(null);
    await folded.locator('summary').click();
    expect(await folded.getAttribute('open')).to.equal('');
    await page.getByRole('link', { name: 'Side by side' }).click();
    expect(await page.locator('.diff-side').count()).to.be.greaterThan(0);
    if (screenshotDir) await page.screenshot({ path: path.join(screenshotDir, 'diff-side.png') });
    await context.close();
  });

  it('keeps "25 → 50 m" apart and the changed terms bold on paper and on a phone', async () => {
    const context = await b.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    await page.goto(`${b.base}/standards/07.11/diff/1..2`);
    const seen = await page.locator('#change-7\\.4 .diff-text').evaluate((el) => {
      const copy = el.cloneNode(true) as Element;
      copy.querySelectorAll('.sr-only').forEach((n) => n.remove()); // drawn off-screen: not what the eye reads
      return copy.textContent;
    });
    expect(seen).to.contain('25 → 50 m');
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).to.be.at.most(0);
    await page.emulateMedia({ media: 'print' });
    // one selector per property: a helper function inside evaluate would not survive the tsx transform
    const look = await page.evaluate(() => ({
      arrow: getComputedStyle(document.querySelector('#change-7\\.4 .diff-to')!).display,
      weight: getComputedStyle(document.querySelector('#change-7\\.4 ins mark.diff-term')!).fontWeight,
      background: getComputedStyle(document.querySelector('#change-7\\.4 ins mark.diff-term')!).backgroundColor,
      ins: getComputedStyle(document.querySelector('#change-7\\.4 ins')!).textDecorationLine,
      del: getComputedStyle(document.querySelector('#change-7\\.4 del')!).textDecorationLine,
    }));
    // black and white: the arrow, bold, underline and strike-through carry it, not colour
    expect(look).to.deep.equal({ arrow: 'inline', weight: '700', background: 'rgba(0, 0, 0, 0)', ins: 'underline', del: 'line-through' });
    if (screenshotDir) await page.screenshot({ path: path.join(screenshotDir, 'diff-print-phone.png') });
    await context.close();
  });
});
