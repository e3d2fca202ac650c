import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, csrfFrom } from '../helpers/auth.ts';
import { boardOf, openBallot, secretariat, vote, type Member } from '../helpers/ballots.ts';

type App = Awaited<ReturnType<typeof testApp>>;
// Cells of the audit table, without the machine-readable datetime attributes.
const cells = (html: string) => html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>')).replace(/ datetime="[^"]*"/g, '');

/** Issue 11 item 11: readable records. */
describe('readable records: the audit log, histories, tables on a phone', () => {
  let t: App;
  let sec: Member;
  let m: Record<string, Member>;
  let web: Awaited<ReturnType<typeof agentFor>>;
  let ballotId: number;
  before(async () => {
    t = await testApp();
    sec = await secretariat(t);
    m = await boardOf(t, ['A', 'B', 'C']);
    ballotId = (await openBallot(t, sec)).id;
    for (const o of ['A', 'B', 'C']) await vote(t, m[o]!, ballotId, 'approve');
    await request(t.app).post(`/api/v1/ballots/${ballotId}/close`).set(...sec.auth).expect(200);
    await request(t.app).post('/api/v1/standards/07.11/versions/4/publish').set(...sec.auth).send({ edition: 3, in_force_from: '2027-01-01', summary: 'Third edition.' }).expect(200);
    web = await agentFor(t, sec.user);
  });
  after(() => t.close());

  it('the audit log names people and versions as the site does, with dates as elsewhere', async () => {
    const page = await web.agent.get('/admin/audit').expect(200);
    const body = cells(page.text);
    // who: the name from the users table, linked to the account
    expect(body).to.contain(`<a href="/admin/users/${m.A!.user.id}"><bdi>${m.A!.user.name}</bdi></a>`);
    expect(body).to.contain(`<bdi>${sec.user.name}</bdi>`);
    // what: public names, never the internal version number
    expect(body).to.contain('<a href="/standards/07.11/versions/4"><bdi>IMAS 07.11 Edition 3</bdi></a>');
    expect(body).to.contain(`<a href="/ballots/${ballotId}"><bdi>Ballot ${ballotId} on IMAS 07.11 Edition 3</bdi></a>`);
    expect(body).to.contain(`cast by ${m.A!.user.name}`);
    expect(body).not.to.match(/cast by id|on version 4\b|"n":|version 4</);
    // dates as on the rest of the site
    expect(body).to.match(/<time>\d{1,2} November 2026, \d\d:\d\d UTC<\/time>/);
    expect(body).not.to.match(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    expect(body).to.contain('in force from:</span> <bdi>1 January 2027</bdi>');
  });

  it("a closed account reads as a former member of its organisation, from the users table at display time", async () => {
    const form = await web.agent.get(`/admin/users/${m.B!.user.id}/close`).expect(200);
    await web.agent.post(`/admin/users/${m.B!.user.id}/close`).type('form').send({ _csrf: csrfFrom(form.text) }).expect(303);
    const body = cells((await web.agent.get('/admin/audit').expect(200)).text);
    expect(body).to.contain(`<a href="/admin/users/${m.B!.user.id}"><bdi>former member of B</bdi></a>`);
    expect(body).not.to.contain(m.B!.user.name);
    // the rows themselves keep ids only
    const rows = await t.db('audit_events').where({ actor_id: m.B!.user.id });
    expect(JSON.stringify(rows)).not.to.contain('former member');
  });

  it("an account's history on its page reads the same way", async () => {
    const page = await web.agent.get(`/admin/users/${m.A!.user.id}`).expect(200);
    const history = page.text.slice(page.text.indexOf('class="audit-list"'));
    expect(history).to.contain('ballot.vote');
    expect(history).to.contain(`Ballot ${ballotId} on IMAS 07.11 Edition 3`);
    expect(history).to.match(/<time datetime="[^"]+">\d{1,2} November 2026, \d\d:\d\d UTC<\/time>/);
    // the Board member's own account page: the same record, without the secretariat's account links
    const own = await agentFor(t, m.C!.user);
    const mine = await own.agent.get('/account').expect(200);
    const list = mine.text.slice(mine.text.indexOf('class="audit-list"'));
    expect(list).to.contain(`Ballot ${ballotId} on IMAS 07.11 Edition 3`);
    expect(list).not.to.contain('/admin/users/');
  });

  it('history ranges end the day before the next edition begins; the record line says what it is', async () => {
    const history = await request(t.app).get('/standards/07.11/versions').expect(200);
    expect(history.text).to.contain('16 January 2026 to 31 December 2026');
    expect(history.text).not.to.contain('– 1 January 2027');
    const v3 = await request(t.app).get('/standards/07.11/versions/3').expect(200);
    expect(v3.text).to.match(/<dt>In force from<\/dt><dd>16 January 2026 to 31 December 2026<\/dd>/);
    expect(v3.text).not.to.contain('<dt>Record</dt>');
    // on the current edition's page: its permanent address; on that address itself: no link to itself
    const current = await request(t.app).get('/standards/07.11').expect(200);
    expect(current.text).to.contain('<dt>Permanent link</dt><dd><a href="/standards/07.11/versions/3">Edition 2</a>');
    expect(current.text).to.contain('<span aria-current="page">Current edition</span>');
    expect(current.text).not.to.contain('href="/standards/07.11">');
    expect(v3.text).not.to.contain('Permanent link');
    expect(history.text).to.contain('<span aria-current="page">History</span>');
  });
});

describe('readable records: a Board member\'s vote history', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('names the version voted on by its public name, with dates as elsewhere', async () => {
    const sec = await secretariat(t);
    const m = await boardOf(t, ['A', 'B']);
    const ballot = await openBallot(t, sec);
    await vote(t, m.A!, ballot.id, 'abstain');
    await vote(t, m.A!, ballot.id, 'approve');
    const a = await agentFor(t, m.A!.user);
    const page = await a.agent.get(`/ballots/${ballot.id}`).expect(200);
    const history = page.text.slice(page.text.indexOf('class="vote-history"'));
    expect(history).to.match(/<time datetime="[^"]+">\d{1,2} November 2026, \d\d:\d\d UTC<\/time>: approve on Draft Edition 3 for consultation by/);
    expect(history).not.to.contain('on version 4');
  });
});
