import { expect } from 'chai';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Knex } from 'knex';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor, createUser, type TestUser } from '../helpers/auth.ts';
import { binary, sampleConsultationId } from '../helpers/consultations.ts';
import { clausesOf } from '../../server/versions/repo.ts';
import { insertComments } from '../../server/consultations/repo.ts';
import { matrixFilterOf, matrixSortOf } from '../../server/consultations/validation.ts';
import { clauseLabel, DISPOSITION_LABELS, ISO_COLUMNS, EXTRA_COLUMNS, TYPE_CODES } from '../../server/consultations/sheets.ts';

/** Issue 18: consultations with thousands of comments — the matrix in pages, the list streamed, exports streamed. */
type App = Awaited<ReturnType<typeof testApp>>;
type Who = { auth: [string, string]; user: TestUser };
interface CommentJson {
  id: number;
  reference: string;
  clause: string | null;
  paragraph: string | null;
  line_number: string | null;
  type: 'general' | 'technical' | 'editorial';
  comment: string;
  proposed_change: string | null;
  author: { name: string; organisation: string };
  withdrawn: boolean;
  disposition: string | null;
  response: string | null;
  submitted_at: string;
}

const ORGS = ['Alpha NGO', 'Beta Authority', 'Gamma Operator', 'Delta Donor'];
const DISPOSITIONS = ['accepted', 'partially_accepted', 'rejected', 'noted', null, null, null] as const;
const TYPES = ['technical', 'editorial', 'general'] as const;
const SEEDED = 640;
/** An attribute's value as the browser reads it (Handlebars escapes & and =). */
const unescape = (html: string) => html.replaceAll('&amp;', '&').replaceAll('&#x3D;', '=');

