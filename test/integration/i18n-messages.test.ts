/**
 * Server messages whose values are not in double quotes (issue 19 item 1): a designation of any kind
 * (IMAS, TNMA, T&EP), a date as the English pages write it, a name of an organisation, on pages in
 * French and Arabic. English keeps its wording.
 */
import { expect } from 'chai';
import { testApp } from '../helpers/app.ts';
import { agentFor } from '../helpers/auth.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

describe('i18n: server messages with designations, dates and names', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('a TNMA and a T&EP already in the catalogue: said in French and Arabic with the designation as written', async () => {
    const sec = await agentFor(t, 'secretariat');
    await sec.agent.post('/admin/standards').type('form').send({ _csrf: sec.csrf, type: 'TNMA', number: '07.11/01', title: 'Marking' }).expect(303);
    await sec.agent.post('/admin/standards').type('form').send({ _csrf: sec.csrf, type: 'T&EP', number: '07.11/02/2026', title: 'Trials' }).expect(303);
    const en = await sec.agent.post('/admin/standards').type('form').send({ _csrf: sec.csrf, type: 'TNMA', number: '07.11/01', title: 'Again' }).expect(409);
    expect(en.text).to.contain('TNMA 07.11/01 is already in the catalogue.');
    const fr = await sec.agent.post('/admin/standards').set('Cookie', 'lang=fr').type('form').send({ _csrf: sec.csrf, type: 'TNMA', number: '07.11/01', title: 'Again' }).expect(409);
    expect(fr.text).to.contain('TNMA 07.11/01 figure déjà dans le catalogue.');
    expect(fr.text).not.to.contain('is already in the catalogue');
    const ar = await sec.agent.post('/admin/standards').set('Cookie', 'lang=ar').type('form').send({ _csrf: sec.csrf, type: 'T&EP', number: '07.11/02/2026', title: 'Again' }).expect(409);
    expect(ar.text).to.contain('المعيار T&amp;EP 07.11/02/2026 موجود بالفعل في الفهرس.');
    expect(ar.text).not.to.contain('is already in the catalogue');
  });

  it('a comment after the close: the closing date in the reader\'s language', async () => {
    const late = await testApp({ now: '2027-08-01T12:00:00.000Z' });
    try {
      const cid = await sampleConsultationId(late.db);
      const { agent } = await agentFor(late, 'stakeholder');
      const page = await agent.get(`/consultations/${cid}`).expect(200);
      const send = (lang: string) => agent.post(`/consultations/${cid}/comments`).set('Cookie', `lang=${lang}`).type('form')
        .send({ _csrf: csrfOf(page.text), clause: '4.1', type: 'technical', comment: 'Too late.' });
      const en = await send('en');
      expect(en.status).to.be.within(400, 499);
      expect(en.text).to.contain('This consultation closed on 30 June 2027 23:59 UTC: comments can no longer be submitted, changed or withdrawn.');
      const fr = await send('fr');
      expect(fr.text).to.contain('Cette consultation a été close le 30 juin 2027, 23:59 UTC : les observations ne peuvent plus être soumises, modifiées ni retirées.');
      const ar = await send('ar');
      expect(ar.text).to.contain('أُغلقت هذه المشاورة في 30 يونيو 2027, 23:59 UTC');
      for (const r of [fr, ar]) expect(r.text).not.to.contain('30 June 2027');
    } finally {
      await late.close();
    }
  });
});
