import { expect } from 'chai';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor, createUser, type TestUser } from '../helpers/auth.ts';
import { binary, sampleConsultationId } from '../helpers/consultations.ts';
import { ISO_COLUMNS, readCsv, readXlsx, messages as sheetMessages } from '../../server/consultations/sheets.ts';

/** Issue 11 item 1: an exported sheet uploaded again updates the comments it names, never copies or revives them. */
type App = Awaited<ReturnType<typeof testApp>>;
type Who = { auth: [string, string]; user: TestUser };

describe('comment sheets: a re-uploaded export names its comments (issue 11 item 1)', () => {
  let t: App;
  let cid: number;
  let alice: Who;
  let bob: Who;
  let live: { id: number; reference: string };
  let gone: { id: number; reference: string };
  let bobs: { id: number; reference: string };
  before(async () => {
    t = await testApp();
    cid = await sampleConsultationId(t.db);
    alice = await bearerFor(t, await createUser(t.db, { name: 'Alice Sheet', organisation: 'Sheet NGO' }));
    bob = await bearerFor(t, await createUser(t.db, { name: 'Bob Sheet', organisation: 'Other Body' }));
    const post = (who: Who, body: object) => request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...who.auth).send(body).expect(201);
    live = (await post(alice, { clause: '4.1', type: 'te', comment: 'Alice: live.' })).body;
    gone = (await post(alice, { clause: '4.2', type: 'ed', comment: 'Alice: withdrawn.' })).body;
    bobs = (await post(bob, { clause: '5.1', type: 'ge', comment: 'Bob: his own.' })).body;
    await request(t.app).delete(`/api/v1/comments/${gone.id}`).set(...alice.auth).expect(200);
  });
  after(() => t.close());

  const count = async () => Number((await t.db('comments').where({ consultation_id: cid }).count({ n: '*' }).first())!.n);
  const upload = (who: Who, body: Buffer, name: string) => request(t.app).post(`/api/v1/consultations/${cid}/comments/sheet`).set(...who.auth).attach('sheet', body, name);
  /** The export as CSV rows (header first), as the user downloaded it. */
  const exportCsv = async (who: Who) => parse((await request(t.app).get(`/api/v1/consultations/${cid}/comments.csv`).set(...who.auth).expect(200)).text, { bom: true }) as string[][];
  const col = (name: string) => [...ISO_COLUMNS, 'Reference'].indexOf(name);
  const rowOf = (table: string[][], ref: string) => table.findIndex((r) => r[col('Reference')] === ref);
  const newRow = (text: string) => ['', '', '7.4', '', 'te', text, '', '', '', '', '', '', ''];
  const csv = (table: string[][]) => Buffer.from(stringify(table));

  it('the exported CSV uploaded again with one new row adds exactly one comment; the withdrawn one stays withdrawn', async () => {
    const table = await exportCsv(alice);
    expect(rowOf(table, gone.reference)).to.be.greaterThan(0);
    const before = await count();
    const res = await upload(alice, csv([...table, newRow('A new row.')]), 'export.csv').expect(201);
    expect(res.body).to.include({ added: 1, updated: 0, unchanged: table.length - 1, imported: 1 });
    expect(res.body.comments[0]).to.include({ comment: 'A new row.' });
    expect(await count()).to.equal(before + 1);
    const withdrawn = await request(t.app).get(`/api/v1/comments/${gone.id}`).set(...alice.auth).expect(200);
    expect(withdrawn.body.withdrawn).to.equal(true);
    expect(await t.db('comments').where({ consultation_id: cid, comment: 'Alice: withdrawn.' }).count({ n: '*' }).first()).to.deep.equal({ n: 1 });
  });

  it('the exported XLSX uploaded again with one new row adds exactly one comment', async () => {
    const res = await request(t.app).get(`/api/v1/consultations/${cid}/comments.xlsx`).set(...alice.auth).buffer(true).parse(binary).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as never);
    wb.worksheets[0]!.addRow(newRow('A new XLSX row.'));
    const before = await count();
    const done = await upload(alice, Buffer.from(await wb.xlsx.writeBuffer()), 'export.xlsx').expect(201);
    expect(done.body).to.include({ added: 1, updated: 0 });
    expect(await count()).to.equal(before + 1);
  });

  it('an edited row updates the comment it names', async () => {
    const table = await exportCsv(alice);
    const i = rowOf(table, live.reference);
    table[i]![col('Comments')] = 'Alice: edited in the sheet.';
    table[i]![col('Type of comment')] = 'ed';
    const before = await count();
    const res = await upload(alice, csv(table), 'export.csv').expect(200);
    expect(res.body).to.include({ added: 0, updated: 1, unchanged: table.length - 2 });
    expect(await count()).to.equal(before);
    const now = await request(t.app).get(`/api/v1/comments/${live.id}`).set(...alice.auth).expect(200);
    expect(now.body).to.include({ reference: live.reference, comment: 'Alice: edited in the sheet.', type: 'editorial', withdrawn: false });
    // the same trace as an edit through the form: "edited", and the earlier text kept
    expect(now.body.edited_at).to.be.a('string');
    const earlier = await t.db('comment_revisions').where({ comment_id: live.id }).select('comment');
    expect(earlier.map((r: { comment: string }) => r.comment)).to.deep.equal(['Alice: live.']);
  });

  it('a changed row of a withdrawn comment is refused with its row number; nothing is imported and it stays withdrawn', async () => {
    const table = await exportCsv(alice);
    const i = rowOf(table, gone.reference);
    table[i]![col('Comments')] = 'Alice: back again?';
    const before = await count();
    const res = await upload(alice, csv([...table, newRow('Not imported.')]), 'export.csv').expect(422);
    expect(res.body.error.fields[`row ${i + 1}`]).to.equal(`${gone.reference} is withdrawn and cannot be changed`);
    expect(await count()).to.equal(before);
    const still = await request(t.app).get(`/api/v1/comments/${gone.id}`).set(...alice.auth).expect(200);
    expect(still.body).to.include({ withdrawn: true, comment: 'Alice: withdrawn.' });
  });

  it("a changed row of someone else's comment is refused; a receipt of another consultation is refused", async () => {
    const table = await exportCsv(alice);
    const i = rowOf(table, bobs.reference);
    table[i]![col('Comments')] = 'Alice rewrites Bob.';
    const res = await upload(alice, csv(table), 'export.csv').expect(422);
    expect(res.body.error.fields[`row ${i + 1}`]).to.contain(`${bobs.reference} is not yours`);
    expect((await request(t.app).get(`/api/v1/comments/${bobs.id}`).set(...bob.auth).expect(200)).body.comment).to.equal('Bob: his own.');
    const other = `C-${cid + 1}-1`;
    const foreign = await upload(alice, Buffer.from(`Clause,Type,Comments,Reference\n4.1,te,ok,\n4.1,te,from elsewhere,${other}\n`), 'x.csv').expect(422);
    expect(Object.keys(foreign.body.error.fields)).to.deep.equal(['row 3']);
    expect(foreign.body.error.fields['row 3']).to.contain(`${other} is a comment of another consultation`);
  });

  it('offers the blank template as CSV and XLSX: the header block and the columns, no rows; uploading it says there are no comments', async () => {
    const csvRes = await request(t.app).get(`/api/v1/consultations/${cid}/template.csv`).expect(200);
    expect(csvRes.headers['content-disposition']).to.match(/attachment; filename=".*comment-template.*\.csv"/);
    const rows = parse(csvRes.text, { bom: true, relax_column_count: true }) as string[][];
    expect([rows[0]![0], rows[0]![2], rows[0]![4]]).to.deep.equal(['Date', 'Document', 'Project']);
    expect(rows.at(-1)!.slice(0, ISO_COLUMNS.length)).to.deep.equal([...ISO_COLUMNS]);
    expect(() => readCsv(Buffer.from(csvRes.text))).to.throw(sheetMessages.noRows);
    const xlsx = await request(t.app).get(`/api/v1/consultations/${cid}/template.xlsx`).buffer(true).parse(binary).expect(200);
    let err: unknown;
    await readXlsx(xlsx.body as Buffer).catch((e) => (err = e));
    expect((err as Error).message).to.equal(sheetMessages.noRows);
    const refused = await upload(alice, xlsx.body as Buffer, 'template.xlsx').expect(422);
    expect(refused.body.error.message).to.equal(sheetMessages.noRows);
    await request(t.app).get('/api/v1/consultations/99999/template.csv').expect(404);
  });

  it('the page offers the template beside the export, and its notice says how many were added, updated and unchanged', async () => {
    const { agent, csrf, user } = await agentFor(t, 'stakeholder');
    const page = await agent.get(`/consultations/${cid}`).expect(200);
    for (const href of ['template.xlsx', 'template.csv', 'comments.xlsx', 'comments.csv']) expect(page.text).to.contain(`href="/api/v1/consultations/${cid}/${href}"`);
    const action = `/consultations/${cid}/comments/sheet`;
    const first = await agent.post(action).field('_csrf', csrf).attach('sheet', Buffer.from('Clause,Type,Comments\n4.1,te,Mine on the page.\n'), 'c.csv').expect(303);
    expect(first.headers.location).to.contain('added=1&updated=0&unchanged=0');
    const exported = parse((await agent.get(`/api/v1/consultations/${cid}/comments.csv`).expect(200)).text, { bom: true }) as string[][];
    const mine = (await t.db('comments').where({ consultation_id: cid, author_id: user.id }).first('seq'))!.seq as number;
    const i = rowOf(exported, `C-${cid}-${mine}`);
    exported[i]![col('Comments')] = 'Mine, edited on the page.';
    const again = await agent.post(action).field('_csrf', csrf).attach('sheet', csv([...exported, newRow('Another.')]), 'c.csv').expect(303);
    const shown = await agent.get(again.headers.location).expect(200);
    expect(shown.text).to.contain(`1 comment added, 1 updated, ${exported.length - 2} unchanged`);
    // a withdrawn comment's changed row is refused on the page with its row number
    const table = parse((await agent.get(`/api/v1/consultations/${cid}/comments.csv`).expect(200)).text, { bom: true }) as string[][];
    const j = rowOf(table, gone.reference);
    table[j]![col('Comments')] = 'Revived?';
    const refused = await agent.post(action).field('_csrf', csrf).attach('sheet', csv(table), 'c.csv').expect(422);
    expect(refused.text).to.contain(`<strong>row ${j + 1}</strong>: ${gone.reference} is not yours`);
  });
});
