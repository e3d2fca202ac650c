import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor } from '../helpers/auth.ts';
import { FIRST_DRAFT } from '../helpers/drafts.ts';
import { newDraft, boardOf, openBallot, secretariat, vote } from '../helpers/ballots.ts';

/** Issue 11 item 8: the secretariat's forms lead from one step to the next. */
describe("the secretariat's forms (issue 11 item 8)", () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let sec: Awaited<ReturnType<typeof agentFor>>;
  const sourceOf = async (n: number) => (await request(t.app).get(`/api/v1/standards/07.11/versions/${n}`).set(...(await bearerFor(t, sec.user)).auth).expect(200)).body.text as string;
  const textarea = (html: string) => /<textarea id="text"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)?.[1] ?? null;
  const unescape = (s: string) => s.replace(/&#x([0-9A-F]+);/gi, (_a, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/&#(\d+);/g, (_a, d: string) => String.fromCharCode(Number(d))).replace(/&#x3D;/g, '=').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  before(async () => {
    t = await testApp();
    sec = await agentFor(t, 'secretariat');
  });
  after(() => t.close());

  it('"new draft based on version N" starts with N\'s text in the text area, N chosen', async () => {
    const form = await sec.agent.get('/admin/standards/07.11/drafts/new?based_on=2').expect(200);
    expect(unescape(textarea(form.text)!)).to.equal(await sourceOf(2));
    expect(form.text).to.match(/<option value="2" selected>/);
    // by default: the latest version's text
    const latest = await sec.agent.get('/admin/standards/07.11/drafts/new').expect(200);
    expect(unescape(textarea(latest.text)!)).to.equal(await sourceOf(4));
    // the standard's page offers it for each version
    const admin = await sec.agent.get('/admin/standards/07.11').expect(200);
    expect(admin.text).to.contain('href="/admin/standards/07.11/drafts/new?based_on=2"');
  });

  it('after saving a draft, its standard\'s page offers the next steps: read, compare with the current edition, consult, ballot', async () => {
    const text = `${await sourceOf(4)}\nA sentence added for the next steps.\n`;
    const saved = await sec.agent.post('/admin/standards/07.11/drafts').type('form').send({ _csrf: sec.csrf, text, label: 'Next steps draft', based_on: '4' }).expect(303);
    const n = Number(/n=(\d+)$/.exec(saved.headers.location)![1]);
    expect(saved.headers.location).to.equal(`/admin/standards/07.11?done=draft&n=${n}`);
    const page = await sec.agent.get(saved.headers.location).expect(200);
    expect(page.text).to.contain(`version ${n}, Next steps draft, is saved as a draft.`);
    const current = (await request(t.app).get('/api/v1/standards/07.11').expect(200)).body.current.n as number;
    const steps = [...(/<div class="notice next-steps"[\s\S]*?<\/div>/.exec(page.text)?.[0] ?? '').matchAll(/href="([^"]*)"/g)].map((m) => unescape(m[1]!));
    expect(steps).to.deep.equal([`/standards/07.11/versions/${n}`, `/standards/07.11/diff/${current}..${n}`, `/consultations/new?ref=07.11&n=${n}`, `/ballots/new?ref=07.11&n=${n}`]);
  });

  it('the publish form on an approved ballot is prefilled with the next edition, the amendment named as the alternative', async () => {
    const api = await secretariat(t);
    const m = await boardOf(t, ['A', 'B']);
    const b = await openBallot(t, api);
    for (const o of ['A', 'B']) await vote(t, m[o]!, b.id, 'approve');
    await request(t.app).post(`/api/v1/ballots/${b.id}/close`).set(...api.auth).expect(200);
    const published = (await request(t.app).get('/api/v1/standards/07.11').expect(200)).body.versions.filter((v: { state: string }) => v.state === 'published') as Array<{ edition: number; amendment: number | null }>;
    const last = Math.max(...published.map((v) => v.edition));
    const lastAmendment = Math.max(0, ...published.filter((v) => v.edition === last).map((v) => v.amendment ?? 0));
    const page = await sec.agent.get(`/ballots/${b.id}`).expect(200);
    const form = /<section class="publish-form"[\s\S]*?<\/section>/.exec(page.text)![0];
    expect(form).to.match(new RegExp(`name="edition"[^>]*value="${last + 1}"|value="${last + 1}"[^>]*name="edition"`));
    expect(form).to.match(/name="amendment"[^>]*value=""|value=""[^>]*name="amendment"/);
    expect(unescape(form)).to.contain(`Suggested: Edition ${last + 1}. For Edition ${last} Amendment ${lastAmendment + 1} instead, enter edition ${last} and amendment ${lastAmendment + 1}.`);
  });

  it('the preview shows the text rendered as on a version page, not only the clause tree', async () => {
    const preview = await sec.agent.post('/admin/standards/07.11/drafts/preview').field('_csrf', sec.csrf).field('text', FIRST_DRAFT).field('based_on', 'none').expect(200);
    const rendered = /<div class="text draft-rendered"[\s\S]*?<\/div>/.exec(preview.text)?.[0] ?? '';
    expect(rendered).to.contain('<section class="clause depth-2" id="clause-2.1">');
    expect(rendered).to.match(/<h3 class="clause-heading"><span class="clause-number">2\.1<\/span> Signs/);
    expect(rendered).to.contain('<p>Signs shall be placed every 50 m along the perimeter of the hazardous area, facing outwards.</p>');
  });

  it('opening a consultation chooses the draft from a list: newest first, superseded drafts marked; a choice opens it', async () => {
    // a draft, and a later one based on it: the first is superseded, the later one is on top
    const older = await newDraft(t, 4);
    const newer = await newDraft(t, older.n);
    const form = await sec.agent.get(`/consultations/new?ref=07.11&n=${older.n}`).expect(200);
    const options = [...form.text.matchAll(/<option value="([^"]+)"( selected)?>([^<]*)</g)].map((m) => ({ value: unescape(m[1]!), selected: Boolean(m[2]), label: unescape(m[3]!).replace(/[\u2066-\u2069]/g, '') }));
    const values = options.map((o) => o.value);
    expect(values.indexOf(`07.11|${newer.n}`)).to.be.below(values.indexOf(`07.11|${older.n}`));
    expect(options.find((o) => o.value === `07.11|${older.n}`)!.label).to.match(/\(superseded\)$/);
    expect(options.find((o) => o.value === `07.11|${newer.n}`)!.label).not.to.contain('superseded');
    expect(options.find((o) => o.selected)!.value).to.equal(`07.11|${older.n}`);
    // nothing chosen: the form comes back with the message at the field
    const none = await sec.agent.post('/consultations').type('form').send({ _csrf: sec.csrf, version: '', closes_at: '2027-12-31T00:00' }).expect(422);
    expect(none.text).to.contain('id="version-error"');
    const opened = await sec.agent.post('/consultations').type('form').send({ _csrf: sec.csrf, version: `07.11|${newer.n}`, closes_at: '2027-12-31T00:00' }).expect(303);
    const page = await sec.agent.get(opened.headers.location).expect(200);
    expect(page.text).to.contain('Draft Edition 3, revised after consultation');
  });
});
