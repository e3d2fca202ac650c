import path from 'node:path';
import request from 'supertest';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { screenshotDir, secondStepIfAsked, useBrowser } from '../helpers/browser.ts';
import { bearerFor, createUser } from '../helpers/auth.ts';
import { boardOf, openBallot, secretariat, vote } from '../helpers/ballots.ts';

/** Issue 11 item 11: wide tables fit a phone; the "Add a standard" form is aligned; records read as the site does. */
describe('browser: readable records on a phone', function () {
  const b = useBrowser(this);

  async function overflow(page: Page): Promise<number> {
    return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  }

  it('the history, audit log, comment matrix and catalogue admin fit 390 px; the add form lines up', async () => {
    const t = b.app;
    const sec = await secretariat(t);
    const m = await boardOf(t, ['A', 'B', 'C']);
    const ballot = await openBallot(t, sec);
    for (const o of ['A', 'B', 'C']) await vote(t, m[o]!, ballot.id, 'approve');
    await request(t.app).post(`/api/v1/ballots/${ballot.id}/close`).set(...sec.auth).expect(200);
    const consultation = (await t.db('consultations').first()).id;
    const stake = await bearerFor(t, 'stakeholder');
    await request(t.app).post(`/api/v1/consultations/${consultation}/comments`).set(...stake.auth)
      .send({ clause: '4.1', type: 'technical', comment: 'The duties of the national authority are not listed in one place; a reader has to collect them from three clauses.', proposed_change: 'Add a table of the duties in 4.1.' }).expect(201);
    await request(t.app).post('/api/v1/standards/07.11/versions/4/publish').set(...sec.auth).send({ edition: 3, in_force_from: '2027-01-01', summary: 'Third edition.' }).expect(200);

    const user = await createUser(t.db, { role: 'secretariat' });
    for (const width of [1280, 390]) {
      const context = await b.browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${b.base}/login`);
      await page.getByLabel('E-mail address').fill(user.email);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await secondStepIfAsked(page, user.email);
      for (const [name, url] of [['history', '/standards/07.11/versions'], ['audit', '/admin/audit'], ['matrix', `/consultations/${consultation}/comments`], ['catalogue-admin', '/admin/standards'], ['version', '/standards/07.11/versions/4'], ['old', '/standards/07.11/versions/2']] as const) {
        await page.goto(`${b.base}${url}`);
        if (screenshotDir) await page.screenshot({ path: path.join(screenshotDir, `records-${name}-${width}.png`), fullPage: !['version', 'old', 'catalogue-admin'].includes(name) });
        expect(await overflow(page), `${name} at ${width} px`).to.be.at.most(0);
        if (name === 'history' || name === 'matrix' || name === 'audit') {
          // one block per row on a phone, a table on a desk
          const display = await page.locator('table.stack td').first().evaluate((td) => getComputedStyle(td).display);
          expect(display, `${name} at ${width} px`).to.equal(width === 390 ? 'block' : 'table-cell');
        }
      }
      // The "Add a standard" fields start at one left edge and their boxes line up.
      await page.goto(`${b.base}/admin/standards`);
      const fields = await page.locator('form.add-standard select, form.add-standard input:not([type=hidden])').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: Math.round(r.left), w: Math.round(r.width) })));
      expect(fields, `${width}`).to.have.length(3);
      expect(new Set(fields.map((f) => f.x)).size, JSON.stringify(fields)).to.equal(1);
      expect(new Set(fields.map((f) => f.w)).size, JSON.stringify(fields)).to.equal(1);
      const button = await page.locator('form.add-standard button').boundingBox();
      expect(Math.round(button!.x)).to.equal(fields[0]!.x);
      await context.close();
    }
  });
});
