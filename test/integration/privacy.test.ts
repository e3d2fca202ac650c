import { expect } from 'chai';
import request from 'supertest';
import { parse as parseCsv } from 'csv-parse/sync';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor, createUser, csrfFrom, TEST_PASSWORD } from '../helpers/auth.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';
import { openBallot, secretariat, vote, type Member } from '../helpers/ballots.ts';
import { verifyChain } from '../../server/audit/service.ts';

type App = Awaited<ReturnType<typeof testApp>>;

/** Every row of a table as one string, to look for a name or address anywhere in it. */
const dump = async (t: App, table: string) => JSON.stringify(await t.db(table).select('*'));

describe('personal data: export and closing an account', () => {
  let t: App;
  let cid: number;
  let sec: Member;
  before(async () => {
    t = await testApp();
    cid = await sampleConsultationId(t.db);
    sec = await secretariat(t);
  });
  after(() => t.close());

  const commentAs = (auth: [string, string], comment: string) =>
    request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...auth).send({ clause: '7.4', type: 'technical', comment }).expect(201);

  it('a user downloads what is held about them, and nothing of anyone else', async () => {
    const alice = await agentFor(t, 'stakeholder', { name: 'Alice Exporter', email: 'alice.exporter@example.org', organisation: 'Export NGO' });
    const bob = await bearerFor(t, 'stakeholder', { name: 'Bob Bystander', email: 'bob.bystander@example.org', organisation: 'Other NGO' });
    const aliceToken = await bearerFor(t, alice.user);
    await commentAs(aliceToken.auth, 'Alice wants a wider buffer zone.');
    await commentAs(bob.auth, 'Bob thinks the buffer is fine.');
    // on the account page, and in the API (by `me` and by id)
    const page = await alice.agent.get('/account').expect(200);
    expect(page.text).to.contain('href="/account/export"');
    const file = await alice.agent.get('/account/export').expect(200).expect('Content-Type', /application\/json/);
    expect(file.headers['content-disposition']).to.match(/attachment; filename="?imas-review-account-\d+\.json"?/);
    const api = await request(t.app).get('/api/v1/users/me/export').set(...aliceToken.auth).expect(200);
    await request(t.app).get(`/api/v1/users/${alice.user.id}/export`).set(...aliceToken.auth).expect(200);
    for (const data of [JSON.parse(file.text), api.body]) {
      expect(data.user).to.include({ id: alice.user.id, email: 'alice.exporter@example.org', name: 'Alice Exporter', organisation: 'Export NGO', role: 'stakeholder' });
      expect(data.user).not.to.have.property('password_hash');
      expect(data.comments.map((c: { comment: string }) => c.comment)).to.deep.equal(['Alice wants a wider buffer zone.']);
      expect(data.api_tokens).to.have.length(1);
      expect(data.api_tokens[0]).to.have.keys(['id', 'name', 'created_at', 'last_used_at', 'revoked_at']);
      expect(data.sessions.active).to.equal(1);
      expect(data.audit_events.map((e: { action: string }) => e.action)).to.include.members(['signin.succeeded', 'token.created', 'comment.submitted']);
      const text = JSON.stringify(data);
      for (const other of ['Bob', 'bob.bystander', 'Other NGO', String(bob.token), String(aliceToken.token)]) expect(text).not.to.contain(other);
      const hashes = (await t.db('api_tokens').where({ user_id: alice.user.id }).select('token_hash')).map((r) => r.token_hash as string);
      for (const h of hashes) expect(text).not.to.contain(h);
    }
  });

  it('a Board member’s export has their votes and vote events', async () => {
    const carol = await createUser(t.db, { role: 'board', name: 'Carol Voter', organisation: 'Member State V' });
    const auth = (await bearerFor(t, carol)).auth;
    const ballot = await openBallot(t, sec);
    expect((await vote(t, { user: carol, auth }, ballot.id, 'disapprove', 'Clause 7.4 is unsafe.')).status).to.equal(200);
    const data = (await request(t.app).get('/api/v1/users/me/export').set(...auth).expect(200)).body;
    expect(data.votes).to.have.length(1);
    expect(data.votes[0]).to.include({ ballot_id: ballot.id, organisation: 'Member State V', position: 'disapprove', reason: 'Clause 7.4 is unsafe.' });
    expect(data.vote_events).to.have.length(1);
    await request(t.app).post(`/api/v1/ballots/${ballot.id}/cancel`).set(...sec.auth).expect(200);
  });

  it('a stakeholder can neither download nor close someone else’s account (403)', async () => {
    const victim = await createUser(t.db, { name: 'Victor Victim' });
    const { auth } = await bearerFor(t, 'stakeholder');
    await request(t.app).get(`/api/v1/users/${victim.id}/export`).set(...auth).expect(403);
    await request(t.app).post(`/api/v1/users/${victim.id}/close`).set(...auth).send({ password: TEST_PASSWORD }).expect(403);
    const board = await bearerFor(t, 'board');
    await request(t.app).post(`/api/v1/users/${victim.id}/close`).set(...board.auth).send({}).expect(403);
    expect((await t.db('users').where({ id: victim.id }).first()).name).to.equal('Victor Victim');
    await request(t.app).post('/api/v1/users/nobody/close').set(...auth).send({}).expect(404);
  });

  it('closing one’s own account needs the password; then sign-in, session and token fail, and the name and address are gone', async () => {
    const dana = await agentFor(t, 'stakeholder', { name: 'Dana Closer', email: 'dana.closer@example.org', organisation: 'Closing NGO' });
    const token = await bearerFor(t, dana.user);
    const posted = await commentAs(token.auth, 'Dana’s comment on the buffer zone.');
    const commentId = posted.body.comment?.id ?? posted.body.id;
    const form = await dana.agent.get('/account/close').expect(200);
    const csrf = csrfFrom(form.text);
    const wrong = await dana.agent.post('/account/close').type('form').send({ _csrf: csrf, password: 'not the password' }).expect(422);
    expect(wrong.text).to.contain('Your password is not right');
    await request(t.app).post('/api/v1/users/me/close').set(...token.auth).send({}).expect(422);
    const done = await dana.agent.post('/account/close').type('form').send({ _csrf: csrf, password: TEST_PASSWORD }).expect(303);
    expect(done.headers.location).to.equal('/privacy?closed=1');

    await request(t.app).post('/api/v1/tokens').send({ email: 'dana.closer@example.org', password: TEST_PASSWORD }).expect(401);
    await request(t.app).get('/api/v1/me').set(...token.auth).expect(401);
    const after = await dana.agent.get('/account');
    expect(after.status).to.equal(303);
    expect(after.headers.location).to.match(/^\/login/);

    for (const table of ['users', 'comments', 'votes', 'api_tokens', 'email_tokens', 'sessions']) {
      const rows = await dump(t, table);
      expect(rows, table).not.to.contain('Dana Closer');
      expect(rows, table).not.to.contain('dana.closer');
    }
    const row = await t.db('users').where({ id: dana.user.id }).first();
    expect(row.email).not.to.contain('@');
    expect(row.name).to.equal('former member of Closing NGO');
    expect(row.closed_at).to.be.a('string');

    // the public record: JSON, CSV, XLSX, the comment's page
    const sheet = await bearerFor(t, 'stakeholder');
    const json = await request(t.app).get(`/api/v1/consultations/${cid}/comments`).set(...sheet.auth).expect(200);
    const mine = (json.body.comments as Array<{ id: number; author: { name: string; organisation: string } }>).find((c) => c.id === commentId)!;
    expect(mine.author).to.deep.equal({ name: 'former member of Closing NGO', organisation: 'Closing NGO' });
    const csv = await request(t.app).get(`/api/v1/consultations/${cid}/comments.csv`).set(...sheet.auth).expect(200);
    const table = parseCsv(csv.text, { bom: true }) as string[][];
    expect(table.some((r) => r.includes('former member of Closing NGO') && r.includes('Dana’s comment on the buffer zone.'))).to.equal(true);
    expect(csv.text).not.to.contain('Dana Closer');
    const xlsx = await request(t.app).get(`/api/v1/consultations/${cid}/comments.xlsx`).set(...sheet.auth).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as never);
    const cells = JSON.stringify(wb.worksheets[0]!.getSheetValues());
    expect(cells).to.contain('former member of Closing NGO');
    expect(cells).not.to.contain('Dana Closer');
    const { agent } = await agentFor(t, 'secretariat');
    expect((await agent.get(`/consultations/${cid}/comments`).expect(200)).text).not.to.contain('Dana Closer');
    const receipt = await agent.get(`/comments/${commentId}`).expect(200);
    expect(receipt.text).to.contain('former member of Closing NGO');
    expect(receipt.text).not.to.contain('Dana Closer');
    // and the consultation report, once it has closed
    t.clock.set('2027-07-02T00:00:00Z');
    try {
      const report = await request(t.app).get(`/api/v1/consultations/${cid}/comments`).expect(200);
      expect(JSON.stringify(report.body)).to.contain('former member of Closing NGO').and.not.to.contain('Dana Closer');
      expect((await request(t.app).get(`/consultations/${cid}/report`).expect(200)).text).not.to.contain('Dana Closer');
    } finally {
      t.clock.set('2026-11-23T12:00:00.000Z');
    }
    await request(t.app).post(`/api/v1/users/${dana.user.id}/close`).set(...sec.auth).send({}).expect(409);
  });

  it('the secretariat closes a Board member’s account on request: the ballot shows “former member of” their organisation', async () => {
    const erin = await createUser(t.db, { role: 'board', name: 'Erin Delegate', email: 'erin.delegate@example.org', organisation: 'Member State E' });
    const erinAuth = (await bearerFor(t, erin)).auth;
    const ballot = await openBallot(t, sec);
    expect((await vote(t, { user: erin, auth: erinAuth }, ballot.id, 'approve')).status).to.equal(200);
    const closed = await request(t.app).post(`/api/v1/users/${erin.id}/close`).set(...sec.auth).send({}).expect(200);
    expect(closed.body.user).to.include({ id: erin.id, name: 'former member of Member State E', organisation: 'Member State E' });
    await request(t.app).get('/api/v1/me').set(...erinAuth).expect(401);
    const { agent } = await agentFor(t, 'secretariat');
    const page = await agent.get(`/ballots/${ballot.id}`).expect(200);
    expect(page.text).to.contain('former member of Member State E');
    expect(page.text).not.to.contain('Erin Delegate');
    const api = await request(t.app).get(`/api/v1/ballots/${ballot.id}`).set(...sec.auth).expect(200);
    const v = (api.body.votes as Array<{ organisation: string; cast_by: { name: string } }>).find((x) => x.organisation === 'Member State E')!;
    expect(v.cast_by.name).to.equal('former member of Member State E');
    for (const table of ['users', 'votes', 'vote_events']) expect(await dump(t, table), table).not.to.contain('Erin').and.not.to.contain('erin.delegate');
    // a closed account cannot be enabled again (it would come back as a voter)
    await request(t.app).patch(`/api/v1/users/${erin.id}`).set(...sec.auth).send({ disabled: false }).expect(409);
    await request(t.app).post(`/api/v1/ballots/${ballot.id}/cancel`).set(...sec.auth).expect(200);
  });

  it('the secretariat closes an account from the accounts page', async () => {
    const fred = await createUser(t.db, { name: 'Fred Asked', organisation: 'Asking NGO', twoFactor: true });
    await t.db('recovery_codes').insert({ user_id: fred.id, code_hash: 'x'.repeat(64), created_at: '2026-11-23T12:00:00.000Z' });
    const { agent } = await agentFor(t, 'secretariat');
    const user = await agent.get(`/admin/users/${fred.id}`).expect(200);
    expect(user.text).to.contain(`href="/admin/users/${fred.id}/close"`);
    const form = await agent.get(`/admin/users/${fred.id}/close`).expect(200);
    expect(form.text).not.to.contain('name="password"');
    await agent.post(`/admin/users/${fred.id}/close`).type('form').send({ _csrf: csrfFrom(form.text) }).expect(303);
    const shown = await agent.get(`/admin/users/${fred.id}`).expect(200);
    expect(shown.text).to.contain('This account was closed');
    expect((await t.db('users').where({ id: fred.id }).first()).name).to.equal('former member of Asking NGO');
    // the second factor's secret and recovery codes are erased with the account
    expect(await t.db('totp_secrets').where({ user_id: fred.id }).first()).to.equal(undefined);
    expect(await t.db('recovery_codes').where({ user_id: fred.id }).first()).to.equal(undefined);
    // and the stakeholder's own export route is not a way into another's data
    const other = await agentFor(t, 'stakeholder');
    expect((await other.agent.get(`/admin/users/${fred.id}/export`)).status).to.equal(403);
  });

  it('audit rows keep ids, not names or addresses, and the chain still verifies after closing', async () => {
    const names = ['Gina Registered', 'Hank Created', 'Ivy Renamed', 'Ivy Renamed Again'];
    const emails = ['gina.registered@example.org', 'hank.created@example.org', 'unknown.person@example.org'];
    await request(t.app).post('/api/v1/register').send({ name: names[0], email: emails[0], organisation: 'Reg NGO', password: 'a long enough password 1' }).expect(202);
    const created = await request(t.app).post('/api/v1/users').set(...sec.auth).send({ name: names[1], email: emails[1], organisation: 'Made NGO', role: 'stakeholder' }).expect(201);
    await request(t.app).patch(`/api/v1/users/${created.body.user.id}`).set(...sec.auth).send({ name: names[3] }).expect(200);
    const ivy = await bearerFor(t, 'board', { name: names[2], organisation: 'Member State I' });
    await request(t.app).patch(`/api/v1/users/${ivy.user.id}`).set(...ivy.auth).send({ name: names[3] }).expect(200);
    await request(t.app).post('/api/v1/tokens').send({ email: emails[2], password: 'whatever it is' }).expect(401);
    await request(t.app).post('/api/v1/tokens').send({ email: emails[1], password: 'whatever it is' }).expect(401);
    const ballot = await openBallot(t, sec);
    expect((await vote(t, ivy, ballot.id, 'approve')).status).to.equal(200);
    await request(t.app).post(`/api/v1/ballots/${ballot.id}/close`).set(...sec.auth).expect(200);
    await request(t.app).post(`/api/v1/users/${ivy.user.id}/close`).set(...sec.auth).send({}).expect(200);
    const audit = await dump(t, 'audit_events');
    for (const s of [...names, ...emails]) expect(audit).not.to.contain(s);
    const close = await t.db('audit_events').where({ action: 'ballot.close', subject_id: String(ballot.id) }).first();
    expect(JSON.parse(close.data).votes[0]).to.include({ organisation: 'Member State I', cast_by_id: ivy.user.id });
    const closing = await t.db('audit_events').where({ action: 'account.closed', subject_id: String(ivy.user.id) }).first();
    expect(JSON.parse(closing.data)).to.deep.equal({ by: 'secretariat' });
    expect((await verifyChain(t.db)).ok).to.equal(true);
  });
});

