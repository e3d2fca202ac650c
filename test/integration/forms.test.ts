import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor } from '../helpers/auth.ts';
import { boardOf, secretariat } from '../helpers/ballots.ts';
import { laterDraft, sampleConsultationId } from '../helpers/consultations.ts';

type App = Awaited<ReturnType<typeof testApp>>;

/** The field-error span of a field (as views/partials/auth/field.hbs and the hand-written rows print it). */
const fieldError = (html: string, id: string) => new RegExp(`<span class="field-error" id="${id}-error"[^>]*>([^<]*)</span>`).exec(html)?.[1];
const valueOf = (html: string, id: string) => new RegExp(`<input id="${id}"[^>]*value="([^"]*)"`).exec(html)?.[1];

/** Every form that fails comes back filled in, with the message at the field (issue 10, item 5). */
describe('forms: a refused form comes back filled in, with the message at the field', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('consultations: closes before opens keeps the dates and says why at the closing date', async () => {
    const { n } = await laterDraft(t.db);
    const sec = await agentFor(t, 'secretariat');
    const res = await sec.agent.post('/consultations').type('form')
      .send({ _csrf: sec.csrf, ref: '07.11', n: String(n), opens_at: '2027-02-01T09:00', closes_at: '2027-01-15T17:00', instructions: 'Comment by clause.' })
      .expect(422);
    expect(fieldError(res.text, 'closes_at')).to.equal('The closing date must be after the opening date.');
    expect(valueOf(res.text, 'opens_at')).to.equal('2027-02-01T09:00');
    expect(valueOf(res.text, 'closes_at')).to.equal('2027-01-15T17:00');
    expect(res.text).to.contain('Comment by clause.');
    expect(await t.db('consultations').count({ n: '*' }).first()).to.deep.include({ n: 1 });
  });

  it('consultations: a new closing date that is not a date comes back beside the field, as typed', async () => {
    const cid = await sampleConsultationId(t.db);
    const sec = await agentFor(t, 'secretariat');
    const res = await sec.agent.post(`/consultations/${cid}/change`).type('form').send({ _csrf: sec.csrf, action: 'extend', closes_at: '2027-13-45T99:00' }).expect(422);
    expect(fieldError(res.text, 'closes_at')).to.contain('as a date and time in UTC');
    expect(valueOf(res.text, 'closes_at')).to.equal('2027-13-45T99:00');
  });

  it('consultations: a disposition "rejected" without a response keeps the choice and asks for the response', async () => {
    const cid = await sampleConsultationId(t.db);
    const author = await bearerFor(t, 'stakeholder');
    const made = await request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...author.auth).send({ clause: '4.1', type: 'technical', comment: 'Say who decides.' }).expect(201);
    const sec = await agentFor(t, 'secretariat');
    const res = await sec.agent.post(`/comments/${made.body.id}/disposition`).type('form').send({ _csrf: sec.csrf, disposition: 'rejected', response: '  ' }).expect(422);
    expect(fieldError(res.text, 'response')).to.match(/a response is needed when a comment is rejected/);
    expect(res.text).to.match(/<option value="rejected" selected>/);
    expect((await t.db('comments').where({ id: made.body.id }).first()).disposition).to.equal(null);
  });

  it('ballots: a closing time in the past comes back with the draft, rule, quorum and time as chosen', async () => {
    await boardOf(t, ['GICHD', 'UNDP']);
    const sec = await agentFor(t, 'secretariat');
    const res = await sec.agent.post('/ballots').type('form')
      .send({ _csrf: sec.csrf, version: '07.11|4', closes_at: '2026-11-01T12:00', rule: 'majority', quorum: '0.6' })
      .expect(409);
    expect(res.text).to.contain('The closing time must be in the future.');
    expect(valueOf(res.text, 'closes_at')).to.equal('2026-11-01T12:00');
    expect(res.text).to.match(/<option value="07\.11\|4" selected>/);
    expect(res.text).to.match(/<option value="majority" selected>/);
    expect(res.text).to.contain('value="0.6"');
    expect(await t.db('ballots').count({ n: '*' }).first()).to.deep.include({ n: 0 });
  });

  it('drafts: a withdrawal replaced by an unknown standard keeps the date and says why at the field', async () => {
    const sec = await agentFor(t, 'secretariat');
    const res = await sec.agent.post('/admin/standards/07.11/withdraw').type('form').send({ _csrf: sec.csrf, date: '2026-12-31', replaced_by: '99.99' }).expect(422);
    expect(res.text).to.contain('value="2026-12-31"');
    expect(res.text).to.contain('99.99');
    expect((await t.db('standards').where({ ref: '07.11' }).first()).withdrawn_on).to.equal(null);
  });

  it('users: the account form keeps what was typed and says what is missing', async () => {
    const { agent, csrf } = await agentFor(t, 'stakeholder');
    const res = await agent.post('/account').type('form').send({ _csrf: csrf, name: '', organisation_id: 'other', organisation_other: 'Field NGO, Kabul' }).expect(422);
    expect(fieldError(res.text, 'name')).to.equal('Enter your name.');
    expect(valueOf(res.text, 'organisation_other')).to.equal('Field NGO, Kabul');
    expect(res.text).to.match(/<option value="other" selected>/);
  });

  it('auth: registration keeps name, address and organisation (never the password)', async () => {
    const agent = request.agent(t.app);
    const form = await agent.get('/register').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
    const res = await agent.post('/register').type('form').send({ _csrf: csrf, name: 'Ana', email: 'not-an-address', organisation_id: 'other', organisation_other: 'NMAA', password: 'short' }).expect(422);
    expect(fieldError(res.text, 'email')).to.match(/e-mail address like/);
    expect(valueOf(res.text, 'name')).to.equal('Ana');
    expect(valueOf(res.text, 'organisation_other')).to.equal('NMAA');
    expect(res.text).not.to.contain('value="short"');
  });

  it('privacy: closing one\'s account with a wrong password says so at the password', async () => {
    const { agent, csrf } = await agentFor(t, 'stakeholder');
    const res = await agent.post('/account/close').type('form').send({ _csrf: csrf, password: 'not my password' }).expect(422);
    expect(fieldError(res.text, 'password')).to.equal('Your password is not right: the account is still open.');
  });
});

