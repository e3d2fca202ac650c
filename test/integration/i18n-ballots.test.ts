/**
 * The ballots in the reader's language (issue 19 item 1): the list, the ballot page and its forms in
 * French and Arabic, server messages at their fields in the page's language with the input kept.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, createUser, signIn } from '../helpers/auth.ts';
import { boardOf, openBallot, secretariat, vote, type Member } from '../helpers/ballots.ts';

type App = Awaited<ReturnType<typeof testApp>>;
/** The page's text as read: tags dropped, entities and isolates undone. */
const read = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&#x3D;/g, '=').replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/[\u2066-\u2069]/g, '');
const ORGS = ['GICHD', 'UNDP', 'UNICEF', 'UNOPS', 'HALO Trust'];

describe('i18n: ballots', () => {
  let t: App;
  let m: Record<string, Member>;
  let id: number;
  before(async () => {
    t = await testApp();
    m = await boardOf(t, ORGS);
    id = (await openBallot(t, await secretariat(t))).id;
    for (const o of ORGS.slice(0, 3)) expect((await vote(t, m[o]!, id, 'approve')).status).to.equal(200);
    expect((await vote(t, m.UNOPS!, id, 'disapprove', 'Clause 5 needs a worked example.')).status).to.equal(200);
  });
  after(() => t.close());

  it('the ballot page in French: facts, tally, the rule and quorum in words, the vote form; no English left', async () => {
    const member = await agentFor(t, 'board', { organisation: 'HALO Trust' });
    const page = await member.agent.get(`/ballots/${id}`).set('Accept-Language', 'fr').expect(200);
    expect(page.text).to.match(/<html lang="fr"/);
    const text = read(page.text);
    for (const s of ['Objet du vote du Comité', 'État en temps réel', 'Approuver', 'Désapprouver (motifs obligatoires)', 'Votre vote', 'Motifs', 'Voter', 'Ouvert hors de l’ordre prévu.']) expect(text).to.contain(s);
    // the count in words comes from code (tally.ts): translated through the messages catalogue
    expect(text).to.contain('approbations 3 sur 4 suffrages exprimés = 75\u00a0% ≥ 66.7\u00a0%');
    expect(text).to.contain('au moins deux tiers des suffrages exprimés');
    expect(text).to.match(/quorum : 4 sur \d+ ont voté/);
    for (const s of ['What the Board is voting on', 'Live state', 'Cast the vote', 'Your vote', 'Required to disapprove', 'Electorate:', 'Opened out of order', 'votes cast =', 'The secretariat opened this ballot']) expect(text).to.not.contain(s);
  });

  it('the list in Arabic (right to left) and in Spanish, for a reader who is not signed in', async () => {
    const ar = await request(t.app).get('/ballots').set('Cookie', 'lang=ar').expect(200);
    expect(ar.text).to.match(/<html lang="ar" dir="rtl">/);
    expect(read(ar.text)).to.contain('عمليات التصويت في مجلس الاستعراض');
    expect(read(ar.text)).to.not.contain('Ballots of the Review Board');
    expect(read(ar.text)).to.not.contain('No ballot has closed yet.');
    const es = await request(t.app).get('/ballots').set('Accept-Language', 'es').expect(200);
    expect(read(es.text)).to.contain('Todavía no se ha cerrado ninguna votación.');
  });

  it('the opening form in French: field messages translated, the input kept', async () => {
    const sec = await createUser(t.db, { role: 'secretariat' });
    const agent = request.agent(t.app);
    await signIn(agent, sec);
    const form = await agent.get('/ballots/new').set('Accept-Language', 'fr').expect(200);
    expect(read(form.text)).to.contain('Ouvrir un scrutin');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
    const res = await agent.post('/ballots').set('Accept-Language', 'fr').type('form').send({ _csrf: csrf, version: '07.11|4', closes_at: 'demain', rule: 'iso', quorum: '1.5', override_reason: 'Urgent' }).expect(422);
    const text = read(res.text);
    expect(text).to.contain('Veuillez vérifier les champs signalés ci-dessous.');
    expect(text).to.contain('Saisissez l’heure de clôture sous forme de date et d’heure UTC, par exemple 2027-03-31T23:59.');
    expect(text).to.contain('Le quorum est une fraction comprise entre 0 et 1.');
    expect(text).to.not.contain('The quorum is a fraction');
    expect(res.text).to.contain('value="demain"');
    expect(res.text).to.contain('value="1.5"');
  });

  it('a refused vote in Arabic: the message in Arabic at the field, the reason kept', async () => {
    const member = await agentFor(t, 'board', { organisation: 'GICHD' });
    const page = await member.agent.get(`/ballots/${id}`).set('Accept-Language', 'ar').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const res = await member.agent.post(`/ballots/${id}/vote`).set('Accept-Language', 'ar').type('form').send({ _csrf: csrf, position: 'maybe', reason: 'Peut-être' });
    expect(res.status).to.equal(422);
    const text = read(res.text);
    expect(text).to.contain('اختر الموافقة أو عدم الموافقة أو الامتناع أو التنحي.');
    expect(text).to.contain('Peut-être');
  });

  it('the confirmation before closing early, in Russian', async () => {
    const sec = await agentFor(t, 'secretariat');
    const page = await sec.agent.get(`/ballots/${id}/close/confirm`).set('Accept-Language', 'ru').expect(200);
    const text = read(page.text);
    expect(text).to.contain(`Закрыть голосование ${id} сейчас?`);
    expect(text).to.contain('Это действие необратимо');
    expect(text).to.not.contain('cannot be undone');
  });
});
