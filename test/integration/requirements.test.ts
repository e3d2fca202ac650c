import { expect } from 'chai';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { testApp } from '../helpers/app.ts';
import { bearerFor } from '../helpers/auth.ts';

type Req = { id: string; clause: string; clause_ref: string; verb: string; kind: string; text: string; status?: string; previous_id?: string | null; previous_text?: string | null };

/** A binary response body as a Buffer (supertest buffers text only by default). */
const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('the requirements register', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('API: the current edition by default, every verb family, no foreword, introduction or note', async () => {
    const res = await request(t.app).get('/api/v1/standards/07.11/requirements').expect(200);
    expect(res.body.version).to.include({ n: 3, label: 'Edition 2' });
    expect(res.body.since).to.equal(null);
    const reqs = res.body.requirements as Req[];
    expect(reqs.length).to.equal(res.body.total);
    expect(Object.values(res.body.counts as Record<string, number>).reduce((a, b) => a + b)).to.equal(reqs.length);
    for (const f of ['shall', 'should', 'may', 'can']) expect(res.body.counts[f], f).to.be.greaterThan(0);
    expect(reqs.some((r) => ['foreword', 'introduction'].includes(r.clause_ref))).to.equal(false);
    expect(reqs.some((r) => /^NOTE\b/.test(r.text))).to.equal(false);
    // the foreword's "Users should check that they are reading the latest edition" is not listed
    expect(reqs.some((r) => r.text.includes('Users should check'))).to.equal(false);
    const buffer = reqs.find((r) => r.clause === '7.4')!;
    expect(buffer).to.include({ verb: 'shall', kind: 'requirement' });
    expect(buffer.id).to.match(/^07\.11-R-.+-[0-9a-f]{8}$/);
    // the lead-in "The NMAA shall:" and each of its items
    const nmaa = reqs.filter((r) => r.clause === '4.1');
    expect(nmaa.length).to.equal(6);
    expect(nmaa.every((r) => r.verb === 'shall' && r.text.startsWith('The NMAA shall: '))).to.equal(true);
    expect(new Set(reqs.map((r) => r.id)).size).to.equal(reqs.length);
  });

  it('API: filters by verb, clause and words; the same filters narrow together', async () => {
    const should = (await request(t.app).get('/api/v1/standards/07.11/requirements?verb=should').expect(200)).body.requirements as Req[];
    expect(should.length).to.be.greaterThan(0);
    expect(should.every((r) => r.kind === 'recommendation' && r.verb.startsWith('should'))).to.equal(true);
    const clause6 = (await request(t.app).get('/api/v1/standards/07.11/requirements?clause=6.2').expect(200)).body.requirements as Req[];
    expect(clause6.length).to.be.greaterThan(0);
    expect(clause6.every((r) => r.clause === '6.2' || r.clause.startsWith('6.2.'))).to.equal(true);
    const annex = (await request(t.app).get('/api/v1/standards/07.11/requirements?clause=A.1').expect(200)).body.requirements as Req[];
    expect(annex.length).to.be.greaterThan(0);
    expect(annex.every((r) => r.clause_ref === 'annex-a.1')).to.equal(true);
    const words = (await request(t.app).get('/api/v1/standards/07.11/requirements?q=Buffer%20zone').expect(200)).body.requirements as Req[];
    expect(words.map((r) => r.clause)).to.deep.equal(['7.4']);
    const both = (await request(t.app).get('/api/v1/standards/07.11/requirements?verb=may&clause=6').expect(200)).body.requirements as Req[];
    expect(both.length).to.be.greaterThan(0);
    expect(both.every((r) => r.kind === 'permission' && r.clause.startsWith('6.'))).to.equal(true);
  });

  it('API: since an earlier edition, from the diff: should → shall is changed, a new clause new, a removed clause removed', async () => {
    const res = await request(t.app).get('/api/v1/standards/07.11/requirements?version=2&since=1').expect(200);
    expect(res.body.since).to.include({ n: 1 });
    const reqs = res.body.requirements as Req[];
    const desk = reqs.find((r) => r.text.startsWith('Before a field visit, survey teams shall review'))!;
    expect(desk.status).to.equal('changed');
    expect(desk.previous_text).to.contain('survey teams should review');
    expect(reqs.find((r) => r.text.startsWith('The outcome of the desk assessment'))!.status).to.equal('new');
    expect(reqs.filter((r) => r.clause === '9.5').every((r) => r.status === 'new')).to.equal(true);
    expect(reqs.find((r) => r.clause === '7.4')!.status).to.equal('changed');
    const counts = res.body.since_counts;
    expect(counts.new + counts.changed + counts.unchanged).to.equal(reqs.length);
    expect(counts.unchanged).to.be.greaterThan(counts.changed);
    // Edition 2 moved clause 4 (principles) behind the responsibilities and removed the clause on efficiency.
    const e2 = await request(t.app).get('/api/v1/standards/07.11/requirements?since=2').expect(200);
    expect(e2.body.removed.length).to.equal(e2.body.since_counts.removed);
    expect(e2.body.removed.length).to.be.greaterThan(0);
    // Renumbered but unchanged requirements keep their id.
    const unchanged = (e2.body.requirements as Req[]).filter((r) => r.status === 'unchanged');
    expect(unchanged.length).to.be.greaterThan(0);
    const old = new Map(((await request(t.app).get('/api/v1/standards/07.11/requirements?version=2').expect(200)).body.requirements as Req[]).map((r) => [r.id, r]));
    const renumbered = unchanged.filter((r) => old.has(r.id) && old.get(r.id)!.clause !== r.clause);
    expect(renumbered.length, 'requirements whose clause was renumbered keep their id').to.be.greaterThan(0);
  });

  it('API: bad filters are 422 with a message per field; unknown standard or version 404; another spelling answers', async () => {
    const bad = await request(t.app).get('/api/v1/standards/07.11/requirements?verb=must&since=x').expect(422);
    expect(bad.body.error.fields).to.have.keys(['verb', 'since']);
    await request(t.app).get('/api/v1/standards/07.11/requirements?version=99').expect(404);
    await request(t.app).get('/api/v1/standards/99.99/requirements').expect(404);
    await request(t.app).get('/api/v1/standards/07.11/requirements?version=3&since=3').expect(400);
    const other = await request(t.app).get('/api/v1/standards/IMAS%2007.11/requirements').expect(200);
    expect(other.body.ref).to.equal('07.11');
  });

  it('page: the register with links to clause anchors, a GET filter form kept filled in, linked from the standard\'s page', async () => {
    const home = await request(t.app).get('/standards/07.11').expect(200);
    expect(home.text).to.contain('href="/standards/07.11/requirements"');
    const res = await request(t.app).get('/standards/07.11/requirements?verb=shall&clause=7.4').expect(200);
    expect(res.text).to.contain('<form class="requirements-filter" method="get"');
    expect(res.text).to.match(/<option value="shall" selected>/);
    expect(res.text).to.contain('value="7.4"');
    expect(res.text).to.contain('href="/standards/07.11/versions/3#clause-7.4"');
    expect(res.text).to.contain('a buffer zone of at least 50 m shall be searched');
    expect(res.text).not.to.contain('#clause-7.3"');
    // the export links carry the filters (Handlebars writes = as &#x3D; in attributes)
    expect(res.text).to.contain('href="/standards/07.11/requirements.csv?verb&#x3D;shall&amp;clause&#x3D;7.4"');
  });

  it('page: since an edition shows new, changed and removed', async () => {
    const plain = await request(t.app).get('/standards/07.11/requirements').expect(200);
    expect(plain.text).to.contain('href="/standards/07.11/requirements?since&#x3D;2"');
    const res = await request(t.app).get('/standards/07.11/requirements?since=2').expect(200);
    expect(res.text).to.contain('Removed since Edition 1 Amendment 1');
    expect(res.text).to.contain('<span class="badge">new</span>');
    expect(res.text).to.contain('<span class="badge">changed</span>');
  });

  it('page: bad input is a 400 with the message, the form kept filled in; a draft is marked', async () => {
    const res = await request(t.app).get('/standards/07.11/requirements?verb=must&q=buffer').expect(400);
    expect(res.text).to.contain('must be shall, should, may or can');
    expect(res.text).to.contain('value="buffer"');
    const same = await request(t.app).get('/standards/07.11/requirements?version=3&since=3').expect(400);
    expect(same.text).to.contain('Pick an earlier version');
    // the draft Edition 3 is under consultation, so anyone may read it and its register
    const draft = await request(t.app).get('/standards/07.11/requirements?version=4').expect(200);
    expect(draft.text).to.contain('DRAFT — not for use');
    await request(t.app).get('/standards/07-11/requirements?verb=may').expect(301).expect('Location', '/standards/07.11/requirements?verb=may');
  });

  it('checklist CSV: one row per requirement, an empty "How we comply" column, read back with csv-parse', async () => {
    const api = (await request(t.app).get('/api/v1/standards/07.11/requirements?verb=should').expect(200)).body.requirements as Req[];
    const res = await request(t.app).get('/standards/07.11/requirements.csv?verb=should').expect(200);
    expect(res.headers['content-type']).to.match(/^text\/csv/);
    expect(res.headers['content-disposition']).to.equal('attachment; filename="IMAS-07.11-edition-2-requirements.csv"');
    const rows = parse(res.text, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.length).to.equal(api.length);
    expect(Object.keys(rows[0]!)).to.deep.equal(['ID', 'Clause', 'Clause heading', 'Verb', 'Kind', 'Requirement', 'How we comply']);
    rows.forEach((row, i) => {
      expect(row.ID).to.equal(api[i]!.id);
      expect(row.Requirement).to.equal(api[i]!.text);
      expect(row['How we comply']).to.equal('');
    });
  });

  it('checklist XLSX: the same rows, read back with exceljs; with ?since= the status columns', async () => {
    const api = (await request(t.app).get('/api/v1/standards/07.11/requirements?version=2&since=1').expect(200)).body.requirements as Req[];
    const res = await request(t.app).get('/standards/07.11/requirements.xlsx?version=2&since=1').buffer(true).parse(binary).expect(200);
    expect(res.headers['content-disposition']).to.equal('attachment; filename="IMAS-07.11-edition-1-amendment-1-requirements.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as ArrayBuffer);
    const ws = wb.getWorksheet('Requirements')!;
    const values = (n: number) => (ws.getRow(n).values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v)));
    expect(values(1)).to.deep.equal(['ID', 'Clause', 'Clause heading', 'Verb', 'Kind', 'Requirement', 'How we comply', 'Since', 'Previous ID']);
    expect(ws.rowCount).to.equal(api.length + 1);
    api.forEach((r, i) => {
      const row = values(i + 2);
      expect(row[0]).to.equal(r.id);
      expect(row[5]).to.equal(r.text);
      expect(row[6]).to.equal('');
      expect(row[7]).to.equal(r.status);
    });
    await request(t.app).get('/standards/07.11/requirements.xlsx?verb=must').expect(400);
  });

  it('an unreleased draft: its register only for those who may see drafts, compared with the edition it revises', async () => {
    const sec = await bearerFor(t, 'secretariat');
    const edition2 = readFileSync('standards/07.11/03-edition-2.md', 'utf8').replace(/^---[\s\S]*?---\n/, '');
    const text = edition2.replace('\n# 5 ', '\n## 4.4 Insurers\n\nInsurers should not cover a task without a tasking order.\n\n# 5 ');
    const draft = await request(t.app).post('/api/v1/standards/07.11/versions').set(...sec.auth).send({ text, label: 'Unreleased draft', based_on: 3 }).expect(201);
    const n = Number(draft.body.n);
    await request(t.app).get(`/api/v1/standards/07.11/requirements?version=${n}`).expect(404);
    await request(t.app).get(`/standards/07.11/requirements?version=${n}`).expect(404);
    const res = await request(t.app).get(`/api/v1/standards/07.11/requirements?version=${n}&since=3`).set(...sec.auth).expect(200);
    expect(res.body.since_counts).to.deep.equal({ new: 1, changed: 0, unchanged: res.body.total - 1, removed: 0 });
    const added = (res.body.requirements as Req[]).find((r) => r.status === 'new')!;
    expect(added).to.include({ clause: '4.4', verb: 'should not', kind: 'recommendation' });
    // every other requirement kept its id
    expect((res.body.requirements as Req[]).filter((r) => r.status === 'unchanged').every((r) => r.previous_id === r.id)).to.equal(true);
  });
});
