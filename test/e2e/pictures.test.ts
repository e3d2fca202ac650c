/**
 * The pictures in chromium (issue 20 item 5): the timeline of a standard, the tally of a ballot, the
 * catalogue's ages and a consultation's heat strip render with a size on screen and in print. The PNGs go to $SCREENSHOTS (or a temporary folder) to
 * be looked at: the print ones must read in black and white.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { useBrowser } from '../helpers/browser.ts';
import { boardOf, openBallot, secretariat, vote } from '../helpers/ballots.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';

describe('browser: the pictures on screen and in print', function () {
  const b = useBrowser(this);
  const dir = screenshotFolder();
  let ballot = 0;
  let consultation = 0;

  function screenshotFolder(): string {
    const d = process.env.SCREENSHOTS ?? path.join(os.tmpdir(), 'imas-review-pictures');
    fs.mkdirSync(d, { recursive: true });
    return d;
  }

  before(async () => {
    // a closed ballot: its page, and its mark on the timeline, are public
    const t = b.app;
    if (!t) return;
    const sec = await secretariat(t);
    const board = await boardOf(t, ['GICHD', 'UNDP', 'UNICEF', 'UNOPS', 'HALO Trust']);
    ballot = (await openBallot(t, sec)).id;
    for (const [o, p] of [['GICHD', 'approve'], ['UNDP', 'approve'], ['UNICEF', 'approve'], ['UNOPS', 'disapprove']] as const) {
      expect((await vote(t, board[o]!, ballot, p, p === 'disapprove' ? 'Clause 7 needs work.' : undefined)).status).to.equal(200);
    }
    expect((await request(t.app).post(`/api/v1/ballots/${ballot}/close`).set(...sec.auth)).status).to.be.below(300);
    // comments on two clauses of the sample consultation, for its heat strip
    consultation = await sampleConsultationId(t.db);
    for (const clause of ['4.1', '4.1', '4.1', '7.4']) {
      expect((await request(t.app).post(`/api/v1/consultations/${consultation}/comments`).set(...sec.auth).send({ clause, type: 'technical', comment: `On ${clause}` })).status).to.equal(201);
    }
  });

  for (const media of ['screen', 'print'] as const) {
    it(`draws the timeline of a standard and the tally of a ballot (${media})`, async () => {
      const context = await b.browser.newContext({ javaScriptEnabled: false, viewport: { width: 1100, height: 900 } });
      const page = await context.newPage();
      await page.emulateMedia({ media });
      const pictures = [['/standards/07.11', 'timeline', 'standard'], [`/ballots/${ballot}`, 'tally-picture', 'ballot'], ['/standards', 'ages-07', 'catalogue'], [`/consultations/${consultation}`, 'comment-heat', 'consultation']] as const;
      for (const [url, id, name] of pictures) {
        await page.goto(`${b.base}${url}`);
        const svg = page.locator(`svg#${id}`);
        await svg.scrollIntoViewIfNeeded();
        const box = await svg.boundingBox();
        expect(box, `${url}: the picture is laid out`).to.not.equal(null);
        expect(box!.width).to.be.greaterThan(300);
        expect(box!.height).to.be.greaterThan(50);
        expect(await svg.isVisible()).to.equal(true);
        await page.locator(`figure:has(svg#${id})`).screenshot({ path: path.join(dir, `picture-${name}-${media}.png`) });
        await page.screenshot({ path: path.join(dir, `page-${name}-${media}.png`) });
      }
      // the marks are links a reader can follow, without JavaScript
      await page.goto(`${b.base}/standards/07.11`);
      await page.locator('svg#timeline a[href="/standards/07.11/versions/1"]').click();
      expect(page.url()).to.equal(`${b.base}/standards/07.11/versions/1`);
      await context.close();
    });
  }
});
