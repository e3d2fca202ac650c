import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor } from '../helpers/auth.ts';
import { BROKEN_DRAFT, FIRST_DRAFT, SECOND_DRAFT, makeDocx } from '../helpers/drafts.ts';

const hidden = (html: string, name: string) => {
  const m = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(html);
  return m ? m[1]!.replace(/&#x([0-9A-F]+);/gi, (_a, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#(\d+);/g, (_a, d: string) => String.fromCharCode(Number(d))) : null;
};

describe('drafts pages: the secretariat adds standards and drafts', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let sec: Awaited<ReturnType<typeof agentFor>>;
  before(async () => {
    t = await testApp();
    sec = await agentFor(t, 'secretariat');
  });
  after(() => t.close());

  it('admin pages are for the secretariat only', async () => {
    await request(t.app).get('/admin/standards').expect(303).expect('location', /^\/login/);
    for (const role of ['stakeholder', 'board'] as const) {
      const { agent } = await agentFor(t, role);
      await agent.get('/admin/standards').expect(403);
      await agent.get('/admin/standards/07.11/drafts/new').expect(403);
    }
    const page = await sec.agent.get('/admin/standards').expect(200);
    expect(page.text).to.contain('href="/admin/standards/07.11/drafts/new"');
    expect(page.text).to.contain('href="/admin"'); // the header link to the secretariat's desk
  });

  it('adds a standard through the form; bad input re-renders with messages beside the fields and the input kept', async () => {
    const bad = await sec.agent.post('/admin/standards').type('form').send({ _csrf: sec.csrf, type: 'IMAS', number: '7.5', title: 'Kept title' }).expect(422);
    expect(bad.text).to.contain('id="number-error"');
    expect(bad.text).to.contain('written like 07.11');
    expect(bad.text).to.contain('value="Kept title"');
    const dup = await sec.agent.post('/admin/standards').type('form').send({ _csrf: sec.csrf, type: 'IMAS', number: '07.11', title: 'Again' }).expect(409);
    expect(dup.text).to.contain('already in the catalogue');
    const ok = await sec.agent.post('/admin/standards').type('form').send({ _csrf: sec.csrf, type: 'IMAS', number: '07.99', title: 'Marking of hazardous areas' }).expect(303);
    expect(ok.headers.location).to.equal('/admin/standards/07.99?done=added');
    const page = await sec.agent.get(ok.headers.location).expect(200);
    expect(page.text).to.contain('IMAS 07.99 was added');
    expect(page.text).to.contain('href="/admin/standards/07.99/drafts/new"');
  });

  it('preview of a pasted draft: clause tree with word counts, nothing saved until confirmed; then the draft page', async () => {
    const form = await sec.agent.get('/admin/standards/07.99/drafts/new').expect(200);
    expect(form.text).to.contain('enctype="multipart/form-data"');
    // the CSRF token in the multipart body, never in the action URL (issue 9)
    expect(form.text).to.contain(`action="/admin/standards/07.99/drafts/preview"`);
    expect(form.text).not.to.match(/action="[^"]*_csrf/);
    const preview = await sec.agent.post('/admin/standards/07.99/drafts/preview').field('_csrf', sec.csrf).field('text', FIRST_DRAFT).field('label', 'Working draft 1').field('based_on', 'none').expect(200);
    expect(preview.text).to.contain('5 clauses');
    expect(preview.text).to.match(/<span class="clause-number">2\.1<\/span> Signs <span class="note">16 words/);
    expect(await t.db('versions').whereIn('standard_id', t.db('standards').select('id').where({ ref: '07.99' })).count({ n: '*' }).first()).to.deep.equal({ n: 0 });
    const text = hidden(preview.text, 'text');
    expect(text).to.equal(FIRST_DRAFT);
    const saved = await sec.agent.post('/admin/standards/07.99/drafts').type('form').send({ _csrf: sec.csrf, text: text!.replace(/\n/g, '\r\n'), label: 'Working draft 1', based_on: 'none' }).expect(303);
    expect(saved.headers.location).to.equal('/admin/standards/07.99?done=draft&n=1'); // issue 11 item 8: the next steps
    const v = (await request(t.app).get('/api/v1/standards/07.99/versions/1').set(...(await bearerFor(t, sec.user)).auth).expect(200)).body;
    expect(v.text).to.equal(FIRST_DRAFT); // line ends as given, not the browser's CRLF
    // the second draft: renumbered clauses shown against version 1
    const second = await sec.agent.post('/admin/standards/07.99/drafts/preview').field('_csrf', sec.csrf).field('text', SECOND_DRAFT).expect(200);
    expect(second.text).to.contain('based on version 1: Working draft 1');
    expect(second.text).to.match(/2\.2<\/span> Signs <span class="note">16 words · was 2\.1/);
    await sec.agent.post('/admin/standards/07.99/drafts').type('form').send({ _csrf: sec.csrf, text: hidden(second.text, 'text'), label: '', based_on: hidden(second.text, 'based_on') }).expect(303);
    const page = await sec.agent.get('/standards/07.99/versions/2').expect(200);
    expect(page.text).to.contain('DRAFT — not for use');
    expect(page.text).to.contain('class="standard is-draft"'); // the print stylesheet's banner hangs on this
    expect(page.text).to.contain('href="/standards/07.99/diff/1..2"');
  });

  it('a text with problems: 422, each problem beside its line, the text kept, nothing saved', async () => {
    const res = await sec.agent.post('/admin/standards/07.99/drafts/preview').field('_csrf', sec.csrf).field('text', BROKEN_DRAFT).field('label', 'Broken').expect(422);
    expect(res.text).to.contain('3 problems in the text');
    expect(res.text).to.contain('<a href="#line-1">Line 1</a>: Text before the first heading');
    expect(res.text).to.match(/id="line-7"><span class="line-no">7<\/span> ### 1\.1\.1 Too deep<\/span>\n<span class="line-problem">[^<]*Level skipped/);
    expect(res.text).to.contain('Clause 1 appears twice (first at line 3)');
    expect(res.text).to.contain('Some words before any heading.</textarea>'.slice(0, 10)); // the text is in the textarea
    expect(res.text).to.match(/<textarea[^>]*>Some words before any heading\./);
    expect(res.text).to.contain('value="Broken"');
    expect(res.text).not.to.contain('Save this draft');
    // posting the broken text straight to save is refused the same way
    const direct = await sec.agent.post('/admin/standards/07.99/drafts').type('form').send({ _csrf: sec.csrf, text: BROKEN_DRAFT }).expect(422);
    expect(direct.text).to.contain('Line 7');
    const empty = await sec.agent.post('/admin/standards/07.99/drafts/preview').field('_csrf', sec.csrf).field('text', '').expect(422);
    expect(empty.text).to.contain('id="text-error"');
    expect(await t.db('versions').whereIn('standard_id', t.db('standards').select('id').where({ ref: '07.99' })).count({ n: '*' }).first()).to.deep.equal({ n: 2 });
  });

  it('uploads: a Word document made here becomes numbered clauses; wrong type 422; too large 413; no CSRF 403', async () => {
    const docx = await makeDocx([
      { p: 'IMAS 07.98 — title page' },
      { h: 1, text: 'Foreword' }, { p: 'Why this standard exists.' },
      { h: 1, text: 'Scope' }, { p: 'What it covers.' },
      { h: 1, text: 'Requirements' },
      { h: 2, text: 'Marking' }, { p: 'Markers shall be ', bold: 'red' },
      { list: ['on posts', 'on fences'] },
      { h: 3, text: 'Marker sizes' }, { table: [['Marker', 'Size'], ['Sign', '30 cm'], ['Post', '1.2 m']] },
      { h: 2, text: 'Records' }, { list: ['date', 'position'], ordered: true },
      { h: 1, text: 'Annex A (informative) Examples' }, { h: 2, text: 'A marked area' }, { p: 'Example.' },
    ]);
    await sec.agent.post('/admin/standards').type('form').send({ _csrf: sec.csrf, type: 'IMAS', number: '07.98', title: 'Marking requirements' }).expect(303);
    const res = await sec.agent.post('/admin/standards/07.98/drafts/preview').field('_csrf', sec.csrf).attach('file', docx, 'draft.docx').expect(200);
    expect(res.text).to.contain('1 paragraph before the first heading');
    const text = hidden(res.text, 'text')!;
    expect(text).to.contain('### 2.1.1 Marker sizes');
    const { auth } = await bearerFor(t, sec.user);
    const saved = await request(t.app).post('/api/v1/standards/07.98/versions').set(...auth).attach('file', docx, 'draft.docx').expect(201);
    expect(saved.body.clauses.map((c: { ref: string }) => c.ref)).to.deep.equal(['foreword', '1', '2', '2.1', '2.1.1', '2.2', 'annex-a', 'annex-a.1']);
    const byRef = new Map(saved.body.clauses.map((c: { ref: string; text: string }) => [c.ref, c.text]));
    expect(byRef.get('2.1')).to.equal('Markers shall be **red**\n\n- on posts\n- on fences');
    expect(byRef.get('2.1.1')).to.equal('| Marker | Size |\n| --- | --- |\n| Sign | 30 cm |\n| Post | 1.2 m |');
    expect(byRef.get('2.2')).to.equal('1. date\n2. position');
    expect(saved.body.notes[0]).to.contain('left out');
    // the page renders the table and list
    const page = await sec.agent.get('/standards/07.98/versions/1').expect(200);
    expect(page.text).to.contain('<td>30 cm</td>');

    const wrong = await sec.agent.post('/admin/standards/07.98/drafts/preview').field('_csrf', sec.csrf).attach('file', Buffer.from('%PDF-1.4'), 'draft.pdf').expect(422);
    expect(wrong.text).to.contain('id="file-error"');
    expect(wrong.text).to.contain('Markdown file (.md) or a Word document (.docx)');
    const doc = await request(t.app).post('/api/v1/standards/07.98/versions').set(...auth).attach('file', Buffer.from('\xD0\xCF\x11\xE0'), 'old.doc').expect(422);
    expect(doc.body.error.fields.file).to.contain('.docx');
    const fake = await request(t.app).post('/api/v1/standards/07.98/versions').set(...auth).attach('file', Buffer.from('not a zip'), 'fake.docx').expect(422);
    expect(fake.body.error.fields.file).to.contain('not a Word document');
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 'a');
    const tooBig = await sec.agent.post('/admin/standards/07.98/drafts/preview').field('_csrf', sec.csrf).attach('file', big, 'big.md').expect(413);
    expect(tooBig.text).to.contain('larger than 10 MB');
    const tooBigApi = await request(t.app).post('/api/v1/standards/07.98/versions').set(...auth).attach('file', big, 'big.md').expect(413);
    expect(tooBigApi.body.error.code).to.equal('too_large');
    const md = await sec.agent.post('/admin/standards/07.98/drafts/preview').field('_csrf', sec.csrf).attach('file', Buffer.from('\uFEFF# 1 Scope\n\nText.\n'), 'x.md').expect(200);
    expect(md.text).to.contain('1 clause,');
    await sec.agent.post('/admin/standards/07.98/drafts/preview').attach('file', Buffer.from('# 1 Scope\n'), 'x.md').expect(403);
  });

  it('withdraws a standard through the form; errors beside the fields', async () => {
    const bad = await sec.agent.post('/admin/standards/07.98/withdraw').type('form').send({ _csrf: sec.csrf, date: 'soon', replaced_by: '' }).expect(422);
    expect(bad.text).to.contain('id="date-error"');
    const unknown = await sec.agent.post('/admin/standards/07.98/withdraw').type('form').send({ _csrf: sec.csrf, date: '2026-11-01', replaced_by: '99.99' }).expect(422);
    expect(unknown.text).to.contain('id="replaced_by-error"');
    expect(unknown.text).to.contain('value="99.99"');
    const ok = await sec.agent.post('/admin/standards/07.98/withdraw').type('form').send({ _csrf: sec.csrf, date: '2026-11-01', replaced_by: '07.99', confirm: 'yes' }).expect(303);
    expect(ok.headers.location).to.equal('/admin/standards/07.98?done=withdrawn');
    const pub = await request(t.app).get('/standards/07.98').expect(200);
    expect(pub.text).to.contain('Withdrawn on 1 November 2026');
    expect(pub.text).to.contain('Replaced by <a href="/standards/07.99">');
    const again = await sec.agent.post('/admin/standards/07.98/withdraw').type('form').send({ _csrf: sec.csrf, date: '2026-11-02' }).expect(409);
    expect(again.text).to.contain('already withdrawn');
  });
});

