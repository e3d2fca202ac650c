/**
 * The Review Board's register of organisations in the reader's language (issue 19 item 1): the public
 * Board and organisation pages, the secretariat's register and Board forms with refusals at their fields
 * in the page's language and the input kept.
 */
import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor } from '../helpers/auth.ts';
import { chair, seat } from '../helpers/proposals.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const read = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&#x3D;/g, '=').replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/[\u2066-\u2069]/g, '');

describe('i18n: organisations and the Board', () => {
  let t: App;
  let orgId: number;
  before(async () => {
    t = await testApp();
    const seated = await seat(t, ['Org Alpha', 'Org Beta']);
    orgId = seated['Org Alpha']!.organisationId;
    // a confirmed record of the register: its public page is shown
    await t.db('organisations').where({ id: orgId }).update({ confirmed: true });
    await chair(t, 'Org Chair');
  });
  after(() => t.close());

  it('the public Board page in French and Chinese', async () => {
    const fr = read((await request(t.app).get('/board').set('Cookie', 'lang=fr').expect(200)).text);
    expect(fr).to.contain('Le Comité d’examen des IMAS approuve ou rejette les projets de normes par scrutin');
    expect(fr).to.contain('Organisations membres (2)');
    expect(fr).to.contain('Présidence');
    expect(fr).to.match(/Org Chair, représentée par Chair from Org Chair/);
    expect(fr).to.not.contain('Member organisations');
    expect(fr).to.not.contain('represented by');
    const zh = read((await request(t.app).get('/board').set('Accept-Language', 'zh-CN').expect(200)).text);
    expect(zh).to.contain('成员组织（2）');
    expect(zh).to.not.contain('No observers.');
  });

  it('an organisation\'s page in Arabic: its seat and its voting record', async () => {
    const res = await request(t.app).get(`/organisations/${orgId}`).set('Cookie', 'lang=ar').expect(200);
    expect(res.text).to.match(/<html lang="ar" dir="rtl">/);
    const text = read(res.text);
    expect(text).to.contain('في مجلس الاستعراض');
    expect(text).to.contain('سجل التصويت');
    expect(text).to.match(/عضو اعتباراً من/);
    expect(text).to.not.contain('Voting record');
    expect(text).to.not.contain('Member from');
  });

  it('the register in Spanish: a refused organisation, the message at its field, the input kept', async () => {
    const sec = await agentFor(t, 'secretariat');
    const page = read((await sec.agent.get('/admin/organisations').set('Accept-Language', 'es').expect(200)).text);
    expect(page).to.contain('Registro de organizaciones');
    expect(page).to.contain('Añadir una organización');
    const res = await sec.agent.post('/admin/organisations').set('Accept-Language', 'es').type('form').send({ _csrf: sec.csrf, name: '', short_name: 'Corto', kind: 'ngo' });
    expect(res.status).to.equal(422);
    const text = read(res.text);
    expect(text).to.contain('Revise los campos señalados a continuación.');
    expect(text).to.contain('Indique el nombre.');
    expect(text).to.not.contain('Enter the name.');
    expect(res.text).to.contain('value="Corto"');
    expect(res.text).to.match(/<option value="ngo" selected>Organización no gubernamental<\/option>/);
  });

  it('the Board form in Russian: the last day before the first, refused in Russian', async () => {
    const sec = await agentFor(t, 'secretariat');
    const res = await sec.agent.post('/admin/board/memberships').set('Accept-Language', 'ru').type('form').send({ _csrf: sec.csrf, organisation_id: String(orgId), status: 'observer', from: '2027-02-01', until: '2027-01-01' });
    expect(res.status).to.equal(422);
    const text = read(res.text);
    expect(text).to.contain('Последний день не может быть раньше первого.');
    expect(text).to.contain('Совет по пересмотру: члены, наблюдатели, председатель');
    expect(res.text).to.contain('value="2027-01-01"');
    expect(res.text).to.match(/<option value="observer" selected>Наблюдатель \(не голосует\)<\/option>/);
  });
});
