import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor } from '../helpers/auth.ts';
import { BROKEN_DRAFT, FIRST_DRAFT, SECOND_DRAFT } from '../helpers/drafts.ts';

type Clause = { ref: string; heading: string; key: string; depth: number; position: number; text: string };

describe('drafts API: standards, drafts and withdrawal', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let sec: [string, string];
  before(async () => {
    t = await testApp();
    sec = (await bearerFor(t, 'secretariat')).auth;
  });
  after(() => t.close());

  const countVersions = async (ref: string) => Number((await t.db('versions as v').join('standards as s', 's.id', 'v.standard_id').where('s.ref', ref).count({ n: '*' }).first())!.n);

  describe('POST /api/v1/standards', () => {
    it('adds a standard: 201 with the standard JSON, in the catalogue, audited', async () => {
      const res = await request(t.app).post('/api/v1/standards').set(...sec).send({ type: 'IMAS', number: '07.99', title: 'Marking of hazardous areas' }).expect(201);
      expect(res.headers.location).to.equal('/api/v1/standards/07.99');
      expect(res.body).to.deep.include({ ref: '07.99', designation: 'IMAS 07.99', type: 'IMAS', number: '07.99', title: 'Marking of hazardous areas', series: '07', withdrawn_on: null, replaced_by: null, current: null });
      await request(t.app).get('/api/v1/standards/07.99').expect(200);
      const cat = await request(t.app).get('/api/v1/standards?q=hazardous').expect(200);
      expect(cat.body.standards.map((s: { ref: string }) => s.ref)).to.include('07.99');
      const audit = await t.db('audit_events').where({ action: 'standard.added' }).orderBy('id', 'desc').first();
      expect(JSON.parse(audit.data)).to.include({ ref: '07.99' });
      const tnma = await request(t.app).post('/api/v1/standards').set(...sec).send({ type: 'TNMA', number: '07.99/01', title: 'A technical note' }).expect(201);
      expect(tnma.body.ref).to.equal('tnma-07.99-01');
    });

    it('409 when it exists, 422 with fields for a bad number or type', async () => {
      const dup = await request(t.app).post('/api/v1/standards').set(...sec).send({ type: 'IMAS', number: '07.11', title: 'Again' }).expect(409);
      expect(dup.body.error.code).to.equal('conflict');
      expect(dup.body.error.message).to.contain('IMAS 07.11');
      const bad = await request(t.app).post('/api/v1/standards').set(...sec).send({ type: 'IMAS', number: '7.11', title: 'X' }).expect(422);
      expect(bad.body.error.fields.number).to.contain('07.11');
      const badTnma = await request(t.app).post('/api/v1/standards').set(...sec).send({ type: 'TNMA', number: '07.11', title: 'X' }).expect(422);
      expect(badTnma.body.error.fields.number).to.contain('12.10/01');
      const badType = await request(t.app).post('/api/v1/standards').set(...sec).send({ type: 'ISO', number: '07.11', title: '' }).expect(422);
      expect(badType.body.error.fields).to.have.keys('type', 'title');
    });

    it('only the secretariat: anonymous 401, stakeholder and board 403', async () => {
      const body = { type: 'IMAS', number: '07.98', title: 'Nope' };
      await request(t.app).post('/api/v1/standards').send(body).expect(401);
      for (const role of ['stakeholder', 'board'] as const) {
        const { auth } = await bearerFor(t, role);
        await request(t.app).post('/api/v1/standards').set(...auth).send(body).expect(403);
      }
      expect(await t.db('standards').where({ ref: '07.98' }).first()).to.equal(undefined);
    });
  });

  describe('POST /api/v1/standards/{ref}/versions', () => {
    let first: { n: number; clauses: Clause[] };

    it('saves a draft from Markdown: 201 with the version JSON and its clauses', async () => {
      const res = await request(t.app).post('/api/v1/standards/07.99/versions').set(...sec).send({ text: FIRST_DRAFT, label: 'First working draft' }).expect(201);
      expect(res.headers.location).to.equal('/api/v1/standards/07.99/versions/1');
      expect(res.body).to.include({ ref: '07.99', n: 1, label: 'First working draft', state: 'draft', based_on: null, text: FIRST_DRAFT, imported: false });
      expect(res.body.sha256).to.match(/^[0-9a-f]{64}$/);
      expect(res.body.clauses.map((c: Clause) => c.ref)).to.deep.equal(['foreword', '1', '2', '2.1', '2.2']);
      expect(res.body.clauses[3]).to.include({ heading: 'Signs', depth: 2, position: 3 });
      first = res.body;
      const stored = await request(t.app).get('/api/v1/standards/07.99/versions/1').set(...sec).expect(200);
      expect(stored.body.clauses).to.deep.equal(res.body.clauses);
      const audit = await t.db('audit_events').where({ action: 'draft.created' }).orderBy('id', 'desc').first();
      expect(JSON.parse(audit.data)).to.include({ ref: '07.99', n: 1, based_on: null });
    });

    it('a new draft is based on the latest version by default; a renumbered clause keeps its key', async () => {
      const res = await request(t.app).post('/api/v1/standards/07.99/versions').set(...sec).send({ text: SECOND_DRAFT }).expect(201);
      expect(res.body).to.include({ n: 2, based_on: 1, label: 'Draft version 2' });
      const key = (cs: Clause[], ref: string) => cs.find((c) => c.ref === ref)!.key;
      const clauses = res.body.clauses as Clause[];
      expect(clauses.find((c) => c.ref === '2.2')!.heading).to.equal('Signs');
      expect(key(clauses, '2.2')).to.equal(key(first.clauses, '2.1')); // Signs: renumbered 2.1 → 2.2
      expect(key(clauses, '2.3')).to.equal(key(first.clauses, '2.2')); // Records: 2.2 → 2.3
      expect(key(clauses, '1')).to.equal(key(first.clauses, '1'));
      expect(first.clauses.map((c) => c.key)).not.to.include(key(clauses, '2.1')); // Fences is new
      // the diff follows the renumbering
      const diff = await request(t.app).get('/api/v1/standards/07.99/diff?from=1&to=2').set(...sec).expect(200);
      expect(diff.body.summary.renumbered.map((r: { from_ref: string }) => r.from_ref)).to.include('2.1');
    });

    it('based_on can be named, or none', async () => {
      const res = await request(t.app).post('/api/v1/standards/07.99/versions').set(...sec).send({ text: SECOND_DRAFT.replace('every 50 m', 'every 25 m'), based_on: 1 }).expect(201);
      expect(res.body.based_on).to.equal(1);
      const none = await request(t.app).post('/api/v1/standards/07.99/versions').set(...sec).send({ text: FIRST_DRAFT.replace('Records', 'Register'), based_on: null }).expect(201);
      expect(none.body.based_on).to.equal(null);
      const unknown = await request(t.app).post('/api/v1/standards/07.99/versions').set(...sec).send({ text: FIRST_DRAFT, based_on: 42 }).expect(422);
      expect(unknown.body.error.fields.based_on).to.contain('no version 42');
    });

    it('malformed Markdown: 422 with the problems by line in fields.text, and nothing saved', async () => {
      const before = await countVersions('07.99');
      const res = await request(t.app).post('/api/v1/standards/07.99/versions').set(...sec).send({ text: BROKEN_DRAFT }).expect(422);
      expect(res.body.error.code).to.equal('validation');
      const lines = String(res.body.error.fields.text).split('\n');
      expect(lines[0]).to.match(/^line 1: Text before the first heading/);
      expect(lines.some((l) => /^line 7: Level skipped/.test(l))).to.equal(true);
      expect(lines.some((l) => /^line 11: Clause 1 appears twice \(first at line 3\)/.test(l))).to.equal(true);
      expect(await countVersions('07.99')).to.equal(before);
      const empty = await request(t.app).post('/api/v1/standards/07.99/versions').set(...sec).send({ text: '' }).expect(422);
      expect(empty.body.error.fields.text).to.contain('empty');
      const missing = await request(t.app).post('/api/v1/standards/07.99/versions').set(...sec).send({}).expect(422);
      expect(missing.body.error.fields).to.have.property('text');
    });

    it('the same text as the version it is based on is refused', async () => {
      const latest = await request(t.app).get('/api/v1/standards/07.99/versions/4').set(...sec).expect(200);
      const res = await request(t.app).post('/api/v1/standards/07.99/versions').set(...sec).send({ text: latest.body.text }).expect(422);
      expect(res.body.error.fields.text).to.contain('same as version 4');
    });

    it('?dry_run=1 returns the clauses with inherited keys and saves nothing', async () => {
      const before = await countVersions('07.99');
      const v2 = await request(t.app).get('/api/v1/standards/07.99/versions/2').set(...sec).expect(200);
      const res = await request(t.app).post('/api/v1/standards/07.99/versions?dry_run=1').set(...sec).send({ text: SECOND_DRAFT.replace('Fences should', 'Fences shall'), based_on: 2 }).expect(200);
      expect(res.body).to.include({ dry_run: true, based_on: 2, ref: '07.99' });
      expect(res.body.clauses.map((c: Clause) => c.key)).to.deep.equal(v2.body.clauses.map((c: Clause) => c.key));
      expect(res.body.changes.verbs).to.deep.include({ anchor: 'change-2.1', from_ref: '2.1', to_ref: '2.1', from: 'should', to: 'shall' });
      expect(await countVersions('07.99')).to.equal(before);
      await request(t.app).post('/api/v1/standards/07.99/versions?dry_run=1').set(...sec).send({ text: BROKEN_DRAFT }).expect(422);
    });

    it('only the secretariat; unknown standard 404; a session needs the CSRF header', async () => {
      await request(t.app).post('/api/v1/standards/07.99/versions').send({ text: FIRST_DRAFT }).expect(401);
      for (const role of ['stakeholder', 'board'] as const) {
        const { auth } = await bearerFor(t, role);
        await request(t.app).post('/api/v1/standards/07.99/versions').set(...auth).send({ text: FIRST_DRAFT }).expect(403);
      }
      await request(t.app).post('/api/v1/standards/99.99/versions').set(...sec).send({ text: FIRST_DRAFT }).expect(404);
      const { agent, csrf } = await agentFor(t, 'secretariat');
      await agent.post('/api/v1/standards/07.99/versions').send({ text: FIRST_DRAFT + '\nMore.\n' }).expect(403);
      await agent.post('/api/v1/standards/07.99/versions').set('x-csrf-token', csrf).send({ text: FIRST_DRAFT + '\nMore.\n' }).expect(201);
    });

    it('there is no route to change a saved text', async () => {
      await request(t.app).put('/api/v1/standards/07.99/versions/1').set(...sec).send({ text: 'x' }).expect(404);
      await request(t.app).patch('/api/v1/standards/07.99/versions/1').set(...sec).send({ text: 'x' }).expect(404);
    });
  });

  describe('POST /api/v1/standards/{ref}/withdraw', () => {
    it('withdraws with a replacement: the standard JSON, pages and audit say so; a second time is 409', async () => {
      await request(t.app).post('/api/v1/standards').set(...sec).send({ type: 'IMAS', number: '07.97', title: 'Old marking rules' }).expect(201);
      await request(t.app).get('/standards/07.97').expect(200); // cache the snapshot of the current revision
      const res = await request(t.app).post('/api/v1/standards/07.97/withdraw').set(...sec).send({ date: '2026-11-20', replaced_by: 'IMAS 07.99' }).expect(200);
      expect(res.body).to.include({ ref: '07.97', withdrawn_on: '2026-11-20', replaced_by: '07.99' });
      const page = await request(t.app).get('/standards/07.97').expect(200);
      expect(page.text).to.contain('Withdrawn on 20 November 2026');
      expect(page.text).to.contain('href="/standards/07.99"');
      const audit = await t.db('audit_events').where({ action: 'standard.withdrawn' }).orderBy('id', 'desc').first();
      expect(JSON.parse(audit.data)).to.deep.equal({ ref: '07.97', withdrawn_on: '2026-11-20', replaced_by: '07.99' });
      const again = await request(t.app).post('/api/v1/standards/07.97/withdraw').set(...sec).send({ date: '2026-11-21' }).expect(409);
      expect(again.body.error.message).to.contain('already withdrawn');
      // a withdrawn standard takes no new drafts
      await request(t.app).post('/api/v1/standards/07.97/versions').set(...sec).send({ text: FIRST_DRAFT }).expect(409);
    });

    it('422 for a bad date or an unknown replacement; 401/403 for others', async () => {
      const badDate = await request(t.app).post('/api/v1/standards/07.99/withdraw').set(...sec).send({ date: '2026-02-30' }).expect(422);
      expect(badDate.body.error.fields).to.have.property('date');
      const unknown = await request(t.app).post('/api/v1/standards/07.99/withdraw').set(...sec).send({ date: '2026-12-01', replaced_by: '99.99' }).expect(422);
      expect(unknown.body.error.fields.replaced_by).to.contain('99.99');
      const itself = await request(t.app).post('/api/v1/standards/07.99/withdraw').set(...sec).send({ date: '2026-12-01', replaced_by: '07.99' }).expect(422);
      expect(itself.body.error.fields).to.have.property('replaced_by');
      await request(t.app).post('/api/v1/standards/07.99/withdraw').send({ date: '2026-12-01' }).expect(401);
      const { auth } = await bearerFor(t, 'board');
      await request(t.app).post('/api/v1/standards/07.99/withdraw').set(...auth).send({ date: '2026-12-01' }).expect(403);
      expect((await request(t.app).get('/api/v1/standards/07.99').expect(200)).body.withdrawn_on).to.equal(null);
    });
  });

  it('the OpenAPI document describes the new paths beside the catalogue', async () => {
    const doc = (await request(t.app).get('/api/v1/openapi.json').expect(200)).body;
    expect(doc.paths['/standards']).to.have.keys('get', 'post');
    expect(doc.paths['/standards/{ref}/versions']).to.have.property('post');
    expect(doc.paths['/standards/{ref}/withdraw']).to.have.property('post');
  });
});