describe('who sees a fresh draft (design.md §6)', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let n: number;
  const viewers = {} as Record<'stakeholder' | 'board' | 'secretariat', Awaited<ReturnType<typeof agentFor>>>;
  before(async () => {
    t = await testApp();
    for (const role of ['stakeholder', 'board', 'secretariat'] as const) viewers[role] = await agentFor(t, role);
    const { auth } = await bearerFor(t, viewers.secretariat.user);
    // 07.11: version 4 is under consultation; a new draft based on it was never put out.
    const v4 = await request(t.app).get('/api/v1/standards/07.11/versions/4').expect(200);
    const res = await request(t.app).post('/api/v1/standards/07.11/versions').set(...auth).send({ text: `${v4.body.text}\nA sentence added after the consultation.\n`, label: 'Draft Edition 3, revised' }).expect(201);
    n = res.body.n;
  });
  after(() => t.close());

  const get = async (who: 'anonymous' | 'stakeholder' | 'board' | 'secretariat', path: string) => {
    if (who === 'anonymous') return request(t.app).get(path);
    if (path.startsWith('/api/')) return request(t.app).get(path).set(...(await bearerFor(t, viewers[who].user)).auth);
    return viewers[who].agent.get(path);
  };

  it('the public and stakeholders do not see it: page, JSON, diff and history', async () => {
    expect(n).to.equal(5);
    for (const who of ['anonymous', 'stakeholder'] as const) {
      expect((await get(who, `/standards/07.11/versions/${n}`)).status, who).to.equal(404);
      expect((await get(who, `/api/v1/standards/07.11/versions/${n}`)).status, who).to.equal(404);
      expect((await get(who, `/standards/07.11/diff/4..${n}`)).status, who).to.equal(404);
      expect((await get(who, `/api/v1/standards/07.11/diff?from=4&to=${n}`)).status, who).to.equal(404);
      const history = await get(who, '/standards/07.11/versions');
      expect(history.text, who).not.to.contain('Draft Edition 3, revised');
      expect(history.text, who).to.contain('Draft Edition 3 for consultation'); // under consultation: public
      const json = await get(who, '/api/v1/standards/07.11');
      expect(json.body.versions.map((v: { n: number }) => v.n), who).to.deep.equal([1, 2, 3, 4]);
    }
  });

  it('the Board and the secretariat see it, with the DRAFT banner and a "what changed" link', async () => {
    for (const who of ['board', 'secretariat'] as const) {
      const page = await get(who, `/standards/07.11/versions/${n}`);
      expect(page.status, who).to.equal(200);
      expect(page.text).to.contain('DRAFT — not for use');
      expect(page.text).to.contain('class="standard is-draft"');
      expect(page.text).to.contain(`href="/standards/07.11/diff/4..${n}"`);
      expect((await get(who, `/api/v1/standards/07.11/versions/${n}`)).body).to.include({ n, state: 'draft', based_on: 4 });
      const diff = await get(who, `/standards/07.11/diff/4..${n}`);
      expect(diff.status, who).to.equal(200);
      expect(diff.text).to.contain('DRAFT — not for use');
      expect((await get(who, `/api/v1/standards/07.11/diff?from=4&to=${n}`)).status, who).to.equal(200);
      expect((await get(who, '/standards/07.11/versions')).text, who).to.contain('Draft Edition 3, revised');
      expect((await get(who, '/api/v1/standards/07.11')).body.versions.map((v: { n: number }) => v.n), who).to.include(n);
    }
  });
});
