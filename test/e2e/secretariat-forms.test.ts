import path from 'node:path';
import { expect } from 'chai';
import { screenshotDir, signedInPage, useBrowser } from '../helpers/browser.ts';
import { createUser } from '../helpers/auth.ts';

/** Issue 11 item 8, on a phone and on a desktop: from a version's text to a consultation on the new draft. */
describe('browser: the secretariat goes from a new draft to its consultation', function () {
  const b = useBrowser(this);

  for (const width of [390, 1280]) {
    it(`at ${width} px: a draft from version 4's text, previewed as it will read, saved, then put out for consultation`, async () => {
      const user = await createUser(b.app.db, { role: 'secretariat' });
      const page = await signedInPage(b.browser, b.base, user.email, { width, height: 900 });
      const shot = async (name: string) => {
        if (screenshotDir) await page.screenshot({ path: path.join(screenshotDir, `secforms-${width}-${name}.png`), fullPage: true });
      };
      await page.goto(`${b.base}/admin/standards/07.11`);
      await page.locator('a[href="/admin/standards/07.11/drafts/new?based_on=4"]').click();
      const text = await page.getByLabel('Text (Markdown)').inputValue();
      expect(text).to.match(/^# /m);
      await page.getByLabel('Text (Markdown)').fill(`${text}\nA sentence added at ${width} px.\n`);
      await page.getByLabel('Label (optional)').fill(`Draft at ${width} px`);
      await page.getByRole('button', { name: 'Check the text' }).click();
      expect(await page.locator('.draft-rendered .clause').count()).to.be.greaterThan(3);
      await shot('preview');
      await page.getByRole('button', { name: 'Save this draft' }).click();
      await shot('saved');
      await page.getByRole('link', { name: 'Open a consultation on it' }).click();
      const chosen = await page.getByLabel('Draft').locator('option:checked').innerText();
      expect(chosen).to.contain(`Draft at ${width} px`);
      await page.getByLabel('Closes (UTC)').fill('2027-12-31T12:00');
      await shot('consultation-form');
      await page.getByRole('button', { name: 'Open the consultation' }).click();
      expect(new URL(page.url()).pathname).to.match(/^\/consultations\/\d+$/);
      await page.context().close();
    });
  }
});
