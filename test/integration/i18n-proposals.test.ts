/**
 * Proposals and the steps after the Board in the reader's language (issue 19 item 1): the log, the
 * Justification Form and a proposal's page in French and Arabic; refusals at their fields in the page's
 * language with the input kept; the English pages are those of proposals-pages.test.ts.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor } from '../helpers/auth.ts';
import { circulate, propose, respond, seat } from '../helpers/proposals.ts';
import { boardOf, openBallot, secretariat, vote } from '../helpers/ballots.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const read = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&#x3D;/g, '=').replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/[\u2066-\u2069]/g, '');

describe('i18n: proposals and the steps after the Board', () => {
  let t: App;
  let sec: { auth: [string, string] };
  before(async () => {
    t = await testApp();
    sec = await bearerFor(t, 'secretariat');
  });
  after(() => t.close());

  it('the log in Arabic and French: headings, filters, statuses and kinds translated', async () => {
    const p = await propose(t, await bearerFor(t, 'stakeholder'));
    const ar = read((await request(t.app).get('/proposals').set('Cookie', 'lang=ar').expect(200)).text);
    expect(ar).to.contain('المقترحات');
    expect(ar).to.contain('تعديل لوثيقة قائمة');
    expect(ar).to.contain('مقترح واحد');
    expect(ar).to.not.contain('Every change to the IMAS starts as a proposal');
    expect(ar).to.not.contain('Amendment of an existing document');
    const fr = read((await request(t.app).get('/proposals').set('Accept-Language', 'fr').expect(200)).text);
    expect(fr).to.contain('Toute modification des IMAS commence par une proposition');
    expect(fr).to.contain('Pas encore diffusée');
    expect(fr).to.contain('Soumise');
    expect(fr).to.contain(`P-${p.id}`);
    expect(fr).to.not.contain('Not circulated yet');
    expect(fr).to.not.contain('Any status');
  });

  it('the Justification Form in French: messages at their fields, what was typed kept', async () => {
    const { agent, csrf } = await agentFor(t, 'stakeholder');
    const form = read((await agent.get('/proposals/new').set('Accept-Language', 'fr').expect(200)).text);
    expect(form).to.contain('Proposer une modification : le formulaire de justification');
    expect(form).to.contain('Document à amender');
    const res = await agent.post('/proposals').set('Accept-Language', 'fr').type('form').send({ _csrf: csrf, kind: 'amendment', standard: '', title: 'Mon idée', rationale: '', scope: 'Partout' });
    expect(res.status).to.equal(422);
    const text = read(res.text);
    expect(text).to.contain('Veuillez vérifier les champs signalés ci-dessous.');
    expect(text).to.contain('Saisissez la justification.');
    expect(text).to.contain('Indiquez s’il s’agit d’une modification de fond : oui ou non.');
    expect(text).to.not.contain('Enter the rationale.');
    expect(res.text).to.contain('value="Mon idée"');
    expect(res.text).to.contain('>Partout</textarea>');
  });

  it('a circulated proposal in Russian: the Board, the responses, the member\'s form; a refused response in Russian', async () => {
    const seated = await seat(t, ['Org A', 'Org B']);
    const p = await propose(t, await bearerFor(t, 'stakeholder'));
    await circulate(t, sec, p.id);
    expect((await respond(t, seated['Org A']!, p.id, 'support')).status).to.be.lessThan(300);
    const member = await agentFor(t, seated['Org B']!.user);
    const page = read((await member.agent.get(`/proposals/${p.id}`).set('Accept-Language', 'ru').expect(200)).text);
    expect(page).to.contain('Совет по пересмотру');
    expect(page).to.contain('Разослано');
    expect(page).to.contain('Ответ вашей организации');
    expect(page).to.not.contain('Circulated on');
    expect(page).to.not.contain('Your organisation');
    const res = await member.agent.post(`/proposals/${p.id}/response`).set('Accept-Language', 'ru').type('form').send({ _csrf: member.csrf, position: 'perhaps', comment: 'Может быть' });
    expect(res.status).to.equal(422);
    const text = read(res.text);
    expect(text).to.contain('Выберите: «поддерживаем» или «не поддерживаем».');
    expect(text).to.contain('Может быть');
  });

  it('the steps after the Board in Spanish, with a refused date in Spanish', async () => {
    const s = await secretariat(t);
    const m = await boardOf(t, ['X', 'Y']);
    const b = await openBallot(t, s);
    for (const o of Object.keys(m)) expect((await vote(t, m[o]!, b.id, 'approve')).status).to.equal(200);
    await request(t.app).post(`/api/v1/ballots/${b.id}/close`).set(...s.auth).expect(200);
    const agent = await agentFor(t, s.user);
    const page = read((await agent.agent.get('/standards/07.11/versions/4/steps').set('Accept-Language', 'es').expect(200)).text);
    expect(page).to.contain('Después de la Junta: Grupo Directivo y aprobación de las Naciones Unidas');
    expect(page).to.contain('Registrar la aceptación del Grupo Directivo');
    expect(page).to.not.contain('After the Board');
    const res = await agent.agent.post('/standards/07.11/versions/4/steps').set('Accept-Language', 'es').type('form').send({ _csrf: agent.csrf, step: 'steering_group', date: '2099-01-01', note: 'Reunión' });
    expect(res.status).to.equal(422);
    const text = read(res.text);
    expect(text).to.contain('La fecha no puede ser futura (hoy es 2026-11-23).');
    expect(res.text).to.contain('value="2099-01-01"');
    expect(text).to.contain('Reunión');
    const confirm = read((await agent.agent.post('/standards/07.11/versions/4/steps').set('Accept-Language', 'es').type('form').send({ _csrf: agent.csrf, step: 'steering_group', date: '2026-11-23' }).expect(200)).text);
    expect(confirm).to.contain('¿Registrar la aceptación de');
    expect(confirm).to.contain('Aceptación del Grupo Directivo: 23 de noviembre de 2026.');
  });
});
