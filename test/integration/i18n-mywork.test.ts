/**
 * "My work" in the reader's language (issue 19): a commenter's lists and a disposition in French, the
 * secretariat's queue (built in code) in Arabic on /me and /admin; the API keeps English.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor } from '../helpers/auth.ts';
import { secretariat } from '../helpers/ballots.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';

type App = Awaited<ReturnType<typeof testApp>>;

describe('i18n: my work', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('a commenter in French: headings, their comment with its disposition in French, the "new" mark', async () => {
    const sec = await secretariat(t);
    const s = await agentFor(t, 'stakeholder');
    const auth = (await bearerFor(t, s.user)).auth;
    const cid = await sampleConsultationId(t.db);
    const c = await request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...auth).send({ clause: '4.1', type: 'general', comment: 'Qui signe la remise ?' }).expect(201);
    const first = await s.agent.get('/me').set('Accept-Language', 'fr').expect(200);
    expect(first.text).to.contain('<h1>Mon travail</h1>').and.contain('Consultations et vos observations').and.contain('pas encore de décision');
    expect(first.text).to.contain(', article 4.1</a>');
    for (const english of ['What waits for you', 'Consultations and your comments', 'no disposition yet', 'Your comments']) expect(first.text).not.to.contain(english);
    t.clock.advance(60_000);
    await request(t.app).patch(`/api/v1/comments/${c.body.id}`).set(...sec.auth).send({ disposition: 'partially_accepted', response: 'En partie.' }).expect(200);
    t.clock.advance(60_000);
    const second = await s.agent.get('/me').set('Accept-Language', 'fr').expect(200);
    expect(second.text).to.contain('<strong class="badge badge-new">nouveau</strong>').and.contain('1 nouvelle décision').and.contain('<strong class="disposition">Partiellement acceptée</strong>');
    expect(second.text).to.contain('« Nouveau » signale ce qui a fait l’objet d’une décision depuis votre dernière visite');
  });

  it('the secretariat’s queue in Arabic on /me and /admin; the API answers in English', async () => {
    const sec = await secretariat(t);
    const commenter = await bearerFor(t, 'stakeholder', { organisation: 'Field NGO Unconfirmed' });
    const cid = await sampleConsultationId(t.db);
    await request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...commenter.auth).send({ clause: null, type: 'technical', comment: 'Say who signs.' }).expect(201);
    const { agent } = await agentFor(t, sec.user);
    for (const path of ['/me', '/admin']) {
      const page = await agent.get(path).set('Accept-Language', 'ar').expect(200);
      expect(page.text).to.contain('في انتظار الأمانة').and.contain('تعليقات لم يُبتّ فيها').and.contain('Field NGO Unconfirmed: حساب واحد');
      expect(page.text).to.contain('<strong class="badge">متأخر</strong>'); // 09.10 is past its review
      for (const english of ['Waiting for the secretariat', 'Comments without a disposition', 'Documents due for review or overdue', 'last edition or amendment']) expect(page.text).not.to.contain(english);
    }
    const api = await request(t.app).get('/api/v1/me/work').set(...sec.auth).set('Accept-Language', 'ar').expect(200);
    expect(api.body.queue.map((s: { title: string }) => s.title)).to.include('Comments without a disposition');
  });
});
