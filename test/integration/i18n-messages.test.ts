/**
 * Server messages whose values are not in double quotes (issue 19 item 1): a designation of any kind
 * (IMAS, TNMA, T&EP), a date as the English pages write it, a name of an organisation, on pages in
 * French and Arabic. English keeps its wording.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor } from '../helpers/auth.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';
import { boardOf, openBallot, secretariat, vote } from '../helpers/ballots.ts';

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

describe('i18n: what the pages of each role still said in English', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('a standard\'s clause links and its feed link in French; English as it was', async () => {
    const en = await request(t.app).get('/standards/07.11').set('Cookie', 'lang=en').expect(200);
    expect(en.text).to.contain('title="Link to this clause" aria-label="Link to 4.1 National mine action authority"');
    expect(en.text).to.contain('<link rel="alternate" type="application/atom+xml" title="IMAS 07.11: publications, consultations, ballots and proposals"');
    const fr = await request(t.app).get('/standards/07.11').set('Cookie', 'lang=fr').expect(200);
    expect(fr.text).to.contain('title="Lien vers cet article" aria-label="Lien vers 4.1 National mine action authority"');
    expect(fr.text).to.contain('title="IMAS 07.11 : publications, consultations, scrutins et propositions"');
    expect(fr.text).not.to.match(/Link to|ballots and proposals/);
    const list = await request(t.app).get('/consultations').set('Cookie', 'lang=ar').expect(200);
    expect(list.text).to.contain('>موجز Atom</a> (المشاورات بشأن المعايير IMAS)');
  });

  it('the ballot page of a Board member in French: the summary of changes and the tally picture; the home page\'s waiting work in Arabic', async () => {
    const sec = await secretariat(t);
    const board = await boardOf(t, ['GICHD', 'UNDP']);
    const ballot = await openBallot(t, sec);
    await vote(t, board.UNDP!, ballot.id, 'approve');
    const { agent } = await agentFor(t, board.GICHD!.user);
    const en = await agent.get(`/ballots/${ballot.id}`).set('Cookie', 'lang=en').expect(200);
    expect(en.text).to.contain('Summary of changes').and.contain(`Live tally of ballot ${ballot.id} against the iso rule and the quorum`);
    const fr = await agent.get(`/ballots/${ballot.id}`).set('Cookie', 'lang=fr').expect(200);
    expect(fr.text).to.contain(`Décompte en direct du scrutin ${ballot.id} au regard de la règle iso et du quorum`);
    for (const english of ['Summary of changes', 'Live tally', 'Votes cast', 'unchanged clauses']) expect(fr.text).not.to.contain(english);
    const home = await agent.get('/').set('Cookie', 'lang=ar').expect(200);
    expect(home.text).to.contain('اقتراع واحد لم تصوّت فيه منظمتك');
    expect(home.text).not.to.contain('where your organisation has not voted');
    const homeEn = await agent.get('/').set('Cookie', 'lang=en').expect(200);
    expect(homeEn.text).to.contain('<a href="/me">1 ballot where your organisation has not voted</a>');
  });

  it('a comment sheet refused in French: each row\'s problems translated one by one', async () => {
    const cid = await sampleConsultationId(t.db);
    const { agent } = await agentFor(t, 'stakeholder');
    const page = await agent.get(`/consultations/${cid}`).expect(200);
    const other = cid + 98;
    const csv = `Reference,Clause/Subclause,Type of comment,Comments\r\nC-${other}-1,4.1,te,Text\r\n,4.1,te,\r\nC-${cid}-999,4.1,te,Text\r\n`;
    const send = (lang: string) => agent.post(`/consultations/${cid}/comments/sheet`).set('Cookie', `lang=${lang}`).field('_csrf', csrfOf(page.text)).attach('sheet', Buffer.from(csv), 'c.csv');
    const en = await send('en');
    expect(en.status).to.be.within(400, 499);
    expect(en.text).to.contain(`C-${other}-1 is a comment of another consultation (C-${other}), not of this one (C-${cid})`);
    expect(en.text).to.contain(`there is no comment C-${cid}-999 in this consultation`);
    const fr = await send('fr');
    expect(fr.text).to.contain(`C-${other}-1 est une observation d’une autre consultation (C-${other}), et non de celle-ci (C-${cid})`);
    expect(fr.text).to.contain(`cette consultation ne comporte pas d’observation C-${cid}-999`);
    expect(fr.text).to.match(/<strong>ligne 3<\/strong>: observation : [^<]*</);
    for (const english of ['is a comment of another consultation', 'there is no comment', 'comment: ']) expect(fr.text).not.to.contain(english);
  });
});
