import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor, csrfFrom } from '../helpers/auth.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';
import { bombDocx, bombXlsx } from '../helpers/zip-bombs.ts';

type App = Awaited<ReturnType<typeof testApp>>;

const csvOf = (n: number) => Buffer.from(`Clause,Type,Comments\n${'4.1,te,A comment\n'.repeat(n)}`);

/** The upload form's action and token, wherever the page puts the token (the action or a field). */
function uploadForm(html: string, path: string): { action: string; csrf: string } {
  const form = (html.match(/<form [^>]*>/g) ?? []).find((f) => f.includes('multipart/form-data') && f.includes(path))!;
  const action = /action="([^"]*)"/.exec(form)![1]!.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
  return { action, csrf: csrfFrom(html) };
}

describe('uploads: zip bombs and oversized sheets are refused early, with a message', () => {
  let t: App;
  let cid: number;
  const comments = async () => Number(((await t.db('comments').where({ consultation_id: cid }).count({ n: '*' }).first()) as { n: number }).n);
  before(async () => {
    t = await testApp();
    cid = await sampleConsultationId(t.db);
  });
  after(() => t.close());

  it('API: 413 for a sheet that unpacks too large (honest or lying sizes), 422 past 5,000 comments, nothing imported; 5,000 are imported', async () => {
    const { auth } = await bearerFor(t, 'stakeholder');
    const before = await comments();
    const send = (buf: Buffer, name: string) => request(t.app).post(`/api/v1/consultations/${cid}/comments/sheet`).set(...auth).attach('sheet', buf, name);
    for (const bomb of [bombXlsx(2_000_000), bombXlsx(2_000_000, { row: '<row/>', declare: 10_000 })]) {
      const res = await send(bomb, 'bomb.xlsx').expect(413);
      expect(res.body.error.code).to.equal('too_large');
      expect(res.body.error.message).to.contain('at most 50 MB');
      expect(res.body.error.fields.sheet).to.equal(res.body.error.message);
    }
    for (const [buf, name] of [[bombXlsx(300_000), 'many.xlsx'], [csvOf(5001), 'many.csv']] as const) {
      const res = await send(buf, name).expect(422);
      expect(res.body.error.message).to.contain('more than 5,000 comments').and.contain('several sheets');
    }
    expect(await comments()).to.equal(before);
    const ok = await send(csvOf(5000), 'full.csv').expect(201);
    expect(ok.body.imported).to.equal(5000);
    expect(await comments()).to.equal(before + 5000);
  });

  it('page: states the caps; a refused sheet brings the form back open with the message (413 and 422)', async () => {
    const { agent } = await agentFor(t, 'stakeholder');
    const page = await agent.get(`/consultations/${cid}`).expect(200);
    expect(page.text).to.contain('One sheet holds at most 5,000 comments: upload a larger set as several sheets.');
    expect(page.text).to.contain('at most 50 MB once unpacked');
    const { action, csrf } = uploadForm(page.text, '/comments/sheet');
    const big = await agent.post(action).field('_csrf', csrf).attach('sheet', bombXlsx(2_000_000), 'bomb.xlsx').expect(413);
    expect(big.text).to.contain('<details class="comment-form" id="sheet-upload" open>');
    expect(big.text).to.match(/role="alert">[^<]*unpacks to more than 50 MB/);
    const many = await agent.post(action).field('_csrf', csrf).attach('sheet', csvOf(5001), 'many.csv').expect(422);
    expect(many.text).to.match(/role="alert">[^<]*more than 5,000 comments/);
  });

  it('the OpenAPI document states the caps and the 413/422 refusals', async () => {
    const doc = (await request(t.app).get('/api/v1/openapi.json').expect(200)).body;
    const sheet = doc.paths['/consultations/{id}/comments/sheet'].post;
    expect(sheet.responses['413'].description).to.contain('unpacks to more than 50 MB');
    expect(sheet.responses['422'].description).to.contain('more than 5,000 comments');
    expect(sheet.requestBody.content['multipart/form-data'].schema.properties.sheet.description).to.contain('several sheets');
    expect(doc.paths['/standards/{ref}/versions'].post.responses['413'].description).to.contain('.docx unpacks to more than 50 MB');
  });

  it('drafts: a Word file that unpacks too large is refused with 413 on the API and on the form', async () => {
    const sec = await agentFor(t, 'secretariat');
    const { auth } = await bearerFor(t, sec.user);
    const bomb = bombDocx(80 * 1024 * 1024);
    const api = await request(t.app).post('/api/v1/standards/07.11/versions').set(...auth).attach('file', bomb, 'bomb.docx').expect(413);
    expect(api.body.error.code).to.equal('too_large');
    expect(api.body.error.fields.file).to.contain('unpacks to more than 50 MB');
    const form = await sec.agent.get('/admin/standards/07.11/drafts/new').expect(200);
    const { action, csrf } = uploadForm(form.text, '/drafts/preview');
    const page = await sec.agent.post(action).field('_csrf', csrf).attach('file', bombDocx(80 * 1024 * 1024, { declare: 20_000 }), 'bomb.docx').expect(413);
    expect(page.text).to.contain('id="file-error"');
    expect(page.text).to.contain('more than its own index declares');
  });
});
