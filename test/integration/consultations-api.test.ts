import { expect } from 'chai';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { testApp } from '../helpers/app.ts';
import { bearerFor, createUser, type TestUser } from '../helpers/auth.ts';
import { binary, laterDraft, SAMPLE, sampleConsultationId } from '../helpers/consultations.ts';
import { ISO_COLUMNS } from '../../server/consultations/sheets.ts';

type App = Awaited<ReturnType<typeof testApp>>;

describe('consultations API', () => {
  let t: App;
  let cid: number;
  let sec: { auth: [string, string]; user: TestUser };
  let alice: { auth: [string, string]; user: TestUser };
  let bob: { auth: [string, string]; user: TestUser };
  before(async () => {
    t = await testApp();
    cid = await sampleConsultationId(t.db);
    sec = await bearerFor(t, 'secretariat');
    alice = await bearerFor(t, await createUser(t.db, { name: 'Alice Ndiaye', organisation: 'Demining NGO' }));
    bob = await bearerFor(t, await createUser(t.db, { name: 'Bob Lee', organisation: 'National Authority' }));
  });
  after(() => t.close());

  const post = (path: string, who: { auth: [string, string] }, body: object) => request(t.app).post(path).set(...who.auth).send(body);
  const comment = (who: { auth: [string, string] }, body: object) => post(`/api/v1/consultations/${cid}/comments`, who, body);

  it('lists consultations with their state and gets one', async () => {
    const list = await request(t.app).get('/api/v1/consultations').expect(200);
    const c = list.body.consultations.find((x: { id: number }) => x.id === cid);
    expect(c).to.include({ ref: '07.11', designation: 'IMAS 07.11', n: 4, state: 'open', opens_at: SAMPLE.opens_at, closes_at: SAMPLE.closes_at });
    const one = await request(t.app).get(`/api/v1/consultations/${cid}`).expect(200);
    expect(one.body.instructions).to.contain('Comment on a clause');
    await request(t.app).get('/api/v1/consultations/99999').expect(404);
  });

  it('submits a comment on a clause and gives a receipt', async () => {
    const res = await comment(alice, { clause: '7.4', paragraph: 'second sentence', type: 'te', comment: 'The buffer should be 100 m everywhere.', proposed_change: 'Replace 50 m by 100 m.' }).expect(201);
    expect(res.body.reference).to.match(new RegExp(`^C-${cid}-\\d+$`));
    expect(res.body).to.deep.include({ clause: '7.4', type: 'technical', paragraph: 'second sentence', withdrawn: false, disposition: null, author: { name: 'Alice Ndiaye', organisation: 'Demining NGO' } });
    expect(res.body.clause_key).to.be.a('string');
    expect(res.headers.location).to.equal(`/api/v1/comments/${res.body.id}`);
    const general = await comment(alice, { clause: null, type: 'general', comment: 'Good draft overall.' }).expect(201);
    expect(general.body.clause).to.equal(null);
    expect(Number(general.body.reference.split('-')[2])).to.equal(Number(res.body.reference.split('-')[2]) + 1);
  });

  it('refuses bad comments with 422 naming the field', async () => {
    const noClause = await comment(alice, { clause: '12.9', type: 'te', comment: 'x' }).expect(422);
    expect(noClause.body.error.fields.clause).to.contain('no clause 12.9');
    const bad = await comment(alice, { clause: '4.1', type: 'urgent', comment: '' }).expect(422);
    expect(bad.body.error.fields).to.have.keys('type', 'comment');
    const extra = await comment(alice, { clause: '4.1', type: 'te', comment: 'x', author_id: 1 }).expect(422);
    expect(extra.body.error.code).to.equal('validation');
  });

  it('permissions: anonymous 401, unverified 403, on-behalf only for the secretariat, management only for the secretariat', async () => {
    await request(t.app).post(`/api/v1/consultations/${cid}/comments`).send({ clause: '1', type: 'ed', comment: 'x' }).expect(401);
    const unverified = await bearerFor(t, 'stakeholder', { verified: false });
    const r = await comment(unverified, { clause: '1', type: 'ed', comment: 'x' }).expect(403);
    expect(r.body.error.message).to.contain('Confirm your e-mail address');
    await comment(alice, { clause: '1', type: 'ed', comment: 'x', on_behalf_of: 'UNDP' }).expect(403);
    const mailed = await comment(sec, { clause: '6.2.4', type: 'te', comment: 'Received by e-mail.', on_behalf_of: { organisation: 'UNDP', name: 'J. Smith' } }).expect(201);
    expect(mailed.body).to.deep.include({ author: { name: 'J. Smith', organisation: 'UNDP' }, entered_on_behalf: true });
    for (const who of [alice, await bearerFor(t, 'board')]) {
      await request(t.app).patch(`/api/v1/consultations/${cid}`).set(...who.auth).send({ close: true }).expect(403);
      await post(`/api/v1/standards/07.11/versions/4/consultations`, who, { closes_at: '2027-12-01T00:00:00Z' }).expect(403);
    }
  });

  it('the author edits and withdraws their own comment while open; others cannot', async () => {
    const c = (await comment(alice, { clause: '5.1', type: 'ed', comment: 'Typo in line 2.' }).expect(201)).body;
    const edited = await request(t.app).patch(`/api/v1/comments/${c.id}`).set(...alice.auth).send({ comment: 'Two typos in line 2.', clause: '5.2' }).expect(200);
    expect(edited.body).to.include({ comment: 'Two typos in line 2.', clause: '5.2', reference: c.reference });
    await request(t.app).patch(`/api/v1/comments/${c.id}`).set(...bob.auth).send({ comment: 'hijack' }).expect(404);
    await request(t.app).delete(`/api/v1/comments/${c.id}`).set(...bob.auth).expect(404);
    await request(t.app).patch(`/api/v1/comments/${c.id}`).set(...sec.auth).send({ comment: 'hijack' }).expect(403);
    const gone = await request(t.app).delete(`/api/v1/comments/${c.id}`).set(...alice.auth).expect(200);
    expect(gone.body.withdrawn).to.equal(true);
    await request(t.app).delete(`/api/v1/comments/${c.id}`).set(...alice.auth).expect(409);
    // a withdrawn comment stays in the record, marked so
    const all = await request(t.app).get(`/api/v1/consultations/${cid}/comments`).set(...bob.auth).expect(200);
    expect(all.body.comments.find((x: { id: number }) => x.id === c.id)).to.include({ withdrawn: true });
  });

  it('the secretariat records dispositions while open; the author can no longer edit', async () => {
    const c = (await comment(bob, { clause: '8.2', type: 'te', comment: 'Depth should depend on the threat.' }).expect(201)).body;
    await request(t.app).patch(`/api/v1/comments/${c.id}`).set(...bob.auth).send({ disposition: 'accepted' }).expect(403);
    const noReason = await request(t.app).patch(`/api/v1/comments/${c.id}`).set(...sec.auth).send({ disposition: 'rejected' }).expect(422);
    expect(noReason.body.error.fields).to.have.key('response');
    const d = await request(t.app).patch(`/api/v1/comments/${c.id}`).set(...sec.auth).send({ disposition: 'partially_accepted', response: 'Depth now by threat, minimum kept.' }).expect(200);
    expect(d.body).to.include({ disposition: 'partially_accepted', response: 'Depth now by threat, minimum kept.' });
    const locked = await request(t.app).patch(`/api/v1/comments/${c.id}`).set(...bob.auth).send({ comment: 'changed my mind' }).expect(409);
    expect(locked.body.error.message).to.contain('disposition');
    await request(t.app).delete(`/api/v1/comments/${c.id}`).set(...bob.auth).expect(409);
    const events = await t.db('audit_events').where({ subject_type: 'comment', subject_id: String(c.id) }).pluck('action');
    expect(events).to.deep.equal(['comment.submitted', 'comment.disposed']);
  });

  it('filters the matrix by clause, type, organisation and disposition', async () => {
    const get = async (q: string) => (await request(t.app).get(`/api/v1/consultations/${cid}/comments?${q}`).set(...bob.auth).expect(200)).body.comments as Array<Record<string, unknown>>;
    expect((await get('clause=7.4')).every((c) => c.clause === '7.4')).to.equal(true);
    expect((await get('clause=6')).map((c) => c.clause)).to.include('6.2.4');
    expect((await get('clause=general')).every((c) => c.clause === null)).to.equal(true);
    expect((await get('type=te')).every((c) => c.type === 'technical')).to.equal(true);
    expect((await get('organisation=UNDP')).map((c) => c.author)).to.deep.equal([{ name: 'J. Smith', organisation: 'UNDP' }]);
    expect((await get('disposition=partially_accepted'))).to.have.length(1);
    expect((await get('disposition=none')).every((c) => c.disposition === null)).to.equal(true);
  });

  it('the public sees the comments only in the report after the close', async () => {
    const early = await request(t.app).get(`/api/v1/consultations/${cid}/comments`).expect(409);
    expect(early.body.error.message).to.contain('after the close');
  });

  it('exports CSV and XLSX in ISO template column order, read back by real parsers', async () => {
    await comment(alice, { clause: '9.1', type: 'ed', comment: '=HYPERLINK("http://x.example","y")', proposed_change: '@cmd' }).expect(201);
    const csv = await request(t.app).get(`/api/v1/consultations/${cid}/comments.csv`).set(...bob.auth).expect(200).expect('Content-Type', /text\/csv/);
    // The standard, the draft, the consultation and the day of the export (issue 18 item 2).
    expect(csv.headers['content-disposition']).to.match(/attachment; filename="IMAS-07\.11-v4-comments-C-\d+-\d{4}-\d{2}-\d{2}\.csv"/);
    const table = parse(csv.text, { bom: true }) as string[][];
    expect(table[0]!.slice(0, 8)).to.deep.equal([...ISO_COLUMNS]);
    const row = table.find((r) => r[2] === '9.1')!;
    expect(row[5]).to.equal('\'=HYPERLINK("http://x.example","y")');
    expect(row[6]).to.equal("'@cmd");
    const disposed = table.find((r) => r[2] === '8.2')!;
    expect(disposed[7]).to.equal('Partially accepted. Depth now by threat, minimum kept.');
    const xlsx = await request(t.app).get(`/api/v1/consultations/${cid}/comments.xlsx`).set(...bob.auth).buffer(true).parse(binary).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as never);
    const ws = wb.worksheets[0]!;
    expect((ws.getRow(3).values as unknown[]).slice(1, 9)).to.deep.equal([...ISO_COLUMNS]);
    expect(ws.rowCount - 3).to.equal(table.length - 1);
  });

  it('imports a good sheet, and nothing of a sheet with rows that cannot be placed', async () => {
    const before = (await t.db('comments').count({ n: '*' }).first())!.n;
    const bad = 'MB/NC,Line number,Clause/Subclause,Paragraph/Figure/Table,Type of comment,Comments,Proposed change\nUNICEF,,4.1,,te,Fine,\nUNICEF,,99.9,,te,No such clause,\nUNICEF,,5.1,,xx,Bad type,\nUNICEF,,5.1,,ed,,\n';
    const r1 = await request(t.app).post(`/api/v1/consultations/${cid}/comments/sheet`).set(...sec.auth).attach('sheet', Buffer.from(bad), 'comments.csv').expect(422);
    expect(r1.body.error.message).to.contain('3 rows');
    expect(r1.body.error.fields).to.have.keys('row 3', 'row 4', 'row 5');
    expect(r1.body.error.fields['row 3']).to.contain('no clause 99.9');
    expect((await t.db('comments').count({ n: '*' }).first())!.n).to.equal(before);
    // the same as XLSX, corrected
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Template');
    ws.addRow(['Date', '2026-11-23', 'Document', 'IMAS 07.11']);
    ws.addRow(['MB/NC', 'Line number', 'Clause/Subclause', 'Paragraph/Figure/Table', 'Type of comment', 'Comments', 'Proposed change', 'Observations of the Secretariat']);
    ws.addRow(['UNICEF', '', '4.1', '', 'te', 'Fine', '', '']);
    ws.addRow(['UNICEF', 12, 'A.1', '', 'ed', 'Annex clause', '', '']);
    ws.addRow(['MAG', '', 'Foreword', '', 'ge', 'General remark', 'Shorten it.', '']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const annex = await t.db('clauses as c').join('versions as v', 'v.id', 'c.version_id').join('standards as s', 's.id', 'v.standard_id').where({ 's.ref': '07.11', 'v.n': 4 }).where('c.ref', 'like', 'annex-a%').first('c.ref');
    if (!annex) ws.getRow(4).getCell(3).value = '1';
    const ok = await request(t.app).post(`/api/v1/consultations/${cid}/comments/sheet`).set(...sec.auth).attach('sheet', annex ? buf : Buffer.from(await wb.xlsx.writeBuffer()), 'comments.xlsx').expect(201);
    expect(ok.body.imported).to.equal(3);
    expect(ok.body.comments.map((c: { author: { organisation: string } }) => c.author.organisation)).to.deep.equal(['UNICEF', 'UNICEF', 'MAG']);
    expect(ok.body.comments[2]).to.include({ clause: 'foreword', type: 'general', proposed_change: 'Shorten it.' });
    // a stakeholder's sheet is theirs, whatever its MB/NC column says
    const mine = await request(t.app).post(`/api/v1/consultations/${cid}/comments/sheet`).set(...alice.auth).attach('sheet', Buffer.from('MB/NC,Clause,Type,Comments\nSomeone Else,1,ed,Mine\n'), 'mine.csv').expect(201);
    expect(mine.body.comments[0].author).to.deep.equal({ name: 'Alice Ndiaye', organisation: 'Demining NGO' });
    await request(t.app).post(`/api/v1/consultations/${cid}/comments/sheet`).set(...alice.auth).attach('sheet', Buffer.from('hello'), 'x.pdf').expect(422);
    await request(t.app).post(`/api/v1/consultations/${cid}/comments/sheet`).set(...alice.auth).attach('sheet', Buffer.alloc(6 * 1024 * 1024, 65), 'big.csv').expect(413);
  });

  it('follows comments onto a later draft (?version=n): renumbered, changed, removed, with a link to the change', async () => {
    const c41 = (await comment(alice, { clause: '4.1', type: 'te', comment: 'NMAA duties.' }).expect(201)).body;
    const c74 = (await comment(alice, { clause: '7.4', type: 'te', comment: 'Buffer.' }).expect(201)).body;
    const c94 = (await comment(alice, { clause: '9.4', type: 'te', comment: 'Liability.' }).expect(201)).body;
    const { n } = await laterDraft(t.db);
    // a later draft not yet out for consultation is for the Board and the secretariat
    await request(t.app).get(`/api/v1/consultations/${cid}/comments?version=${n}`).set(...bob.auth).expect(404);
    const res = await request(t.app).get(`/api/v1/consultations/${cid}/comments?version=${n}`).set(...sec.auth).expect(200);
    expect(res.body.mapped_to).to.include({ n, diff: `/standards/07.11/diff/4..${n}` });
    const loc = (id: number) => res.body.comments.find((x: { id: number }) => x.id === id).location;
    expect(loc(c41.id)).to.include({ was_ref: '4.1', now_ref: '4.2', note: 'was 4.1, now 4.2', change_anchor: 'change-4.2' });
    expect(loc(c74.id)).to.include({ now_ref: '7.4', status: 'changed', note: 'clause changed since this comment' });
    expect(loc(c94.id)).to.include({ status: 'removed', note: 'clause removed', change_anchor: 'change-removed-9.4' });
    await request(t.app).get(`/api/v1/consultations/${cid}/comments?version=1`).set(...sec.auth).expect(422);
    await request(t.app).get(`/api/v1/consultations/${cid}/comments?version=x`).set(...bob.auth).expect(400);
  });

  it('deadlines at their boundary: open until the last millisecond, 409 and nothing written from closes_at', async () => {
    t.clock.set('2027-06-30T23:59:58.999Z');
    const last = await comment(alice, { clause: '1', type: 'ed', comment: 'Just in time.' }).expect(201);
    t.clock.set(SAMPLE.closes_at);
    const count = (await t.db('comments').count({ n: '*' }).first())!.n;
    const late = await comment(alice, { clause: '1', type: 'ed', comment: 'Too late.' }).expect(409);
    expect(late.body.error.message).to.contain('closed on 30 June 2027 23:59 UTC');
    await request(t.app).patch(`/api/v1/comments/${last.body.id}`).set(...alice.auth).send({ comment: 'edit' }).expect(409);
    await request(t.app).delete(`/api/v1/comments/${last.body.id}`).set(...alice.auth).expect(409);
    await request(t.app).post(`/api/v1/consultations/${cid}/comments/sheet`).set(...alice.auth).attach('sheet', Buffer.from('Clause,Type,Comments\n1,ed,Late\n'), 'late.csv').expect(409);
    expect((await t.db('comments').count({ n: '*' }).first())!.n).to.equal(count);
    // dispositions go on after the close; the report is now public
    await request(t.app).patch(`/api/v1/comments/${last.body.id}`).set(...sec.auth).send({ disposition: 'noted' }).expect(200);
    const report = await request(t.app).get(`/api/v1/consultations/${cid}/comments`).expect(200);
    expect(report.body.consultation.state).to.equal('closed');
    expect(report.body.comments.length).to.equal(Number(count));
    await request(t.app).patch(`/api/v1/consultations/${cid}`).set(...sec.auth).send({ closes_at: '2027-12-31T00:00:00Z' }).expect(409);
    t.clock.set('2026-11-23T12:00:00.000Z');
  });
});

