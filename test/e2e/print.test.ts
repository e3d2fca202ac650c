/**
 * Printing (issue 19 item 4), in chromium: a standard printed to PDF carries on every sheet its
 * designation, edition, the print day, its address and the IMAS warning, in the page's language; a
 * diff printed leaves its controls out and keeps its change marks readable in black and white.
 * The text of each PDF page is read with pdftotext (Debian's poppler-utils, installed by .ci/run);
 * where it is missing, what the print media shows is checked instead.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { useBrowser } from '../helpers/browser.ts';
import { t } from '../../server/i18n/index.ts';

const hasPdftotext = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The text of each page of a PDF. */
function pdfPages(pdf: Buffer): string[] {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'imas-print-')), 'page.pdf');
  fs.writeFileSync(file, pdf);
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  return text.split('\f').filter((p) => p.trim());
}

const squash = (s: string) => s.replace(/\s+/g, ' ');

/**
 * Whether a PDF page's text holds `expected`. pdftotext gives right-to-left text in its visual order,
 * with bidi marks and the short vowels moved, and a lam-alef ligature comes out in its visual order:
 * there, each word is looked for on its own, marks and vowels taken out (words with a lam-alef left aside).
 */
function holds(sheet: string, expected: string, rtl: boolean): boolean {
  if (!rtl) return squash(sheet).includes(squash(expected));
  const plain = (s: string) => s.normalize('NFKC').replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069\u064b-\u0652]/g, '');
  const text = plain(sheet);
  const words = plain(expected).split(/\s+/).filter((w) => w && !/\u0644[\u0622\u0623\u0625\u0627]/.test(w));
  return words.length > 0 && words.every((w) => text.includes(w));
}

describe('browser: printing a standard and a diff', function () {
  const b = useBrowser(this);
  if (!hasPdftotext && process.env.REQUIRE_BROWSER) throw new Error('pdftotext not found: apt-get install poppler-utils');

  async function printPage(lang: string, url: string): Promise<Page> {
    const context = await b.browser.newContext({ javaScriptEnabled: false, locale: lang });
    await context.addCookies([{ name: 'lang', value: lang, url: b.base }]);
    const page = await context.newPage();
    const res = await page.goto(`${b.base}${url}`);
    expect(res?.status()).to.equal(200);
    await page.emulateMedia({ media: 'print' });
    return page;
  }

  for (const lang of ['en', 'ar', 'zh']) {
    it(`puts the designation, edition, print day, address and warning on every printed page (${lang})`, async () => {
      const page = await printPage(lang, '/standards/07.11');
      const warning = t(lang, 'print:warning');
      const edition = t(lang, 'print:edition', { edition: 2 });
      const printed = squash(await page.locator('.print-date').innerText());
      // the test clock's day (TEST_NOW, 23 November 2026) in the page's language
      expect(printed).to.contain('2026');
      expect(await page.locator('.print-head').isVisible()).to.equal(true);
      expect(await page.locator('.print-foot').isVisible()).to.equal(true);
      expect(squash(await page.locator('.print-edition').innerText())).to.equal(edition);
      expect(await page.locator('.print-address').innerText()).to.match(/^https?:\/\/[^ ]+\/standards\/07\.11$/);
      expect(squash(await page.locator('.print-warning').innerText())).to.equal(warning);
      // Chinese: the DOM only — this machine's chromium has no CJK font, and glyphs it cannot draw do not come back out of the PDF
      if (!hasPdftotext || lang === 'zh') return await page.context().close();
      const pages = pdfPages(await page.pdf({ format: 'A4' }));
      expect(pages.length, 'the standard runs over several sheets').to.be.greaterThan(5);
      const rtl = lang === 'ar';
      pages.forEach((text, i) => {
        expect(squash(text), `sheet ${i + 1}: designation`).to.contain('IMAS 07.11');
        expect(text, `sheet ${i + 1}: address`).to.match(/https?:\/\/\S+\/standards\/07\.11\b/);
        expect(holds(text, edition, rtl), `sheet ${i + 1}: edition "${edition}" in ${squash(text).slice(0, 200)}`).to.equal(true);
        expect(holds(text, warning, rtl), `sheet ${i + 1}: warning "${warning}"`).to.equal(true);
        expect(holds(text, printed, rtl), `sheet ${i + 1}: print day "${printed}"`).to.equal(true);
      });
      await page.context().close();
    });
  }

  it('hides the running head and foot on screen', async () => {
    const context = await b.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${b.base}/standards/07.11/versions/4`);
    expect(await page.locator('.print-running').count()).to.equal(2);
    expect(await page.locator('.print-head').isVisible()).to.equal(false);
    expect(await page.locator('.print-foot').isVisible()).to.equal(false);
    // a draft: its label stands for the edition
    await page.emulateMedia({ media: 'print' });
    expect(squash(await page.locator('.print-edition').innerText())).to.equal('Draft Edition 3 for consultation');
    await context.close();
  });

  it('prints a diff without its controls, with insertions underlined and deletions struck through', async () => {
    const page = await printPage('en', '/standards/07.11/diff/2..4');
    for (const control of ['.diff-picker', '.diff-views', '.diff-swap', '.downloads', '.site-header nav', '.site-footer', 'form']) {
      const n = await page.locator(control).count();
      expect(n, `${control} on the page`).to.be.greaterThan(0);
      for (let i = 0; i < n; i++) expect(await page.locator(control).nth(i).isVisible(), `${control} printed`).to.equal(false);
    }
    // not colour alone: the lines are in the text's own (black) colour, with no tinted background
    const marks = await page.evaluate(`(() => {
      const one = (sel) => { const e = document.querySelector('.diff-body ' + sel); const s = getComputedStyle(e); return { line: s.textDecorationLine, color: s.color, background: s.backgroundColor }; };
      return { ins: one('ins.diff-ins'), del: one('del.diff-del') };
    })()`) as Record<'ins' | 'del', { line: string; color: string; background: string }>;
    expect(marks.ins.line).to.contain('underline');
    expect(marks.del.line).to.contain('line-through');
    for (const m of [marks.ins, marks.del]) {
      expect(m.color).to.equal('rgb(0, 0, 0)');
      expect(m.background).to.equal('rgba(0, 0, 0, 0)');
    }
    if (hasPdftotext) {
      const text = squash(pdfPages(await page.pdf({ format: 'A4' })).join(' '));
      expect(text).to.contain('what changed');
      expect(text).to.not.contain('Compare');
      expect(text).to.not.contain('Swap');
    }
    await page.context().close();
  });
});
