import path from 'node:path';
import { expect } from 'chai';
import { screenshotDir, signedInPage, useBrowser } from '../helpers/browser.ts';
import { createUser } from '../helpers/auth.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';

/** Issue 11 item 1 in the browser, without JavaScript: upload a sheet, then the same comment again, changed. */
describe('browser: a comment sheet uploaded twice updates the comment instead of copying it', function () {
  const b = useBrowser(this);

  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    it(`at ${viewport.width} px: the template is beside the export; a row with its receipt updates the comment`, async () => {
      const cid = await sampleConsultationId(b.app.db);
      const user = await createUser(b.app.db, { name: `Sheet user ${viewport.width}`, organisation: 'Sheet NGO' });
      const page = await signedInPage(b.browser, b.base, user.email, viewport);
      await page.goto(`${b.base}/consultations/${cid}#sheet-upload`);
      expect(await page.locator('.sheet-downloads a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).to.deep.equal([
        `/api/v1/consultations/${cid}/template.xlsx`, `/api/v1/consultations/${cid}/template.csv`,
        `/api/v1/consultations/${cid}/comments.xlsx`, `/api/v1/consultations/${cid}/comments.csv`,
        `/api/v1/consultations/${cid}/comments.docx`, // the comment report in Word (issue 20)
      ]);
      const upload = async (csv: string) => {
        if (!(await page.locator('#sheet-upload[open]').count())) await page.locator('#sheet-upload summary').click();
        await page.setInputFiles('#sheet', { name: 'sheet.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
        await page.getByRole('button', { name: 'Import the sheet' }).click();
        return (await page.locator('.notice', { hasText: 'The sheet is imported' }).textContent())!.trim();
      };
      expect(await upload('Clause/Subclause,Type of comment,Comments,Reference\n7.4,te,First version,\n')).to.contain('1 comment added, 0 updated, 0 unchanged');
      const seq = (await b.app.db('comments').where({ consultation_id: cid, author_id: user.id }).first('seq'))!.seq as number;
      if (screenshotDir) {
        await page.locator('#sheet-upload summary').click();
        await page.locator('#sheet-upload').scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(screenshotDir, `sheets-${viewport.width}.png`), fullPage: false });
      }
      expect(await upload(`Clause/Subclause,Type of comment,Comments,Reference\n7.4,te,Second version,C-${cid}-${seq}\n`)).to.contain('0 comments added, 1 updated, 0 unchanged');
      const mine = await b.app.db('comments').where({ consultation_id: cid, author_id: user.id }).select('comment');
      expect(mine).to.deep.equal([{ comment: 'Second version' }]);
    });
  }
});