describe('consultations API: opening, extending, closing early, cancelling', () => {
  let t: App;
  let sec: { auth: [string, string] };
  before(async () => {
    t = await testApp();
    sec = await bearerFor(t, 'secretariat');
  });
  after(() => t.close());
  const revision = async () => (await t.db('standards').where({ ref: '07.11' }).first('revision')).revision as number;

  it('opens one consultation at a time on a draft, only on a draft, and makes the draft public when it opens', async () => {
    const { n } = await laterDraft(t.db);
    await request(t.app).get(`/api/v1/standards/07.11/versions/${n}`).expect(404);
    await request(t.app).post('/api/v1/standards/07.11/versions/3/consultations').set(...sec.auth).send({ closes_at: '2027-01-01T00:00:00Z' }).expect(409);
    await request(t.app).post('/api/v1/standards/07.11/versions/4/consultations').set(...sec.auth).send({ closes_at: '2027-01-01T00:00:00Z' }).expect(409);
    const past = await request(t.app).post(`/api/v1/standards/07.11/versions/${n}/consultations`).set(...sec.auth).send({ opens_at: '2026-12-01T00:00', closes_at: '2026-11-30T00:00' }).expect(422);
    expect(past.body.error.fields).to.have.key('closes_at');
    const rev = await revision();
    const res = await request(t.app).post(`/api/v1/standards/07.11/versions/${n}/consultations`).set(...sec.auth).send({ opens_at: '2026-12-01T00:00', closes_at: '2027-03-01T00:00', instructions: 'Second round.' }).expect(201);
    expect(res.body).to.include({ state: 'scheduled', opens_at: '2026-12-01T00:00:00.000Z', closes_at: '2027-03-01T00:00:00.000Z', n });
    expect(await revision()).to.equal(rev + 1);
    await request(t.app).post(`/api/v1/standards/07.11/versions/${n}/consultations`).set(...sec.auth).send({ closes_at: '2027-04-01T00:00:00Z' }).expect(409);
    await request(t.app).get(`/api/v1/standards/07.11/versions/${n}`).expect(404);
    await request(t.app).post(`/api/v1/consultations/${res.body.id}/comments`).set(...(await bearerFor(t, 'stakeholder')).auth).send({ clause: '1', type: 'ed', comment: 'early' }).expect(409);
    t.clock.set('2026-12-01T00:00:00.000Z');
    await request(t.app).get(`/api/v1/standards/07.11/versions/${n}`).expect(200);
    t.clock.set('2026-11-23T12:00:00.000Z');
  });

  it('extends, closes early (closes_at = now) and cancels, each bumping the revision and audited', async () => {
    const id = (await t.db('consultations').orderBy('id').first('id')).id as number;
    const rev = await revision();
    const ext = await request(t.app).patch(`/api/v1/consultations/${id}`).set(...sec.auth).send({ closes_at: '2027-09-30T23:59:59Z' }).expect(200);
    expect(ext.body.closes_at).to.equal('2027-09-30T23:59:59.000Z');
    await request(t.app).patch(`/api/v1/consultations/${id}`).set(...sec.auth).send({ close: true, cancel: true }).expect(422);
    await request(t.app).patch(`/api/v1/consultations/${id}`).set(...sec.auth).send({ opens_at: '2027-01-01T00:00:00Z' }).expect(409);
    const closed = await request(t.app).patch(`/api/v1/consultations/${id}`).set(...sec.auth).send({ close: true }).expect(200);
    expect(closed.body).to.include({ state: 'closed', closes_at: '2026-11-23T12:00:00.000Z' });
    await request(t.app).patch(`/api/v1/consultations/${id}`).set(...sec.auth).send({ cancel: true }).expect(409);
    expect(await revision()).to.equal(rev + 2);
    const actions = await t.db('audit_events').where({ subject_type: 'consultation', subject_id: String(id) }).pluck('action');
    expect(actions).to.deep.equal(['consultation.extended', 'consultation.closed']);
    const scheduled = (await t.db('consultations').orderBy('id', 'desc').first('id')).id as number;
    const cancelled = await request(t.app).patch(`/api/v1/consultations/${scheduled}`).set(...sec.auth).send({ cancel: true }).expect(200);
    expect(cancelled.body.state).to.equal('cancelled');
  });
});