describe('personal data: the privacy page, the API description, and the last secretariat account', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('/privacy says what is kept and why, is linked from every page’s footer, and is valid HTML', async () => {
    const { HtmlValidate } = await import('html-validate');
    const validator = new HtmlValidate({
      extends: ['html-validate:standard', 'html-validate:a11y'],
      rules: { 'doctype-style': 'off', 'require-sri': 'off', 'long-title': 'off', 'no-trailing-whitespace': 'off', 'attribute-boolean-style': 'off', 'void-style': 'off', 'no-redundant-role': 'off', 'text-content': 'off' },
    });
    const home = await request(t.app).get('/').expect(200);
    expect(home.text).to.contain('<a href="/privacy">Privacy</a>');
    const page = await request(t.app).get('/privacy').expect(200);
    for (const s of ['Your account', 'public record', 'audit record', 'Sessions', '/api/v1/users/me/export', 'former member of']) expect(page.text).to.contain(s);
    const { agent, user } = await agentFor(t, 'stakeholder');
    const close = await agent.get('/account/close').expect(200);
    const admin = await agentFor(t, 'secretariat');
    const adminClose = await admin.agent.get(`/admin/users/${user.id}/close`).expect(200);
    for (const html of [page.text, close.text, adminClose.text, (await agent.get('/account').expect(200)).text]) {
      const report = await validator.validateString(html);
      const problems = report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
      expect(problems, problems.join('\n')).to.deep.equal([]);
    }
    // the secretariat downloads anyone's data on request
    const data = await admin.agent.get(`/admin/users/${user.id}/export`).expect(200);
    expect(JSON.parse(data.text).user.email).to.equal(user.email);
  });

  it('the OpenAPI document describes export and close', async () => {
    const doc = (await request(t.app).get('/api/v1/openapi.json').expect(200)).body;
    expect(doc.paths['/users/{id}/export'].get.responses).to.have.property('200');
    expect(doc.paths['/users/{id}/close'].post.responses).to.include.keys(['200', '403', '409', '422']);
  });

  it('the last active secretariat account cannot be closed (409)', async () => {
    await t.db('users').where({ role: 'secretariat' }).update({ role: 'stakeholder' });
    const only = await bearerFor(t, 'secretariat');
    const res = await request(t.app).post('/api/v1/users/me/close').set(...only.auth).send({ password: TEST_PASSWORD }).expect(409);
    expect(res.body.error.message).to.contain('last active secretariat');
    expect((await t.db('users').where({ id: only.user.id }).first()).closed_at).to.equal(null);
  });
});