/** One rule for closing times (issue 10, item 5): what one feature accepts, every feature accepts. */
describe('date-time fields: a bare date is accepted for consultation and ballot closing times', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('a consultation closing on 2027-01-31 closes at 00:00 UTC that day, as consultations always read it', async () => {
    const { n } = await laterDraft(t.db);
    const sec = await bearerFor(t, 'secretariat');
    const res = await request(t.app).post(`/api/v1/standards/07.11/versions/${n}/consultations`).set(...sec.auth).send({ closes_at: '2027-01-31' }).expect(201);
    expect(res.body.closes_at).to.equal('2027-01-31T00:00:00.000Z');
  });

  it('a ballot closing on 2026-12-15 closes at 00:00 UTC that day, like a consultation (it was refused before)', async () => {
    await boardOf(t, ['GICHD']);
    const sec = await secretariat(t);
    const res = await request(t.app).post('/api/v1/standards/07.11/versions/4/ballots').set(...sec.auth).send({ closes_at: '2026-12-15' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.closes_at).to.equal('2026-12-15T00:00:00.000Z');
    const extended = await request(t.app).patch(`/api/v1/ballots/${res.body.id}`).set(...sec.auth).send({ closes_at: '2026-12-20T17:00+01:00' }).expect(200);
    expect(extended.body.closes_at).to.equal('2026-12-20T16:00:00.000Z');
  });

  it('a consultation takes a time with an offset, as a ballot does', async () => {
    const sec = await bearerFor(t, 'secretariat');
    const cid = await sampleConsultationId(t.db);
    const res = await request(t.app).patch(`/api/v1/consultations/${cid}`).set(...sec.auth).send({ closes_at: '2027-07-01T12:00:00+02:00' }).expect(200);
    expect(res.body.closes_at).to.equal('2027-07-01T10:00:00.000Z');
  });
});

describe('forms: a comment sent after the window closed is not lost', () => {
  let t: App;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  it('comes back 409 with the message and what was typed', async () => {
    const cid = await sampleConsultationId(t.db);
    const { agent, csrf } = await agentFor(t, 'stakeholder');
    await t.db('consultations').where({ id: cid }).update({ closes_at: '2026-11-23T11:00:00.000Z' });
    const res = await agent.post(`/consultations/${cid}/comments`).type('form').send({ _csrf: csrf, clause: '4.1', type: 'technical', comment: 'A long careful comment.', proposed_change: 'Say who decides.' }).expect(409);
    expect(res.text).to.contain('Your comment was not saved: This consultation closed');
    expect(res.text).to.match(/<textarea readonly[^>]*>A long careful comment\.<\/textarea>/);
    expect(res.text).to.contain('Say who decides.');
  });
});
