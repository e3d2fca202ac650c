import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor, createUser } from '../helpers/auth.ts';
import { binary, laterDraft, sampleConsultationId } from '../helpers/consultations.ts';
import { paragraphsOf, partOf } from '../helpers/docx.ts';
import { ISO_COLUMNS } from '../../server/consultations/sheets.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

async function html(buf: Buffer): Promise<string> {
  const { default: mammoth } = await import('mammoth');
  return (await mammoth.convertToHtml({ buffer: buf })).value;
}

/** Every header part of the .docx, joined. */
async function headers(buf: Buffer): Promise<string> {
  const JSZip = (await import('jszip')).default;
  const zip = await JSZip.loadAsync(buf);
  const names = Object.keys(zip.files).filter((n) => /^word\/header\d*\.xml$/.test(n));
  return (await Promise.all(names.map((n) => zip.file(n)!.async('string')))).join('\n');
}

describe('word documents (issue 20)', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  const get = (path: string, auth?: [string, string]) => {
    const req = request(t.app).get(path);
    return (auth ? req.set(...auth) : req).buffer(true).parse(binary);
  };

  describe('the redline', () => {
    it('GET /api/v1/standards/{ref}/diff.docx: a .docx with the changes as w:ins / w:del, headings, the summary first', async () => {
      const res = await get('/api/v1/standards/07.11/diff.docx?from=1&to=2').expect(200).expect('Content-Type', DOCX);
      expect(res.headers['content-disposition']).to.equal('attachment; filename="IMAS-07.11-v1-to-v2-redline.docx"');
      expect(res.headers['cache-control']).to.equal('private, no-store');
      const paras = paragraphsOf(await partOf(res.body));
      const clause74 = paras.findIndex((p) => p.style?.startsWith('Heading') && p.runs.map((r) => r.text).join('') === '7.4 Buffer zone');
      expect(clause74).to.be.greaterThan(0);
      const body = paras.slice(clause74 + 1, clause74 + 4).flatMap((p) => p.runs);
      expect(body.filter((r) => r.kind === 'del').map((r) => r.text)).to.include('25');
      expect(body.filter((r) => r.kind === 'ins').map((r) => r.text)).to.include('50');
      const text = await html(res.body);
      expect(text.indexOf('Summary of changes')).to.be.greaterThan(-1);
      expect(text).to.contain('25 m → 50 m in 7.4');
      expect(text).to.contain('should → shall in 6.2.1');
      expect(text).to.contain('<h2><a id="c_7_4"></a>7.4 Buffer zone</h2>');
      expect(text).to.contain('<a href="#c_7_4">25 m → 50 m in 7.4</a>');
      expect(text.indexOf('Summary of changes')).to.be.lessThan(text.indexOf('7.4 Buffer zone</h2>'));
    });

    it('moved and renumbered clauses get a Word comment (2 → current)', async () => {
      const res = await get('/api/v1/standards/07.11/diff.docx?from=2&to=current').expect(200);
      const comments = await partOf(res.body, 'word/comments.xml');
      expect(comments).to.match(/Moved: this clause was 5\.|Renumbered: this clause was/);
      expect(await partOf(res.body)).to.contain('<w:commentReference w:id="0"/>');
    });

    it('the HTML route beside the diff page answers the same document, and the diff page links to it', async () => {
      const res = await get('/standards/07.11/diff/1..2.docx').expect(200).expect('Content-Type', DOCX);
      expect(res.headers['content-disposition']).to.equal('attachment; filename="IMAS-07.11-v1-to-v2-redline.docx"');
      expect(await html(res.body)).to.contain('25 m → 50 m in 7.4');
      const page = await request(t.app).get('/standards/07.11/diff/1..2').expect(200);
      expect(page.text).to.contain('href="/standards/07.11/diff/1..2.docx"');
      await get('/standards/07.11/diff/1-2.docx').expect(400);
    });

    it('errors as the diff: missing or equal ends 400, unknown version 404', async () => {
      const missing = await request(t.app).get('/api/v1/standards/07.11/diff.docx?from=1').expect(400);
      expect(missing.body.error.fields).to.have.property('to');
      await request(t.app).get('/api/v1/standards/07.11/diff.docx?from=1&to=1').expect(400);
      await request(t.app).get('/api/v1/standards/07.11/diff.docx?from=1&to=99').expect(404);
      await request(t.app).get('/api/v1/standards/99.99/diff.docx?from=1&to=2').expect(404);
    });

    it('a draft under consultation is public (marked DRAFT); an unreleased draft only for the Board and the secretariat', async () => {
      const consulted = await get('/api/v1/standards/07.11/diff.docx?from=current&to=4').expect(200);
      expect(await html(consulted.body)).to.contain('DRAFT — not for use');
      const { n } = await laterDraft(t.db);
      const path = `/api/v1/standards/07.11/diff.docx?from=4&to=${n}`;
      const statuses: Record<string, number> = {};
      statuses.anonymous = (await get(path)).status;
      for (const role of ['stakeholder', 'board', 'secretariat'] as const) statuses[role] = (await get(path, (await bearerFor(t, role)).auth)).status;
      expect(statuses).to.deep.equal({ anonymous: 404, stakeholder: 404, board: 200, secretariat: 200 });
      await get(`/standards/07.11/diff/4..${n}.docx`).expect(404);
      const board = await get(path, (await bearerFor(t, 'board')).auth).expect(200);
      const ins = paragraphsOf(await partOf(board.body)).flatMap((p) => p.runs.filter((r) => r.kind === 'ins').map((r) => r.text));
      expect(ins.join(' ')).to.contain('Governments shall designate a national mine action authority');
    });
  });

  describe('the clean edition', () => {
    it('GET /api/v1/standards/{ref}/versions/{n}.docx: designation, edition, dates and the uncontrolled warning in the header', async () => {
      const res = await get('/api/v1/standards/07.11/versions/3.docx').expect(200).expect('Content-Type', DOCX);
      expect(res.headers['content-disposition']).to.equal('attachment; filename="IMAS-07.11-Edition-2.docx"');
      const head = await headers(res.body);
      expect(head).to.contain('IMAS 07.11 — Edition 2');
      expect(head).to.contain('Published 3 November 2025 · in force from 16 January 2026');
      expect(head).to.contain('Uncontrolled when printed — check the current edition online: ');
      expect(head).to.contain('/standards/07.11');
      const text = await html(res.body);
      expect(text).to.match(/<h1>1 Scope<\/h1>/);
      expect(text).to.match(/<h2>3\.1 all reasonable effort<\/h2>/);
      expect(text).to.contain('<li>IMAS 04.10, Glossary of mine action terms, definitions and abbreviations</li>');
      expect(text).to.contain('Sample text, not the official standard.');
      expect(text).not.to.contain('## '); // Markdown read, not copied
    });

    it('"current" works; a superseded edition says until when it was in force; the version page links to it', async () => {
      await get('/api/v1/standards/07.11/versions/current.docx').expect(200);
      const old = await get('/api/v1/standards/07.11/versions/1.docx').expect(200);
      expect(await headers(old.body)).to.match(/in force from .* to /);
      const page = await request(t.app).get('/standards/07.11/versions/3').expect(200);
      expect(page.text).to.contain('href="/api/v1/standards/07.11/versions/3.docx"');
    });

    it('a draft has none: 409 (and no link on its page); an unknown or hidden version 404', async () => {
      const res = await request(t.app).get('/api/v1/standards/07.11/versions/4.docx').expect(409);
      expect(res.body.error.message).to.contain('not published');
      const page = await request(t.app).get('/standards/07.11/versions/4').expect(200);
      expect(page.text).not.to.contain('versions/4.docx');
      await request(t.app).get('/api/v1/standards/07.11/versions/99.docx').expect(404);
      await request(t.app).get('/api/v1/standards/07.11/versions/x.docx').expect(400);
    });
  });

  describe('the comment report', () => {
    let cid: number;
    before(async () => {
      cid = await sampleConsultationId(t.db);
      const alice = await bearerFor(t, await createUser(t.db, { name: 'Alice Word', organisation: 'Word NGO' }));
      await request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...alice.auth).send({ clause: '7.4', paragraph: 'Table 1', type: 'te', comment: 'A buffer of 50 m is too small.', proposed_change: 'Use 100 m.' }).expect(201);
    });

    it('GET /api/v1/consultations/{id}/comments.docx: the ISO template table, landscape, as visible as the CSV', async () => {
      const stakeholder = (await bearerFor(t, 'stakeholder')).auth;
      const res = await get(`/api/v1/consultations/${cid}/comments.docx`, stakeholder).expect(200).expect('Content-Type', DOCX);
      expect(res.headers['content-disposition']).to.equal(`attachment; filename="IMAS-07.11-v4-comments-C-${cid}.docx"`);
      const xml = await partOf(res.body);
      expect(xml).to.match(/<w:pgSz [^>]*w:orient="landscape"/);
      const w = Number(/<w:pgSz [^>]*w:w="(\d+)"/.exec(xml)![1]);
      const h = Number(/<w:pgSz [^>]*w:h="(\d+)"/.exec(xml)![1]);
      expect(w).to.be.greaterThan(h);
      expect(xml.match(/<w:tblHeader\/>/g)).to.have.length(1); // the header row repeats on every page, only it
      const text = await html(res.body);
      for (const col of ISO_COLUMNS) expect(text).to.contain(`<p><strong>${col}</strong></p>`);
      const row = text.split('<tr>').find((r) => r.includes('A buffer of 50 m is too small.'))!;
      expect(row).to.contain('Word NGO');
      expect(row).to.contain('7.4');
      expect(row).to.contain('Table 1');
      expect(row).to.contain('te');
      expect(row).to.contain('Use 100 m.');
    });

    it('the same permissions as comments.csv (the public waits for the report), and the filters', async () => {
      for (const ext of ['csv', 'docx']) await request(t.app).get(`/api/v1/consultations/${cid}/comments.${ext}`).expect(409);
      const board = (await bearerFor(t, 'board')).auth;
      const filtered = await get(`/api/v1/consultations/${cid}/comments.docx?clause=1`, board).expect(200);
      expect(await html(filtered.body)).not.to.contain('A buffer of 50 m is too small.');
      await request(t.app).get('/api/v1/consultations/999999/comments.docx').set(...board).expect(404);
    });

    it('the consultation page and the matrix link to it', async () => {
      const { agent } = await agentFor(t, 'stakeholder');
      const page = await agent.get(`/consultations/${cid}`).expect(200);
      expect(page.text).to.contain(`href="/api/v1/consultations/${cid}/comments.docx"`);
      const matrix = await agent.get(`/consultations/${cid}/comments`).expect(200);
      expect(matrix.text).to.contain(`href="/api/v1/consultations/${cid}/comments.docx"`);
    });
  });
});
