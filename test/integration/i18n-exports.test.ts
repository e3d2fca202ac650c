/**
 * Files in the reader's language (issue 19), decided per file: the requirements checklist is filled in
 * by hand and never read back, so its headings and words follow the reader's language (as pages: the
 * cookie, the account, Accept-Language); the comment sheets are read back by the import, which finds
 * its columns by their English names, so their headings stay English in every language. The Word
 * redline downloaded from a diff page has its notes and summary in the page's language (the text it
 * compares is the English standard's); the API's stays English.
 */
import { expect } from 'chai';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { testApp } from '../helpers/app.ts';
import { agentFor } from '../helpers/auth.ts';
import { binary, sampleConsultationId } from '../helpers/consultations.ts';
import { partOf } from '../helpers/docx.ts';
import { REDLINE_WORDS } from '../../server/word/redline.ts';
import fs from 'node:fs';
import path from 'node:path';

type App = Awaited<ReturnType<typeof testApp>>;

describe('i18n: exported files', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('the requirements checklist in French (CSV) and Arabic (XLSX); English as before; the file name unchanged', async () => {
    const en = parse((await request(t.app).get('/standards/07.11/requirements.csv').set('Cookie', 'lang=en').expect(200)).text, { bom: true }) as string[][];
    expect(en[0]).to.deep.equal(['ID', 'Clause', 'Clause heading', 'Verb', 'Kind', 'Requirement', 'How we comply']);
    const frRes = await request(t.app).get('/standards/07.11/requirements.csv').set('Accept-Language', 'fr-FR').expect(200);
    expect(frRes.headers['content-disposition']).to.equal('attachment; filename="IMAS-07.11-edition-2-requirements.csv"');
    const fr = parse(frRes.text, { bom: true }) as string[][];
    expect(fr[0]).to.deep.equal(['Identifiant', 'Article', 'Titre de l’article', 'Verbe', 'Nature', 'Disposition', 'Modalités de mise en conformité']);
    // the requirement quoted from the English standard as it is; its kind in French
    const shall = fr.findIndex((r) => r[3] === 'shall');
    expect(fr[shall]![4]).to.equal('exigence');
    expect(fr[shall]![5]).to.equal(en[shall]![5]);
    const res = await request(t.app).get('/standards/07.11/requirements.xlsx?version=2&since=1').set('Cookie', 'lang=ar').buffer(true).parse(binary).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as ArrayBuffer);
    const ws = wb.getWorksheet('الاشتراطات')!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).to.deep.equal(['المعرِّف', 'البند', 'عنوان البند', 'الفعل', 'النوع', 'الحكم', 'كيفية امتثالنا', 'منذ', 'المعرِّف السابق']);
    expect(wb.title).to.match(/^IMAS 07\.11 .* — الإصدار 1، التعديل 1: الاشتراطات$/);
  });

  it('the comment sheet keeps its English headings in French: the import reads its columns by name', async () => {
    const cid = await sampleConsultationId(t.db);
    const { agent } = await agentFor(t, 'secretariat');
    const en = parse((await agent.get(`/api/v1/consultations/${cid}/comments.csv`).set('Cookie', 'lang=en').expect(200)).text, { bom: true }) as string[][];
    const fr = parse((await agent.get(`/api/v1/consultations/${cid}/comments.csv`).set('Cookie', 'lang=fr').expect(200)).text, { bom: true }) as string[][];
    expect(fr[0]).to.deep.equal(en[0]);
    expect(fr[0]).to.include('Clause/Subclause').and.include('Comments');
  });

  it('the Word redline from a diff page in French: its first page, summary and notes in French; the API\'s and the English page\'s as before', async () => {
    const text = async (res: request.Response) => (await partOf(res.body as Buffer)).replace(/<[^>]+>/g, '');
    const en = await text(await request(t.app).get('/standards/07.11/diff/2..3.docx').set('Cookie', 'lang=en').buffer(true).parse(binary).expect(200));
    expect(en).to.contain('Changes from Edition 1 Amendment 1 to Edition 2').and.contain('Summary of changes').and.contain('Requirement verbs');
    const fr = await text(await request(t.app).get('/standards/07.11/diff/2..3.docx').set('Cookie', 'lang=fr').buffer(true).parse(binary).expect(200));
    expect(fr).to.contain('Modifications de Édition 1, amendement 1 à Édition 2').and.contain('Le texte ci-dessous est la version la plus récente');
    for (const english of ['Changes from', 'Summary of changes', 'Requirement verbs', 'tracked change', 'words added']) expect(fr).not.to.contain(english);
    const api = await text(await request(t.app).get('/api/v1/standards/07.11/diff.docx?from=2&to=3').set('Cookie', 'lang=fr').buffer(true).parse(binary).expect(200));
    expect(api).to.equal(en);
    // locales/en/diff.json `redline` is the table itself
    expect(JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../locales/en/diff.json'), 'utf8')).redline).to.deep.equal({ ...REDLINE_WORDS });
  });
});