describe('consultations API: many submissions at once', () => {
  let t: App;
  after(() => t.close());

  it('writes every comment once, with consecutive receipt numbers and an unbroken audit chain', async () => {
    t = await testApp();
    const cid = await sampleConsultationId(t.db);
    const users = await Promise.all(Array.from({ length: 5 }, () => bearerFor(t, 'stakeholder')));
    const sent = await Promise.all(
      Array.from({ length: 60 }, (_, i) => request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...users[i % 5]!.auth).send({ clause: i % 2 ? '4.1' : null, type: 'ed', comment: `comment ${i}` })),
    );
    expect(sent.map((r) => r.status).every((s) => s === 201)).to.equal(true);
    const refs = sent.map((r) => r.body.reference as string);
    expect(new Set(refs).size).to.equal(60);
    const seqs = (await t.db('comments').where({ consultation_id: cid }).orderBy('seq').pluck('seq')) as number[];
    expect(seqs).to.deep.equal(Array.from({ length: 60 }, (_, i) => i + 1));
    const { verifyChain } = await import('../../server/audit/service.ts');
    expect((await verifyChain(t.db)).ok).to.equal(true);
    expect(await t.db('audit_events').where({ action: 'comment.submitted' }).count({ n: '*' }).first()).to.deep.equal({ n: 60 });
  });
});
