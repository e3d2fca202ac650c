/**
 * Right-to-left pages in chromium (issue 19 item 5): Arabic pages lay out from the right — the header's
 * brand at the right edge, text aligned to the start (the right), the notices' bar on the right — with
 * nothing wider than the screen, on a desktop and a phone; the English text of a standard stays
 * left-to-right inside them. Screenshots go to $SCREENSHOTS (or a temporary folder) to be looked at.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { useBrowser } from '../helpers/browser.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';

describe('browser: Arabic pages right to left', function () {
  const b = useBrowser(this);
  const dir = process.env.SCREENSHOTS ?? path.join(os.tmpdir(), 'imas-review-rtl');
  fs.mkdirSync(dir, { recursive: true });

  async function arabicPage(width: number): Promise<Page> {
    const context = await b.browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 900 } });
    await context.addCookies([{ name: 'lang', value: 'ar', url: b.base }]);
    return context.newPage();
  }

  /** The checks every Arabic page passes, and its screenshot. */
  async function checkRtl(page: Page, name: string) {
    const facts = await page.evaluate(() => {
      const html = document.documentElement;
      const brand = document.querySelector('.site-header .brand')!.getBoundingClientRect();
      const main = document.querySelector('main')!;
      return {
        lang: html.lang,
        dir: html.dir,
        direction: getComputedStyle(main).direction,
        align: getComputedStyle(main.querySelector('h1') ?? main).textAlign,
        brandRight: brand.right,
        brandLeft: brand.left,
        width: html.clientWidth,
        overflow: html.scrollWidth - html.clientWidth,
      };
    });
    expect(facts.lang, name).to.equal('ar');
    expect(facts.dir, name).to.equal('rtl');
    expect(facts.direction, name).to.equal('rtl');
    expect(['start', 'right'], `${name}: headings start on the right`).to.include(facts.align);
    expect(facts.brandLeft, `${name}: the brand sits at the right`).to.be.greaterThan(facts.width / 2);
    expect(facts.overflow, `${name}: nothing wider than the screen`).to.be.at.most(1);
    await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: false });
  }

  it('the current edition, on a desktop and a phone', async () => {
    for (const width of [1000, 390]) {
      const page = await arabicPage(width);
      await page.goto(`${b.base}/standards/07.11`);
      await checkRtl(page, `standard-${width}`);
      // the notice's bar (border-inline-start) is on the right in Arabic
      const bar = await page.evaluate(() => {
        const n = document.querySelector('.notice') as HTMLElement | null;
        if (!n) return null;
        const s = getComputedStyle(n);
        return { right: parseFloat(s.borderRightWidth), left: parseFloat(s.borderLeftWidth) };
      });
      if (bar) expect(bar.right).to.be.greaterThan(bar.left);
      await page.context().close();
    }
  });

  it('a consultation and the sign-in form with its errors', async () => {
    const consultation = await sampleConsultationId(b.app.db);
    const page = await arabicPage(1000);
    await page.goto(`${b.base}/consultations/${consultation}`);
    await checkRtl(page, 'consultation');
    await page.goto(`${b.base}/login`);
    await page.locator('#email').fill('nobody@example.org');
    await page.locator('#password').fill('wrong password');
    await page.locator('form[action="/login"] button[type=submit]').click();
    await checkRtl(page, 'login-error');
    expect(await page.locator('.notice-error').innerText()).to.include('عنوان البريد الإلكتروني أو كلمة المرور غير صحيح');
    await page.context().close();
  });
});