describe('consultations with many comments: the matrix in pages, streamed list and exports (issue 18)', () => {
  let t: App;
  let cid: number;
  let sec: Who;
  let alice: Who;
  let bob: Who;
  before(async () => {
    t = await testApp();
    cid = await sampleConsultationId(t.db);
    sec = await bearerFor(t, 'secretariat');
    alice = await bearerFor(t, await createUser(t.db, { name: 'Alice Many', organisation: 'Alpha NGO' }));
    bob = await bearerFor(t, await createUser(t.db, { name: 'Bob Many', organisation: 'Beta Authority' }));
    const c = await t.db('consultations').where({ id: cid }).first('version_id');
    const clauses = await clausesOf(t.db, c.version_id);
    const now = '2026-11-20T10:00:00.000Z';
    const rows = Array.from({ length: SEEDED }, (_, i) => {
      const cl = i % 9 === 0 ? null : clauses[(i * 5) % clauses.length]!;
      return {
        consultation_id: cid, author_id: i % 3 === 0 ? alice.user.id : null, author_name: `Reviewer ${i % 17}`, organisation: ORGS[i % ORGS.length]!, entered_by: i % 3 === 0 ? null : sec.user.id,
        clause_key: cl?.key ?? null, clause_ref: cl?.ref ?? null, paragraph: i % 4 ? `para ${i % 5}` : null, line_number: i % 6 ? String(i) : null, type: TYPES[i % 3]!,
        comment: i % 10 === 0 ? `=SUM(A1) the Buffer ${i} 100%_wide` : `Comment ${i} on the records, "quoted", with a comma; and\na new line`,
        proposed_change: i % 2 ? `Change ${i}` : null, submitted_at: now,
      };
    });
    const saved = await t.db.transaction((trx) => insertComments(trx, cid, rows));
    // Dispositions and withdrawals as the secretariat and authors would leave them.
    for (const [k, s] of saved.entries()) {
      const d = DISPOSITIONS[k % DISPOSITIONS.length];
      const patch: Record<string, unknown> = {};
      if (d) Object.assign(patch, { disposition: d, response: d === 'accepted' ? null : `Response ${k}`, disposed_by: sec.user.id, disposed_at: now });
      if (k % 50 === 7) patch.withdrawn_at = now;
      if (Object.keys(patch).length) await t.db('comments').where({ id: s.id }).update(patch);
    }
  });
  after(() => t.close());

  const api = (path: string, who: Who = sec) => request(t.app).get(path).set(...who.auth);
  const base = () => `/api/v1/consultations/${cid}/comments`;
  /** Every page of a query, following `next`; `between` runs after each page (comments added meanwhile). */
  async function allPages(query: string, between?: (page: number) => Promise<void>): Promise<CommentJson[]> {
    const out: CommentJson[] = [];
    let next: string | null = `${base()}?${query}`;
    type Page = { body: { comments: CommentJson[]; next: string | null; limit: number } };
    for (let page = 0; next; page++) {
      const res: Page = await api(next).expect(200);
      expect(res.body.comments.length).to.be.at.most(res.body.limit);
      out.push(...res.body.comments);
      next = res.body.next;
      if (next) {
        // The next link keeps the filters and the order.
        const asked = Object.fromEntries(new URLSearchParams(query));
        const kept = Object.fromEntries(new URL(next, 'http://x').searchParams);
        expect(matrixFilterOf(kept)).to.deep.equal(matrixFilterOf(asked));
        expect(matrixSortOf(kept)).to.equal(matrixSortOf(asked));
        expect(kept.cursor).to.be.a('string');
      }
      if (between) await between(page);
      if (page > 200) throw new Error('no end to the pages');
    }
    return out;
  }
  const matching = async (where: (q: Knex.QueryBuilder) => unknown) => {
    const q = t.db('comments').where({ consultation_id: cid });
    where(q);
    return (await q.pluck('id')) as number[];
  };

  it('pages through a filtered set: every comment exactly once while new comments are being added, in each order', async () => {
    for (const sort of ['reference', 'clause', 'organisation', 'type']) {
      const before = await matching((q) => q.where({ type: 'technical' }).whereNull('disposition'));
      let added = 0;
      const seen = await allPages(`type=te&disposition=none&sort=${sort}&limit=23`, async (page) => {
        // Comments arrive meanwhile, some matching the filter: on a clause early in the draft, and general ones.
        const who = page % 2 ? alice : bob;
        for (const body of [{ clause: '1', type: 'te', comment: `added ${sort} ${page} a` }, { clause: null, type: 'te', comment: `added ${sort} ${page} b` }, { clause: '9.1', type: 'ed', comment: `added ${sort} ${page} c` }]) {
          await request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...who.auth).send(body).expect(201);
          added++;
        }
      });
      const ids = seen.map((c) => c.id);
      expect(new Set(ids).size, `${sort}: no comment twice`).to.equal(ids.length);
      expect(ids, `${sort}: every comment that was there at the start`).to.include.members(before);
      expect(seen.every((c) => c.type === 'technical' && c.disposition === null), `${sort}: only what the filter asks`).to.equal(true);
      expect(added).to.be.greaterThan(10);
      // In the order asked for, each run ending on the receipt number.
      const seqOf = (c: CommentJson) => Number(c.reference.split('-')[2]);
      if (sort === 'reference') expect(seen.map(seqOf)).to.deep.equal([...seen.map(seqOf)].sort((a, b) => a - b));
      if (sort === 'organisation') {
        const orgs = seen.map((c) => c.author.organisation);
        expect(orgs).to.deep.equal([...orgs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      }
    }
  });

  it('the JSON list without limit is the pages joined, streamed (chunked), for the whole matrix and a filter', async () => {
    for (const q of ['', 'organisation=Gamma%20Operator&sort=clause', 'text=buffer%20', 'disposition=rejected&sort=type', 'clause=general']) {
      const whole = await api(`${base()}${q ? `?${q}` : ''}`).expect(200).expect('Content-Type', /application\/json/);
      expect(whole.headers['transfer-encoding']).to.equal('chunked');
      const pages = await allPages(`${q ? `${q}&` : ''}limit=97`);
      expect(whole.body.comments.length).to.be.greaterThan(0);
      expect(whole.body.comments).to.deep.equal(pages);
      expect(whole.body.consultation.id).to.equal(cid);
      expect(whole.body).to.have.property('mapped_to', null);
    }
    const all = (await api(base()).expect(200)).body.comments as CommentJson[];
    expect(all.length).to.equal(Number((await t.db('comments').where({ consultation_id: cid }).count({ n: '*' }).first())!.n));
    // The text filter finds words in any case and takes % and _ as they are.
    const pct = (await api(`${base()}?text=${encodeURIComponent('100%_WIDE')}`).expect(200)).body.comments as CommentJson[];
    expect(pct.length).to.equal(SEEDED / 10);
    expect((await api(`${base()}?text=${encodeURIComponent('1_0%')}`).expect(200)).body.comments.length).to.equal(0);
  });

  it('refuses a bad cursor or limit with 400 and a message', async () => {
    for (const q of ['limit=0', 'limit=501', 'limit=ten', 'limit=-1', 'cursor=%%%', 'cursor=bm90IGpzb24', 'cursor=eyJkIjoieCIsImsiOm51bGwsInEiOjF9', 'cursor=a&cursor=b']) {
      const res = await api(`${base()}?${q}`).expect(400);
      expect(res.body.error.message, q).to.match(/limit|cursor/);
    }
    // A cursor taken to other filters or another order is refused, not read as a place in another list.
    const first = await api(`${base()}?type=ed&limit=5`).expect(200);
    const other = await api(`${base()}?type=te&limit=5&cursor=${first.body.next_cursor}`).expect(400);
    expect(other.body.error.message).to.contain('other filters or another order');
    await api(`${base()}?type=ed&sort=clause&limit=5&cursor=${first.body.next_cursor}`).expect(400);
    // The same on the page, where it is an error page, not a 500.
    const { agent } = await agentFor(t, 'board');
    const page = await agent.get(`/consultations/${cid}/comments?cursor=nonsense`).expect(400);
    expect(page.text).to.contain('cursor');
    await agent.get(`/consultations/${cid}/comments?limit=100000`).expect(400);
  });

  it('exports CSV and XLSX as streams, read back by real parsers, equal to the JSON, named with the standard and the date', async () => {
    for (const q of ['', 'type=ed&disposition=none', 'sort=clause']) {
      const json = (await api(`${base()}${q ? `?${q}` : ''}`).expect(200)).body.comments as CommentJson[];
      const expected = json.map((c) => [
        c.author.organisation, c.line_number ?? '', clauseLabel(c.clause), c.paragraph ?? '', TYPE_CODES[c.type], c.comment, c.proposed_change ?? '',
        c.disposition ? (c.response ? `${DISPOSITION_LABELS[c.disposition]}. ${c.response}` : DISPOSITION_LABELS[c.disposition]!) : '',
        c.reference, c.author.name, c.disposition ? DISPOSITION_LABELS[c.disposition]! : '', c.withdrawn ? 'withdrawn' : '', c.submitted_at,
      ]);
      const unformula = (s: string) => (/^'[=+\-@]/.test(s) ? s.slice(1) : s);

      const csv = await api(`${base()}.csv${q ? `?${q}` : ''}`).expect(200).expect('Content-Type', /text\/csv/);
      expect(csv.headers['transfer-encoding']).to.equal('chunked');
      expect(csv.headers['content-disposition']).to.equal(`attachment; filename="IMAS-07.11-v4-comments-C-${cid}-2026-11-23.csv"`);
      const table = parse(csv.text, { bom: true }) as string[][];
      expect(table[0]).to.deep.equal([...ISO_COLUMNS, ...EXTRA_COLUMNS]);
      expect(table.slice(1).map((r) => r.map(unformula))).to.deep.equal(expected);

      const xlsx = await api(`${base()}.xlsx${q ? `?${q}` : ''}`).buffer(true).parse(binary).expect(200);
      expect(xlsx.headers['content-disposition']).to.equal(`attachment; filename="IMAS-07.11-v4-comments-C-${cid}-2026-11-23.xlsx"`);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.body as never);
      const ws = wb.worksheets[0]!;
      expect(ws.getRow(1).getCell(2).text).to.equal('2026-11-23');
      expect((ws.getRow(3).values as unknown[]).slice(1)).to.deep.equal([...ISO_COLUMNS, ...EXTRA_COLUMNS]);
      expect(ws.getRow(3).font?.bold ?? ws.getRow(3).getCell(1).font?.bold).to.equal(true);
      const rows: string[][] = [];
      for (let r = 4; r <= ws.rowCount; r++) rows.push(Array.from({ length: 13 }, (_, j) => ws.getRow(r).getCell(j + 1).text));
      // Written as text, never as formulas: the cell holds what the comment says.
      expect(rows).to.deep.equal(expected);
      expect(ws.getRow(4).getCell(6).alignment).to.deep.include({ wrapText: true, vertical: 'top' });
    }
  });

  it('a client that goes away in the middle of an export or the list: the server stops writing and answers the next request', async () => {
    const server = http.createServer(t.handler).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    try {
      for (const p of ['comments.csv', 'comments.xlsx', 'comments']) {
        await new Promise<void>((resolve, reject) => {
          const req = http.get({ host: '127.0.0.1', port, path: `/api/v1/consultations/${cid}/${p}`, headers: { Authorization: sec.auth[1] } }, (res) => {
            expect(res.statusCode).to.equal(200);
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          });
          req.on('error', (err) => (req.destroyed ? resolve() : reject(err)));
        });
      }
      await new Promise((r) => setTimeout(r, 100));
      const again = await api(`${base()}?limit=3`).expect(200);
      expect(again.body.comments).to.have.length(3);
    } finally {
      server.close();
    }
  });

  it('the matrix page: 100 rows a page, next and first links keeping filters and order, counts beside each filter', async () => {
    const { agent } = await agentFor(t, sec.user);
    const first = await agent.get(`/consultations/${cid}/comments?organisation=Alpha%20NGO&sort=clause`).expect(200);
    const rowsOf = (html: string) => [...html.matchAll(/<tr id="comment-(\d+)"/g)].map((m) => Number(m[1]));
    expect(rowsOf(first.text)).to.have.length(100);
    const alpha = await matching((q) => q.where({ organisation: 'Alpha NGO' }));
    expect(first.text).to.contain(`${alpha.length} comments match these filters`);
    // Beside each type: how many of Alpha NGO's comments it would show.
    for (const [type, code] of [['technical', 'te'], ['editorial', 'ed'], ['general', 'ge']] as const) {
      const n = (await matching((q) => q.where({ organisation: 'Alpha NGO', type }))).length;
      expect(first.text).to.contain(`(${code}) (${n})</option>`);
    }
    const none = (await matching((q) => q.where({ organisation: 'Alpha NGO' }).whereNull('disposition'))).length;
    expect(first.text).to.contain(`No disposition yet (${none})`);
    const seen = [...rowsOf(first.text)];
    let html = first.text;
    for (let i = 0; i < 20; i++) {
      const next = unescape(/<a href="([^"]+)" rel="next">/.exec(html)?.[1] ?? '');
      if (!next) break;
      expect(next).to.contain('organisation=Alpha+NGO').and.to.contain('sort=clause').and.to.contain('cursor=');
      html = (await agent.get(next).expect(200)).text;
      expect(html).to.match(/<a href="[^"]*" rel="first">First page<\/a>/);
      seen.push(...rowsOf(html));
    }
    expect([...seen].sort((a, b) => a - b)).to.deep.equal([...alpha].sort((a, b) => a - b));
    // A disposition recorded from a later page comes back to that page.
    expect(unescape(/name="back" value="([^"]+)"/.exec(html)![1]!)).to.match(/^\/consultations\/\d+\/comments\?organisation=Alpha\+NGO&sort=clause&cursor=/);
  });

  it('the consultation page: per-clause counts from the grouped query, the first 50 of one\'s own comments and how many', async () => {
    const { agent } = await agentFor(t, sec.user);
    const page = await agent.get(`/consultations/${cid}`).expect(200);
    const mine = await matching((q) => q.where((w) => w.where('author_id', sec.user.id).orWhere('entered_by', sec.user.id)));
    expect(mine.length).to.be.greaterThan(50);
    expect(page.text).to.contain(`You have ${mine.length.toLocaleString('en-GB')} comments on this consultation`);
    expect(unescape(page.text)).to.contain(`href="/consultations/${cid}/comments?mine=1"`);
    const mineList = page.text.slice(page.text.indexOf('class="my-comments"'));
    expect([...mineList.slice(0, mineList.indexOf('</section>')).matchAll(/<li>/g)]).to.have.length(50);
    // The clause with the most comments shows the count of its non-withdrawn ones, linked to the matrix.
    const top = (await t.db('comments').where({ consultation_id: cid }).whereNull('withdrawn_at').whereNotNull('clause_ref').groupBy('clause_ref').select('clause_ref').count({ n: '*' }).orderBy('n', 'desc').first()) as { clause_ref: string; n: number };
    const general = Number((await t.db('comments').where({ consultation_id: cid }).whereNull('withdrawn_at').whereNull('clause_ref').count({ n: '*' }).first())!.n);
    expect(unescape(page.text)).to.contain(`<a class="count" href="/consultations/${cid}/comments?clause=${encodeURIComponent(top.clause_ref)}">${top.n} comments</a>`);
    expect(page.text).to.contain(`General comments <span class="count">${general} comments</span>`);
    // "Only mine" in the matrix: the secretariat's own and entered ones.
    const onlyMine = await agent.get(`/consultations/${cid}/comments?mine=1&limit=500`).expect(200);
    expect([...onlyMine.text.matchAll(/<tr id="comment-(\d+)"/g)].map((m) => Number(m[1])).sort((a, b) => a - b)).to.deep.equal([...mine].sort((a, b) => a - b));
  });
});
