/**
 * The pictures on the pages (issue 20 items 4 and 5): each page carries its SVG, well-formed, with
 * the links the data gives and no more than the reader may see; the cached public pages stay cached.
 */
import { expect } from 'chai';
import request from 'supertest';
import { XMLValidator } from 'fast-xml-parser';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor } from '../helpers/auth.ts';
import { boardOf, newDraft, openBallot, secretariat, vote, type Member } from '../helpers/ballots.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';
import { clausesOf } from '../../server/versions/repo.ts';
import { countsByClause } from '../../server/consultations/repo.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const ORGS = ['GICHD', 'UNDP', 'UNICEF', 'UNOPS', 'HALO Trust'];

/** The <svg id="…"> of a page, checked well-formed. */
function svgOf(html: string, id: string): string {
  const m = new RegExp(`<svg [^>]*id="${id}"[\\s\\S]*?</svg>`).exec(html);
  expect(m, `the page has <svg id="${id}">`).to.not.equal(null);
  const valid = XMLValidator.validate(m![0]);
  expect(valid, JSON.stringify(valid)).to.equal(true);
  return m![0];
}
const hrefs = (svg: string) => [...svg.matchAll(/<a href="([^"]*)"/g)].map((x) => x[1]!.replace(/&#38;/g, '&'));
const attrs = (svg: string, cls: string, a: string) => [...svg.matchAll(new RegExp(`class="[^"]*\\b${cls}\\b[^"]*"[^>]*?${a}="([^"]*)"`, 'g'))].map((x) => x[1]!);

