/**
 * The operators' pages in the reader's language (issue 19 item 1): the standard's pages, the catalogue,
 * home, search, the diff, the requirements register, the error pages and the watching page, in French
 * and Arabic; forms with errors keep what was typed and say what is wrong in the reader's language.
 * (The English pages keep their bytes: the existing tests assert their English text.)
 */
import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor } from '../helpers/auth.ts';

type App = Awaited<ReturnType<typeof testApp>>;

/** The page's text without its markup and without the standard's own (English) text and pictures. */
const interfaceText = (html: string) =>
  html.replace(/<div class="text">[\s\S]*?<\/div>\s*<section id="amendment-record"/, '<section id="amendment-record"').replace(/<svg[\s\S]*?<\/svg>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('i18n: the operators\' pages in French and Arabic', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  const get = (url: string, lang: string, status = 200) => request(t.app).get(url).set('Cookie', `lang=${lang}`).expect(status);

  it('the standard page in French: navigation, notices, contents, amendment record; no English interface sentence left', async () => {
    const res = await get('/standards/07.11', 'fr');
    expect(res.text).to.match(/<html lang="fr"/);
    const text = interfaceText(res.text);
    for (const fr of ['Édition en vigueur', 'Historique', 'Exigences', 'Texte d’exemple, et non la norme officielle.', 'Table des matières', 'Registre des amendements', 'Lien permanent', 'est soumis à consultation jusqu’au 30 juin 2027']) expect(text).to.include(fr);
    for (const en of ['Current edition', 'Sample text, not the official standard', 'This text was written for imas-review', 'Amendment record', 'Permanent link', 'is under consultation until', 'Download this edition as Word', 'No edition of this standard']) expect(text).to.not.include(en);
    // the timeline's words too
    expect(res.text).to.include('Chronologie de la norme IMAS 07.11').and.not.include('Timeline of IMAS 07.11');
  });

  it('the standard page in Arabic, right to left, and its cached copy per language', async () => {
    const ar = await get('/standards/07.11', 'ar');
    expect(ar.text).to.match(/<html lang="ar" dir="rtl">/);
    const text = interfaceText(ar.text);
    for (const s of ['الإصدار الحالي', 'المحتويات', 'سجل التعديلات', 'نص نموذجي، وليس المعيار الرسمي.']) expect(text).to.include(s);
    expect(text).to.not.include('Contents').and.not.include('Current edition');
    // the second request comes from the page cache: still Arabic, while English stays English
    expect((await get('/standards/07.11', 'ar')).text).to.equal(ar.text);
    expect((await request(t.app).get('/standards/07.11').expect(200)).text).to.include('Amendment record');
  });

  it('an older edition, the history, a date: French notices with French dates', async () => {
    const old = interfaceText((await get('/standards/07.11/versions/1', 'fr')).text);
    expect(old).to.include('Il ne s’agit pas de l’édition en vigueur.').and.include('L’édition en vigueur est').and.not.include('This is not the current edition');
    const draft = interfaceText((await get('/standards/07.11/versions/4', 'fr')).text);
    expect(draft).to.include('PROJET — ne pas utiliser.').and.include('(consultation ouverte)').and.not.include('DRAFT — not for use');
    const history = interfaceText((await get('/standards/07.11/versions', 'fr')).text);
    expect(history).to.include('Afficher les modifications').and.include('publiée').and.not.include('Show changes').and.not.include('compare with current');
    const before = await get('/standards/07.11/on/2010-01-01', 'fr');
    expect(before.text).to.include('Aucune édition de la norme IMAS 07.11 n’était en vigueur le 1 janvier 2010.');
    expect(before.text).to.match(/<title>\u2068?IMAS 07\.11 au 1 janvier 2010/);
    // a bad date: 400, the message in French, the date typed kept in the form
    const bad = await get('/standards/07.11/on?date=30/06/2020', 'fr', 400);
    expect(bad.text).to.include('Saisissez une date au format AAAA-MM-JJ, par exemple 2020-06-30.').and.include('value="30/06/2020"').and.not.include('Enter a date as');
  });

  it('the catalogue and home in Arabic: counts with the Arabic plural, feeds, the search box', async () => {
    const cat = interfaceText((await get('/standards', 'ar')).text);
    expect(cat).to.include('فهرس المعايير').and.include('جميع السلاسل').and.not.include('Catalogue of standards').and.not.include('All series');
    expect(cat).to.match(/\d+ وثيقة/);
    const some = interfaceText((await get('/standards?q=zzzz', 'ar')).text);
    expect(some).to.include('لا يوجد معيار مطابق.').and.not.include('No standard matches');
    const home = interfaceText((await get('/', 'ar')).text);
    expect(home).to.include('المعايير الدولية للأعمال المتعلقة بالألغام').and.include('تصفّح الفهرس').and.not.include('Browse the catalogue').and.not.include('Recently published');
  });

  it('search in French: the form, the results, and an error that keeps the query', async () => {
    const ok = interfaceText((await get('/search?q=land', 'fr')).text);
    expect(ok).to.include('Rechercher dans les normes').and.include('Dans les textes').and.include('en vigueur').and.not.include('In the texts').and.not.include('Search the standards');
    const bad = await get('/search?q=-land', 'fr', 400);
    expect(bad.text).to.include('Ajoutez au moins un mot à rechercher').and.include('value="-land"').and.not.include('Add at least one word');
  });

  it('the diff in French: its summary from the structured changes, its picker and legend', async () => {
    const res = await get('/standards/07.11/diff/2..4', 'fr');
    const text = interfaceText(res.text);
    for (const fr of ['Résumé des modifications', 'dispositions modifiées', 'Verbes d’obligation', 'Dans le texte', 'Côte à côte', 'Le texte inséré est']) expect(text).to.include(fr);
    for (const en of ['Summary of changes', 'clauses changed', 'Requirement verbs', 'Side by side', 'Inserted text is', 'unchanged clauses']) expect(text).to.not.include(en);
    expect(res.text).to.include('[inséré : ').and.not.include('[inserted: ');
    // English is built from the same data, in English
    expect((await request(t.app).get('/standards/07.11/diff/2..4').expect(200)).text).to.include('Summary of changes').and.include('[inserted: ');
  });

  it('the requirements register in Arabic, and its filter errors in French with what was typed', async () => {
    const ar = interfaceText((await get('/standards/07.11/requirements', 'ar')).text);
    expect(ar).to.include('سجل المتطلبات').and.include('قائمة التحقق من الامتثال:').and.not.include('Requirements register').and.not.include('Compliance checklist');
    const long = 'x'.repeat(60);
    const bad = await get(`/standards/07.11/requirements?clause=${long}`, 'fr', 400);
    expect(bad.text).to.include('Certains filtres sont à corriger.').and.include('50 caractères au maximum').and.include(`value="${long}"`).and.not.include('Some filters need attention');
  });

  it('error pages: title and message in the reader\'s language', async () => {
    const nf = await get('/no/such/page', 'es', 404);
    expect(nf.text).to.match(/<title>\u2068?Página no encontrada/);
    expect(nf.text).to.include('No existe ninguna página en esta dirección.').and.not.include('Page not found');
    const bad = await get('/standards/07.11/versions/abc', 'ru', 400);
    expect(bad.text).to.include('Неверный запрос').and.include('Номер версии — целое число начиная с 1').and.not.include('A version number is');
    const zh = await get('/standards/99.99', 'zh', 404);
    expect(zh.text).to.include('目录中没有标准“99.99”。');
  });

  it('the watching page in French: a form with an error says so in French and keeps the input', async () => {
    const { agent, csrf } = await agentFor(t, 'stakeholder');
    const page = await agent.get('/me/watching').set('Accept-Language', 'fr').expect(200);
    expect(interfaceText(page.text)).to.include('Ce que vous suivez').and.include('Suivre davantage').and.not.include('Watch more');
    const bad = await agent.post('/me/watching').set('Accept-Language', 'fr').type('form').send({ _csrf: csrf, scope: 'standard', ref: '99.99' }).expect(422);
    expect(bad.text).to.include('Le catalogue ne contient aucune norme « 99.99 ».').and.include('value="99.99"').and.not.include('There is no standard');
    await agent.post('/me/watching').set('Accept-Language', 'fr').type('form').send({ _csrf: csrf, scope: 'all' }).expect(303);
    const done = await agent.get('/me/watching?done=added').set('Accept-Language', 'fr').expect(200);
    expect(done.text).to.include('Vous le suivez désormais').and.include('Tout');
  });
});
