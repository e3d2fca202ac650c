/**
 * Consultations in the reader's language (issue 19): the list, the consultation page and its comment
 * form, the matrix with its filters and dispositions, a comment's receipt, the confirmations; a refused
 * comment explained in the reader's language with what was typed kept.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor } from '../helpers/auth.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

describe('i18n: consultations', () => {
  let t: App;
  let cid: number;
  before(async () => {
    t = await testApp();
    cid = await sampleConsultationId(t.db);
  });
  after(() => t.close());

  it('the list in French and in Arabic: headings, states, counts; no English sentence left', async () => {
    const fr = await request(t.app).get('/consultations').set('Cookie', 'lang=fr').expect(200);
    expect(fr.text).to.contain('<h1>Consultations</h1>').and.contain('Ouvertes actuellement').and.contain('>ouverte</span>');
    expect(fr.text).to.match(/<span class="count">\d+ observations?<\/span>/);
    for (const english of ['Drafts of the standards are put out for comment', 'Open now', 'No consultation has closed yet.']) expect(fr.text).not.to.contain(english);
    const ar = await request(t.app).get('/consultations').set('Accept-Language', 'ar').expect(200);
    expect(ar.text).to.match(/<html lang="ar" dir="rtl">/);
    expect(ar.text).to.contain('<h1>المشاورات</h1>').and.contain('المفتوحة حالياً').and.contain('>مفتوحة</span>');
    expect(ar.text).not.to.contain('Open now');
  });

  it('the consultation page in French: the draft notice, the dates in French, the comment form', async () => {
    const { agent } = await agentFor(t, 'stakeholder');
    const page = await agent.get(`/consultations/${cid}`).set('Accept-Language', 'fr').expect(200);
    expect(page.text).to.contain('<strong>PROJET — ne pas utiliser.</strong>');
    expect(page.text).to.contain('30 juin 2027, 23:59 UTC');
    expect(page.text).to.contain('Formuler une observation sur cet article').and.contain('Soumettre l’observation').and.contain('Générale (ge)');
    for (const english of ['DRAFT — not for use.', 'Comment on this clause', 'Submit the comment', 'Upload a comment sheet', '30 June 2027']) expect(page.text).not.to.contain(english);
  });

  it('a refused comment in French: the message at the field in French, what was typed kept; then the receipt in French', async () => {
    const { agent } = await agentFor(t, 'stakeholder');
    const page = await agent.get(`/consultations/${cid}`).set('Accept-Language', 'fr').expect(200);
    const bad = await agent.post(`/consultations/${cid}/comments`).set('Accept-Language', 'fr').type('form')
      .send({ _csrf: csrfOf(page.text), clause: '4.1', type: 'technical', comment: '', proposed_change: 'Préciser le rôle de l’autorité.' }).expect(422);
    expect(bad.text).to.contain('Votre observation n’a pas été enregistrée');
    expect(bad.text).to.contain('<span class="field-error">Rédigez votre observation.</span>');
    expect(bad.text).to.contain('Préciser le rôle de l’autorité.</textarea>');
    expect(bad.text).not.to.contain('Write your comment.');
    const ok = await agent.post(`/consultations/${cid}/comments`).set('Accept-Language', 'fr').type('form')
      .send({ _csrf: csrfOf(page.text), clause: '4.1', type: 'technical', comment: 'Trop vague.' }).expect(303);
    const receipt = await agent.get(ok.headers.location!).set('Accept-Language', 'fr').expect(200);
    expect(receipt.text).to.match(/Merci : votre observation a été reçue\. Sa référence est C-\d+-\d+\./);
    expect(receipt.text).to.contain('<dd>technique (te)</dd>').and.contain('Pas encore de décision.').and.contain('Modifier votre observation');
    expect(receipt.text).not.to.contain('No disposition yet.');
    const id = /\/comments\/(\d+)/.exec(ok.headers.location!)![1];
    // a clause the draft does not have: said at the clause field, the text kept
    const clause = await agent.post(`/comments/${id}`).set('Accept-Language', 'fr').type('form')
      .send({ _csrf: csrfOf(receipt.text), clause: '99.9', type: 'technical', comment: 'Trop vague, vraiment.' }).expect(422);
    expect(clause.text).to.contain('<span class="field-error">Choisissez un article du projet : le projet ne comporte pas d’article 99.9.</span>');
    expect(clause.text).to.contain('Trop vague, vraiment.</textarea>');
    // withdrawing asks first, in French
    const confirm = await agent.post(`/comments/${id}/withdraw`).set('Accept-Language', 'fr').type('form').send({ _csrf: csrfOf(receipt.text) }).expect(200);
    expect(confirm.text).to.match(/<h1>Retirer l’observation C-\d+-\d+ \?<\/h1>/);
    expect(confirm.text).to.contain('Cette action est irréversible');
  });

  it('the matrix in Arabic: filters, column headings, count line, dispositions; a refused disposition in Arabic with the response kept', async () => {
    const { agent: st } = await agentFor(t, 'stakeholder');
    const p = await st.get(`/consultations/${cid}`).expect(200);
    const made = await st.post(`/consultations/${cid}/comments`).type('form').send({ _csrf: csrfOf(p.text), clause: '', type: 'editorial', comment: 'Typo.' }).expect(303);
    const id = /\/comments\/(\d+)/.exec(made.headers.location!)![1];
    const { agent } = await agentFor(t, 'secretariat');
    const m = await agent.get(`/consultations/${cid}/comments`).set('Accept-Language', 'ar').expect(200);
    expect(m.text).to.contain('<h1>التعليقات</h1>').and.contain('ملاحظات الأمانة').and.contain('تحريري (ed)').and.contain('لم يُبتّ فيه بعد').and.contain('المرجع (ترتيب الورود)');
    expect(m.text).to.match(/<p class="matrix-count" role="status">[^<]*تعليق[^<]*\.<\/p>/);
    for (const english of ['Observations of the secretariat', 'No disposition yet', 'Record a disposition', 'Reference (order received)']) expect(m.text).not.to.contain(english);
    const bad = await agent.post(`/comments/${id}/disposition`).set('Accept-Language', 'ar').type('form')
      .send({ _csrf: csrfOf(m.text), disposition: 'rejected', response: '', back: `/consultations/${cid}/comments` }).expect(422);
    expect(bad.text).to.contain('علّل قرار البت: يلزم تقديم رد عند رفض تعليق أو قبوله جزئياً.');
    await agent.post(`/comments/${id}/disposition`).type('form').send({ _csrf: csrfOf(m.text), disposition: 'noted', response: '', back: `/consultations/${cid}/comments` }).expect(303);
    const after = await agent.get(`/consultations/${cid}/comments?done=disposed`).set('Accept-Language', 'ar').expect(200);
    expect(after.text).to.contain('سُجّل قرار البت.').and.contain('<strong class="disposition disposition-noted">أُحيط علماً</strong>');
  });

  it('opening a consultation in Russian: labels and a refused form in Russian', async () => {
    const { agent } = await agentFor(t, 'secretariat');
    const form = await agent.get('/consultations/new').set('Accept-Language', 'ru').expect(200);
    expect(form.text).to.contain('<h1>Открыть консультацию</h1>').and.contain('Закрытие (UTC)').and.contain('версия');
    const bad = await agent.post('/consultations').set('Accept-Language', 'ru').type('form').send({ _csrf: csrfOf(form.text), version: '', closes_at: 'soon', instructions: 'Читайте внимательно.' }).expect(422);
    expect(bad.text).to.contain('Выберите проект для консультации.').and.contain('Читайте внимательно.</textarea>');
    expect(bad.text).not.to.contain('Choose the draft to consult on.');
  });
});