describe('pictures on the pages (issue 20 item 4)', () => {
  let t: App;
  let sec: Member;
  let board: Record<string, Member>;
  let consultation: number;
  before(async () => {
    t = await testApp();
    sec = await secretariat(t);
    board = await boardOf(t, ORGS);
    consultation = await sampleConsultationId(t.db);
  });
  after(() => t.close());

  describe('the timeline of a standard', () => {
    let ballot: number;
    let staff: Awaited<ReturnType<typeof agentFor>>;
    before(async () => {
      staff = await agentFor(t, 'secretariat');
    });

    it('is on every page of the standard, each mark a link to the page of what it marks', async () => {
      for (const url of ['/standards/07.11', '/standards/07.11/versions', '/standards/07.11/versions/1', '/standards/07.11/on/2020-06-30', '/standards/07.11/on/2010-01-01']) {
        const svg = svgOf((await request(t.app).get(url).expect(200)).text, 'timeline');
        const own = url === '/standards/07.11/versions/1' ? ['/standards/07.11/versions/1'] : [];
        const all = ['/standards/07.11/versions/1', '/standards/07.11/versions/2', '/standards/07.11/versions/3', '/standards/07.11/versions/4', `/consultations/${consultation}`];
        expect(hrefs(svg), url).to.include.members(all.filter((h) => !own.includes(h)));
        // a page never links to itself: its own version is drawn, not linked
        for (const h of own) expect(hrefs(svg), url).to.not.include(h);
        if (own.length) expect(svg).to.contain('Edition 1: 2019-03-01 (this page)');
      }
      // a standard with nothing published yet has its page, and its timeline
      expect((await request(t.app).get('/standards/09.20')).text).to.contain('id="timeline"');
    });

    it('shows an open ballot and an unreleased draft to the Board and the secretariat only', async () => {
      ballot = (await openBallot(t, sec)).id;
      const draft = await newDraft(t);
      const anonymous = hrefs(svgOf((await request(t.app).get('/standards/07.11').expect(200)).text, 'timeline'));
      expect(anonymous).to.not.include(`/ballots/${ballot}`);
      expect(anonymous).to.not.include(`/standards/07.11/versions/${draft.n}`);
      const inside = hrefs(svgOf((await staff.agent.get('/standards/07.11').expect(200)).text, 'timeline'));
      expect(inside).to.include.members([`/ballots/${ballot}`, `/standards/07.11/versions/${draft.n}`]);
    });

    it('keeps the public page cached, and shows the ballot to everyone once its result is written', async () => {
      const first = await request(t.app).get('/standards/07.11').expect(200);
      const again = await request(t.app).get('/standards/07.11').set('If-None-Match', first.headers.etag!).expect(304);
      expect(again.headers.etag).to.equal(first.headers.etag);
      for (const o of ORGS.slice(0, 3)) expect((await vote(t, board[o]!, ballot, 'approve')).status).to.equal(200);
      expect((await request(t.app).post(`/api/v1/ballots/${ballot}/close`).set(...sec.auth)).status).to.be.below(300);
      const after = await request(t.app).get('/standards/07.11').expect(200);
      expect(after.headers.etag).to.not.equal(first.headers.etag);
      expect(hrefs(svgOf(after.text, 'timeline'))).to.include(`/ballots/${ballot}`);
      // the closed ballot's page is public, with its picture
      expect(svgOf((await request(t.app).get(`/ballots/${ballot}`).expect(200)).text, 'tally-picture')).to.contain('Result of ballot');
    });
  });

  describe('the tally of a ballot', () => {
    it('draws the votes against the ISO thresholds and the quorum, as the table says', async () => {
      // the previous suite's ballot approved version 4; a new draft takes the next one
      const draft = await newDraft(t, 4);
      const id = (await openBallot(t, sec, {}, draft.n)).id;
      expect((await vote(t, board.GICHD!, id, 'approve')).status).to.equal(200);
      expect((await vote(t, board.UNDP!, id, 'approve')).status).to.equal(200);
      expect((await vote(t, board.UNICEF!, id, 'disapprove', 'Clause 4 is unclear.')).status).to.equal(200);
      expect((await vote(t, board.UNOPS!, id, 'abstain')).status).to.equal(200);
      const member = await agentFor(t, 'board', { organisation: 'Observer org', boardMember: false });
      const page = await member.agent.get(`/ballots/${id}`).expect(200);
      const svg = svgOf(page.text, 'tally-picture');
      expect(attrs(svg, 'threshold', 'data-at')).to.deep.equal(['0.6667', '0.7500']);
      expect(svg).to.contain('3 votes cast: 2 approve, 1 disapprove');
      expect(attrs(svg, 'seg-approve', 'data-n')).to.deep.equal(['2', '2']);
      expect(attrs(svg, 'seg-abstain', 'data-n')).to.deep.equal(['1']);
      // the tally table is there too; the picture sits in its section
      expect(page.text.indexOf('id="tally-picture"')).to.be.greaterThan(page.text.indexOf('id="tally-title"'));
      // the public does not see an open ballot, nor its picture
      expect((await request(t.app).get(`/ballots/${id}`)).status).to.equal(404);
      // a cancelled ballot counts nothing: no picture
      expect((await request(t.app).post(`/api/v1/ballots/${id}/cancel`).set(...sec.auth)).status).to.be.below(300);
      expect((await member.agent.get(`/ballots/${id}`).expect(200)).text).to.not.contain('id="tally-picture"');
    });
  });

  describe('comments per clause', () => {
    before(async () => {
      const writer = await bearerFor(t, 'stakeholder');
      for (const [clause, n] of [['4.1', 3], ['7.4', 1]] as const) {
        for (let i = 0; i < n; i++) {
          const r = await request(t.app).post(`/api/v1/consultations/${consultation}/comments`).set(...writer.auth).send({ clause, type: 'technical', comment: `On ${clause}, number ${i}` });
          expect(r.status, JSON.stringify(r.body)).to.equal(201);
        }
      }
    });

    async function expected(): Promise<Map<string, number>> {
      const v = await t.db('versions as v').join('consultations as c', 'c.version_id', 'v.id').where('c.id', consultation).first('v.id');
      const counts = await countsByClause(t.db, consultation);
      return new Map((await clausesOf(t.db, v.id)).map((c) => [c.ref, counts.get(c.key) ?? 0]));
    }

    it('on the consultation page: a band per clause, counted as the page counts, each a link to the clause on the page', async () => {
      const page = (await request(t.app).get(`/consultations/${consultation}`).expect(200)).text;
      const svg = svgOf(page, 'comment-heat');
      const links = hrefs(svg);
      const want = await expected();
      expect(links).to.deep.equal([...want.keys()].map((ref) => `#clause-${ref}`));
      for (const l of links) expect(page, l).to.contain(`id="${l.slice(1)}"`);
      expect(attrs(svg, 'band', 'data-count').map(Number)).to.deep.equal([...want.values()]);
      expect(want.get('4.1')).to.be.at.least(3);
      expect(svg).to.match(/4\.1 [^:<]*: \d+ comments/);
    });

    it('on the diff page towards the draft: the same counts, each band a link to the clause entry of the diff', async () => {
      const page = (await request(t.app).get('/standards/07.11/diff/3..4').expect(200)).text;
      const svg = svgOf(page, 'comment-heat');
      const want = await expected();
      expect(hrefs(svg)).to.deep.equal([...want.keys()].map((ref) => `#change-${ref}`));
      for (const l of hrefs(svg)) expect(page, l).to.contain(`id="${l.slice(1)}"`);
      expect(attrs(svg, 'band', 'data-count').map(Number)).to.deep.equal([...want.values()]);
      expect(page).to.contain(`href="/consultations/${consultation}"`);
      // between two published editions there is no consultation to show
      expect((await request(t.app).get('/standards/07.11/diff/1..2').expect(200)).text).to.not.contain('id="comment-heat"');
    });
  });

  describe('the catalogue', () => {
    it("draws each series' documents against their review period, linked, with the overdue marked as the day moves", async () => {
      const page = (await request(t.app).get('/standards').expect(200)).text;
      const svg = svgOf(page, 'ages-07');
      expect(hrefs(svg)).to.include('/standards/07.11');
      // Edition 2 of 07.11 came into force on 2026-01-16: not due on TEST_NOW
      expect(svg).to.not.match(/IMAS 07\.11: [^<]*overdue/);
      const standards = (await request(t.app).get('/api/v1/standards').expect(200)).body.standards as Array<{ ref: string; withdrawn_on: string | null }>;
      const linked = [...page.matchAll(/<svg [^>]*id="ages-[^"]+"[\s\S]*?<\/svg>/g)].flatMap((m) => hrefs(m[0]));
      expect(linked.sort()).to.deep.equal(standards.filter((s) => !s.withdrawn_on).map((s) => `/standards/${encodeURIComponent(s.ref)}`).sort());
      t.clock.set('2031-01-01T12:00:00Z');
      const later = svgOf((await request(t.app).get('/standards').expect(200)).text, 'ages-07');
      expect(later).to.match(/IMAS 07\.11: [^<]*overdue/);
      expect(later).to.contain('As of 2031-01-01');
    });
  });
});
