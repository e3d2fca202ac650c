import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor } from '../helpers/auth.ts';
import { boardOf, openBallot, secretariat, vote } from '../helpers/ballots.ts';
import { makeDocx } from '../helpers/drafts.ts';

type App = Awaited<ReturnType<typeof testApp>>;

/** The anchors of a page's clauses, in order. */
const anchors = (html: string) => [...html.matchAll(/<section class="clause[^"]*" id="(clause-[^"]+)"/g)].map((m) => m[1]);

/** A "translation" of an English text for the tests: its headings in French, each clause marked. */
function frenchOf(english: string): string {
  return english
    .replace(/^# Foreword$/m, '# Avant-propos')
    .replace(/^# Bibliography$/m, '# Bibliographie')
    .replace(/^# Annex ([A-Z])/gm, '# Annexe $1')
    .replace(/^(#+ .*)$/gm, '$1\n\nTexte d’essai.');
}

async function englishSource(t: App, ref: string, n: number): Promise<string> {
  const v = await t.db('versions as v').join('standards as s', 's.id', 'v.standard_id').where({ 's.ref': ref, 'v.n': n }).first('v.source');
  return String(v.source);
}

describe('translations of a version (issue 19 item 2)', () => {
  let t: App;
  let sec: [string, string];
  before(async () => {
    t = await testApp();
    sec = (await bearerFor(t, 'secretariat')).auth;
  });
  after(() => t.close());

  describe('the sample translations', () => {
    it('an older edition in Arabic: its page flags it, links the diff to the current edition, says the English is authoritative, dir="rtl"', async () => {
      const res = await request(t.app).get('/standards/07.11/versions/2/translations/ar').expect(200);
      expect(res.text).to.contain('This translation matches Edition 1 Amendment 1; the English text has changed since — <a href="/standards/07.11/diff/2..3">see what changed</a>.');
      expect(res.text).to.contain('The English text is authoritative.');
      expect(res.text).to.contain('Unofficial Arabic translation');
      expect(res.text).to.match(/<div class="text translated-text" lang="ar" dir="rtl">/);
      expect(res.text).to.contain('الهيئة الوطنية للأعمال المتعلقة بالألغام');
      // the link leads to the existing diff page
      await request(t.app).get('/standards/07.11/diff/2..3').expect(200);
      // in Arabic, the notice too is in Arabic (and the English version page is unchanged)
      const ar = await request(t.app).get('/standards/07.11/versions/2/translations/ar').set('Cookie', 'lang=ar').expect(200);
      expect(ar.text).to.contain('تطابق هذه الترجمة: الإصدار 1، التعديل 1؛ وقد تغيّر النص الإنكليزي منذ ذلك الحين — <a href="/standards/07.11/diff/2..3">');
    });

    it('the current edition in French: no flag; the latest French translation is that one', async () => {
      const res = await request(t.app).get('/standards/10.60/versions/1/translations/fr').expect(200);
      expect(res.text).not.to.contain('notice-stale-translation');
      expect(res.text).to.contain('The English text is authoritative.');
      expect(res.text).to.match(/<div class="text translated-text" lang="fr" dir="ltr">/);
      const latest = await request(t.app).get('/standards/10.60/translations/fr').expect(200);
      expect(latest.text).to.contain('Domaine d’application').and.to.contain('<a href="/standards/10.60/versions/1/translations/fr">Permanent link to this translation</a>');
      await request(t.app).get('/standards/10.60/translations/ru').expect(404);
    });

    it('a reader whose language has no translation of this version is told of the nearest one, with the diff since', async () => {
      // 07.11's current edition (v3) has no Arabic translation; Edition 1 Amendment 1 (v2) has
      const ar = await request(t.app).get('/standards/07.11').set('Cookie', 'lang=ar').expect(200);
      expect(ar.text).to.contain('<p class="notice other-translation" role="note">توجد ترجمة إلى العربية لـ: الإصدار 1، التعديل 1، وهي نسخة سابقة لهذه النسخة — <a href="/standards/07.11/versions/2/translations/ar">اقرأها</a>، و<a href="/standards/07.11/diff/2..3">');
      // the version it renders has its own list instead; English readers and other languages are not told
      const v2 = await request(t.app).get('/standards/07.11/versions/2').set('Cookie', 'lang=ar').expect(200);
      expect(v2.text).not.to.contain('other-translation');
      expect(v2.text).to.contain('href="/standards/07.11/versions/2/translations/ar"');
      expect((await request(t.app).get('/standards/07.11').expect(200)).text).not.to.contain('other-translation');
      expect((await request(t.app).get('/standards/07.11').set('Cookie', 'lang=fr').expect(200)).text).not.to.contain('other-translation');
      // an earlier version than the translated one points forward
      const v1 = await request(t.app).get('/standards/07.11/versions/1').set('Cookie', 'lang=ar').expect(200);
      expect(v1.text).to.contain('وهي نسخة لاحقة لهذه النسخة — <a href="/standards/07.11/versions/2/translations/ar">');
      expect(v1.text).to.contain('<a href="/standards/07.11/diff/1..2">');
    });

    it('clause anchors are those of the English page, in the same order; the side-by-side rows carry them too', async () => {
      const en = await request(t.app).get('/standards/07.11/versions/2').expect(200);
      const ar = await request(t.app).get('/standards/07.11/versions/2/translations/ar').expect(200);
      expect(anchors(en.text)).to.have.length.greaterThan(40);
      expect(anchors(ar.text)).to.deep.equal(anchors(en.text));
      const sbs = await request(t.app).get('/standards/07.11/versions/2/translations/ar/side-by-side').expect(200);
      expect([...sbs.text.matchAll(/<tr id="(clause-[^"]+)"/g)].map((m) => m[1])).to.deep.equal(anchors(en.text));
    });

    it('side by side: each row the translated clause (lang="ar" dir="rtl") beside the English one it renders', async () => {
      const sbs = await request(t.app).get('/standards/07.11/versions/2/translations/ar/side-by-side').expect(200);
      const row = /<tr id="clause-6.2.1">([\s\S]*?)<\/tr>/.exec(sbs.text)![1]!;
      expect(row).to.match(/<td class="text translated-text" lang="ar" dir="rtl"><h4 class="clause-heading"><span class="clause-number">6\.2\.1<\/span> التقييم المكتبي<\/h4>/);
      expect(row).to.match(/<td class="text" lang="en" dir="ltr">[\s\S]*Desk assessment[\s\S]*Before a field visit/);
      expect(sbs.text).to.contain('English (authoritative)');
      expect(sbs.text).to.contain('The English text is authoritative.');
    });

    it('appear in the catalogue, the history, the version page and the standard’s JSON', async () => {
      const cat = await request(t.app).get('/standards').expect(200);
      expect(cat.text).to.contain('<a href="/standards/07.11/translations/ar" hreflang="ar">Arabic</a>');
      expect(cat.text).to.contain('<a href="/standards/10.60/translations/fr" hreflang="fr">French</a>');
      const history = await request(t.app).get('/standards/07.11/versions').expect(200);
      expect(history.text).to.contain('href="/standards/07.11/versions/2/translations/ar"').and.to.contain('matches Edition 1 Amendment 1: the English text has changed since');
      const page = await request(t.app).get('/standards/07.11/versions/2').expect(200);
      expect(page.text).to.match(/<section class="translations"[\s\S]*href="\/standards\/07.11\/versions\/2\/translations\/ar"/);
      // a reader sees no translations section on a version without one, and no form
      const three = await request(t.app).get('/standards/07.11/versions/3').expect(200);
      expect(three.text).not.to.contain('class="translations"');
      const json = await request(t.app).get('/api/v1/standards/07.11').expect(200);
      expect(json.body.translations).to.deep.equal([
        {
          language: 'ar', n: 2, official: false, stale: true, matches: 'Edition 1 Amendment 1', sample: true, updated_at: '2026-11-23T12:00:00.000Z',
          diff: { from: 2, to: 3, html: '/standards/07.11/diff/2..3', api: '/api/v1/standards/07.11/diff?from=2&to=3' },
          links: {
            html: '/standards/07.11/versions/2/translations/ar', side_by_side: '/standards/07.11/versions/2/translations/ar/side-by-side', api: '/api/v1/standards/07.11/versions/2/translations/ar',
            english_html: '/standards/07.11/versions/2', english_api: '/api/v1/standards/07.11/versions/2',
          },
        },
      ]);
    });

    it('the API: a translation with its clauses (the English keys) and the flag; the latest per language', async () => {
      const res = await request(t.app).get('/api/v1/standards/07.11/versions/2/translations/ar').expect(200);
      expect(res.body).to.include({ ref: '07.11', n: 2, language: 'ar', dir: 'rtl', official: false, authoritative: 'en', stale: true });
      expect(res.body.diff).to.deep.include({ from: 2, to: 3 });
      const english = await request(t.app).get('/api/v1/standards/07.11/versions/2').expect(200);
      expect(res.body.clauses.map((c: { ref: string; key: string }) => [c.ref, c.key])).to.deep.equal(english.body.clauses.map((c: { ref: string; key: string }) => [c.ref, c.key]));
      const latest = await request(t.app).get('/api/v1/standards/IMAS%2007.11/translations/ar').expect(200);
      expect(latest.body).to.include({ n: 2, stale: true });
      await request(t.app).get('/api/v1/standards/07.11/versions/2/translations/de').expect(404);
      await request(t.app).get('/api/v1/standards/07.11/versions/3/translations/ar').expect(404);
    });
  });

  describe('loading, replacing and removing', () => {
    it('only the secretariat: anonymous 401 (API) or sign-in (form), stakeholder and board 403; nothing written', async () => {
      const text = frenchOf(await englishSource(t, '07.11', 3));
      await request(t.app).put('/api/v1/standards/07.11/versions/3/translations/fr').send({ text }).expect(401);
      for (const role of ['stakeholder', 'board'] as const) {
        const { auth } = await bearerFor(t, role);
        await request(t.app).put('/api/v1/standards/07.11/versions/3/translations/fr').set(...auth).send({ text }).expect(403);
        await request(t.app).delete('/api/v1/standards/07.10/versions/2/translations/ar').set(...auth).expect(403);
        const { agent, csrf } = await agentFor(t, role);
        await agent.post('/standards/07.11/versions/3/translations').field('_csrf', csrf).field('language', 'fr').field('text', text).expect(403);
        // and they get no form
        const page = await agent.get('/standards/07.11/versions/2').expect(200);
        expect(page.text).not.to.contain('action="/standards/07.11/versions/2/translations"');
      }
      // the form is multipart: an anonymous post of it is sent to sign in
      const anon = await request(t.app).post('/standards/07.11/versions/3/translations').field('language', 'fr').field('text', text).expect(303);
      expect(anon.headers.location).to.equal('/login');
      expect(await t.db('translations').count({ c: '*' }).first()).to.deep.equal({ c: 2 });
    });

    it('the form on the version page loads a translation (multipart, a .md file); it shows at once; audited', async () => {
      const { agent, csrf } = await agentFor(t, 'secretariat');
      const page = await agent.get('/standards/07.11/versions/3').expect(200);
      expect(page.text).to.contain('action="/standards/07.11/versions/3/translations"').and.to.contain('enctype="multipart/form-data"');
      const text = frenchOf(await englishSource(t, '07.11', 3));
      const res = await agent.post('/standards/07.11/versions/3/translations').field('_csrf', csrf).field('language', 'fr').field('official', 'official').attach('file', Buffer.from(text), 'traduction.md').expect(303);
      expect(res.headers.location).to.equal('/standards/07.11/versions/3/translations/fr?done=loaded');
      const shown = await agent.get(res.headers.location).expect(200);
      expect(shown.text).to.contain('The translation is loaded.').and.to.contain('Official French translation').and.not.to.contain('notice-stale-translation');
      // the public, cached pages show it
      const pub = await request(t.app).get('/standards/07.11').expect(200);
      expect(pub.text).to.contain('href="/standards/07.11/versions/3/translations/fr"');
      const audit = await t.db('audit_events').where({ action: 'translation.loaded' }).orderBy('id', 'desc').first();
      expect(JSON.parse(audit.data)).to.include({ ref: '07.11', n: 3, language: 'fr', official: true });
    });

    it('bad input: 4xx with a message at the field, the form kept filled in, nothing written', async () => {
      const { agent, csrf } = await agentFor(t, 'secretariat');
      const post = (fields: Record<string, string>, file?: [Buffer, string]) => {
        let req = agent.post('/standards/10.60/versions/1/translations').field('_csrf', csrf);
        for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
        return file ? req.attach('file', file[0], file[1]) : req;
      };
      const text = frenchOf(await englishSource(t, '10.60', 1));
      const german = await post({ language: 'de', text }).expect(422);
      expect(german.text).to.contain('Choose the language of the translation').and.to.contain('Texte d’essai.');
      const english = await post({ language: 'en', text }).expect(422);
      expect(english.text).to.contain('English is the text of the version itself');
      const empty = await post({ language: 'es', text: '  ' }).expect(422);
      expect(empty.text).to.contain('Paste the translated text, or choose a .md or .docx file.');
      const unreadable = await post({ language: 'es' }, [Buffer.from('not a zip at all'), 'texto.docx']).expect(422);
      expect(unreadable.text).to.contain('This file is not a Word document');
      const pdf = await post({ language: 'es' }, [Buffer.from('%PDF-1.4'), 'texto.pdf']).expect(422);
      expect(pdf.text).to.contain('Upload a Markdown file (.md) or a Word document (.docx).');
      const mismatch = await post({ language: 'es', text: text.replace('## 4.5 ', '## 4.7 ') }).expect(422);
      expect(mismatch.text).to.contain('The translation lacks clauses of').and.to.contain('4.5').and.to.contain('4.7 (line');
      expect(mismatch.text).to.match(/<option value="es" selected>/);
      expect(mismatch.text).to.contain('## 4.7 ');
      // in French, the same message in French, the values put back
      const fr = await agent.post('/standards/10.60/versions/1/translations').set('Cookie', 'lang=fr').field('_csrf', csrf).field('language', 'es').field('text', text.replace('## 4.5 ', '## 4.7 ')).expect(422);
      expect(fr.text).to.contain('Il manque à la traduction des articles de');
      const broken = await post({ language: 'es', text: `Texte avant.\n\n${text}` }).expect(422);
      expect(broken.text).to.contain('Text before the first heading');
      await agent.post('/standards/10.60/versions/99/translations').field('_csrf', csrf).field('language', 'es').field('text', text).expect(404);
      expect(await t.db('translations').where({ language: 'es' }).first()).to.equal(undefined);
      // the API says the same, as JSON
      const api = await request(t.app).put('/api/v1/standards/10.60/versions/1/translations/en').set(...sec).send({ text }).expect(422);
      expect(api.body.error.fields.language).to.contain('English is the text of the version itself');
      const noText = await request(t.app).put('/api/v1/standards/10.60/versions/1/translations/es').set(...sec).send({}).expect(422);
      expect(noText.body.error.fields).to.have.property('text');
      const badOfficial = await request(t.app).put('/api/v1/standards/10.60/versions/1/translations/es').set(...sec).send({ text, official: 'perhaps' }).expect(422);
      expect(badOfficial.body.error.fields.official).to.contain('official or unofficial');
      await request(t.app).put('/api/v1/standards/10.60/versions/9/translations/es').set(...sec).send({ text }).expect(404);
      await request(t.app).put('/api/v1/standards/99.99/versions/1/translations/es').set(...sec).send({ text }).expect(404);
    });

    it('the API loads (201), replaces (200) and removes (204) a translation, a Word file too, each audited', async () => {
      const text = frenchOf(await englishSource(t, '10.60', 1));
      const made = await request(t.app).put('/api/v1/standards/10.60/versions/1/translations/ru').set(...sec).send({ text }).expect(201);
      expect(made.headers.location).to.equal('/api/v1/standards/10.60/versions/1/translations/ru');
      expect(made.body).to.include({ language: 'ru', n: 1, official: false, stale: false });
      const docx = await makeDocx([
        { h: 1, text: 'Предисловие' }, { p: 'Пример.' }, { h: 1, text: 'Введение' }, { p: 'Зачем.' },
        ...(await request(t.app).get('/api/v1/standards/10.60/versions/1').expect(200)).body.clauses
          .filter((c: { ref: string }) => !['foreword', 'introduction'].includes(c.ref))
          .map((c: { ref: string; depth: number; heading: string }) => ({ h: c.depth, text: c.ref.startsWith('annex-') ? (c.depth === 1 ? `Приложение ${c.ref.slice(6).toUpperCase()} ${c.heading}` : `${c.ref.slice(6, 7).toUpperCase()}${c.ref.slice(7)} ${c.heading}`) : `${c.ref} ${c.heading}` })),
      ] as Parameters<typeof makeDocx>[0]);
      const replaced = await request(t.app).put('/api/v1/standards/10.60/versions/1/translations/ru').set(...sec).field('official', 'true').attach('file', docx, 'перевод.docx');
      expect(replaced.status, JSON.stringify(replaced.body)).to.equal(200);
      expect(replaced.body).to.include({ official: true });
      expect(replaced.body.clauses.find((c: { ref: string }) => c.ref === 'annex-a').label).to.equal('Приложение A');
      const events = await t.db('audit_events').whereIn('action', ['translation.loaded', 'translation.replaced']).orderBy('id');
      expect(events.map((e: { action: string }) => e.action).slice(-2)).to.deep.equal(['translation.loaded', 'translation.replaced']);
      expect(JSON.parse(events.at(-1).data)).to.include({ language: 'ru', official: true, previously_official: false });
      await request(t.app).delete('/api/v1/standards/10.60/versions/1/translations/ru').set(...sec).expect(204);
      await request(t.app).get('/api/v1/standards/10.60/versions/1/translations/ru').expect(404);
      await request(t.app).delete('/api/v1/standards/10.60/versions/1/translations/ru').set(...sec).expect(404);
      const removed = await t.db('audit_events').where({ action: 'translation.removed' }).orderBy('id', 'desc').first();
      expect(JSON.parse(removed.data)).to.include({ ref: '10.60', n: 1, language: 'ru' });
    });

    it('the form removes a translation after a confirmation', async () => {
      const text = frenchOf(await englishSource(t, '10.60', 1));
      await request(t.app).put('/api/v1/standards/10.60/versions/1/translations/zh').set(...sec).send({ text }).expect(201);
      const { agent, csrf } = await agentFor(t, 'secretariat');
      const ask = await agent.post('/standards/10.60/versions/1/translations/zh/remove').type('form').send({ _csrf: csrf }).expect(200);
      expect(ask.text).to.contain('Remove the Chinese translation of IMAS 10.60 Edition 2?');
      expect(await t.db('translations').where({ language: 'zh' }).first()).to.not.equal(undefined);
      const done = await agent.post('/standards/10.60/versions/1/translations/zh/remove').type('form').send({ _csrf: csrf, confirm: 'yes' }).expect(303);
      expect(done.headers.location).to.equal('/standards/10.60/versions/1/translations?done=removed');
      expect(await t.db('translations').where({ language: 'zh' }).first()).to.equal(undefined);
    });
  });

  describe('who reads the translation of a draft', () => {
    it('a draft never put out for consultation: its translation only for the Board and the secretariat', async () => {
      const source = (await englishSource(t, '10.60', 1)).replace('within 72 hours', 'within 60 hours');
      const draft = await request(t.app).post('/api/v1/standards/10.60/versions').set(...sec).send({ text: source, based_on: 1 }).expect(201);
      const n = draft.body.n as number;
      await request(t.app).put(`/api/v1/standards/10.60/versions/${n}/translations/es`).set(...sec).send({ text: frenchOf(source) }).expect(201);
      await request(t.app).get(`/standards/10.60/versions/${n}/translations/es`).expect(404);
      await request(t.app).get(`/api/v1/standards/10.60/versions/${n}/translations/es`).expect(404);
      const anonJson = await request(t.app).get('/api/v1/standards/10.60').expect(200);
      expect(anonJson.body.translations.map((x: { n: number }) => x.n)).not.to.include(n);
      const stakeholder = await agentFor(t, 'stakeholder');
      await stakeholder.agent.get(`/standards/10.60/versions/${n}/translations/es`).expect(404);
      const board = await agentFor(t, 'board');
      const seen = await board.agent.get(`/standards/10.60/versions/${n}/translations/es`).expect(200);
      expect(seen.text).to.contain('DRAFT — not for use').and.not.to.contain('notice-stale-translation');
      const { auth } = await bearerFor(t, 'board');
      const boardJson = await request(t.app).get('/api/v1/standards/10.60').set(...auth).expect(200);
      expect(boardJson.body.translations.map((x: { n: number }) => x.n)).to.include(n);
      // the draft under consultation (07.11 version 4) is public, and so is its translation
      await request(t.app).put('/api/v1/standards/07.11/versions/4/translations/es').set(...sec).send({ text: frenchOf(await englishSource(t, '07.11', 4)) }).expect(201);
      await request(t.app).get('/standards/07.11/versions/4/translations/es').expect(200);
    });
  });

  describe('the stale flag at its edge', () => {
    it('French of 10.60 Edition 2: not stale the day before Amendment 1 comes into force, stale from that day, with the diff 1..2', async () => {
      const page = () => request(t.app).get('/standards/10.60/versions/1/translations/fr').expect(200);
      t.clock.set('2027-03-31T23:59:59.000Z');
      expect((await page()).text).not.to.contain('notice-stale-translation');
      expect((await request(t.app).get('/api/v1/standards/10.60/versions/1/translations/fr').expect(200)).body.stale).to.equal(false);
      t.clock.set('2027-04-01T00:00:00.000Z');
      expect((await page()).text).to.contain('This translation matches Edition 2; the English text has changed since — <a href="/standards/10.60/diff/1..2">see what changed</a>.');
      const json = await request(t.app).get('/api/v1/standards/10.60').expect(200);
      expect(json.body.translations.find((x: { language: string; n: number }) => x.language === 'fr' && x.n === 1)).to.include({ stale: true });
      // the latest French translation is still that one, flagged
      expect((await request(t.app).get('/standards/10.60/translations/fr').expect(200)).text).to.contain('notice-stale-translation');
      t.clock.set('2026-11-23T12:00:00.000Z');
    });
  });
});

describe('translations: a new edition published makes the translation of the old one stale', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('French of 07.11 Edition 2 (current): no flag; Edition 3 published, in force → flag with the diff 3..4', async () => {
    const sec = await secretariat(t);
    const english = (await request(t.app).get('/api/v1/standards/07.11/versions/3').expect(200)).body.text as string;
    await request(t.app).put('/api/v1/standards/07.11/versions/3/translations/fr').set(...sec.auth).send({ text: frenchOf(english) }).expect(201);
    const page = () => request(t.app).get('/standards/07.11/versions/3/translations/fr').expect(200);
    expect((await page()).text).not.to.contain('notice-stale-translation');
    const m = await boardOf(t, ['A', 'B', 'C']);
    const ballot = await openBallot(t, sec);
    for (const o of ['A', 'B', 'C']) await vote(t, m[o]!, ballot.id, 'approve');
    await request(t.app).post(`/api/v1/ballots/${ballot.id}/close`).set(...sec.auth).expect(200);
    t.clock.set('2026-11-24T09:00:00.000Z');
    await request(t.app).post('/api/v1/standards/07.11/versions/4/publish').set(...sec.auth).send({ edition: 3, in_force_from: '2027-01-01', summary: 'Third edition.' }).expect(200);
    // published, not yet in force: Edition 2 is still current
    expect((await page()).text).not.to.contain('notice-stale-translation');
    t.clock.set('2027-01-01T00:00:00.000Z');
    expect((await page()).text).to.contain('This translation matches Edition 2; the English text has changed since — <a href="/standards/07.11/diff/3..4">see what changed</a>.');
    await request(t.app).get('/standards/07.11/diff/3..4').expect(200);
    const json = await request(t.app).get('/api/v1/standards/07.11/versions/3/translations/fr').expect(200);
    expect(json.body).to.deep.include({ stale: true, diff: { from: 3, to: 4, html: '/standards/07.11/diff/3..4', api: '/api/v1/standards/07.11/diff?from=3&to=4' } });
  });
});
