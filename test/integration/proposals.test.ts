import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor } from '../helpers/auth.ts';
import { alternate, AMENDMENT, chair, circulate, propose, respond, seat, userOf, type Voter } from '../helpers/proposals.ts';

type App = Awaited<ReturnType<typeof testApp>>;
type Seated = Voter & { membershipId: number };

/** 29 member organisations, as the Review Board has (domain.md §1). */
const MEMBERS = Array.from({ length: 29 }, (_, i) => `Member Org ${String(i + 1).padStart(2, '0')}`);

describe('proposals: the Justification Form and the Board\'s support (issue 12 items 3–4)', () => {
  let t: App;
  let sec: { auth: [string, string] };
  let board: Record<string, Seated>;
  let proposer: Voter;
  let observer: Voter;
  let theChair: Voter;
  before(async () => {
    t = await testApp();
    sec = await bearerFor(t, 'secretariat');
    board = await seat(t, MEMBERS);
    observer = Object.values(await seat(t, ['Observer Org'], { status: 'observer' }))[0]!;
    theChair = await chair(t, 'UNMAS');
    proposer = await userOf(t, 'Field Operator Ltd', 'stakeholder', 'Pat Proposer');
  });
  after(() => t.close());

  const get = async (id: number, auth?: [string, string]) => {
    const r = request(t.app).get(`/api/v1/proposals/${id}`);
    const res = await (auth ? r.set(...auth) : r);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body;
  };
  const supportBy = async (id: number, n: number, position = 'support') => {
    for (const name of MEMBERS.slice(0, n)) {
      const r = await respond(t, board[name]!, id, position);
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
    }
  };

  it('any account submits one: kind, document, rationale, scope, substantial; the organisation is the proposer\'s record', async () => {
    const p = await propose(t, proposer);
    expect(p).to.include({ kind: 'amendment', title: AMENDMENT.title, substantial: false, status: 'submitted', decision: null, organisation_id: proposer.organisationId, proposer_id: proposer.user.id });
    expect(p.standard).to.deep.include({ ref: '07.11', designation: 'IMAS 07.11' });
    expect(p.initiator).to.deep.equal({ name: 'Pat Proposer', organisation: 'Field Operator Ltd' });
    const audit = await t.db('audit_events').where({ action: 'proposal.submitted', subject_id: String(p.id) }).first();
    expect(audit.actor_id).to.equal(proposer.user.id);
  });

  it('refuses a form without its fields, an amendment without a document, an unknown document; anonymous callers', async () => {
    const empty = await request(t.app).post('/api/v1/proposals').set(...proposer.auth).send({});
    expect(empty.status).to.equal(422);
    expect(empty.body.error.fields).to.include.keys(['kind', 'title', 'rationale', 'scope', 'substantial']);
    const noDoc = await request(t.app).post('/api/v1/proposals').set(...proposer.auth).send({ ...AMENDMENT, standard: '' });
    expect(noDoc.status).to.equal(422);
    expect(noDoc.body.error.fields.standard).to.match(/document the amendment concerns/);
    const unknown = await request(t.app).post('/api/v1/proposals').set(...proposer.auth).send({ ...AMENDMENT, standard: '99.99' });
    expect(unknown.status).to.equal(422);
    expect(unknown.body.error.fields.standard).to.match(/no document "99.99"/);
    const badNumber = await request(t.app).post('/api/v1/proposals').set(...proposer.auth).send({ ...AMENDMENT, kind: 'new_tnma', standard: null, proposed_number: '12.10' });
    expect(badNumber.status).to.equal(422);
    expect(badNumber.body.error.fields.proposed_number).to.match(/TNMA number is written like 12.10\/01/);
    await request(t.app).post('/api/v1/proposals').send(AMENDMENT).expect(401);
  });

  it('is editable by its proposer and the secretariat until circulated, by no one else, and by no one after', async () => {
    const p = await propose(t, proposer);
    const other = await bearerFor(t, 'stakeholder');
    const byOther = await request(t.app).patch(`/api/v1/proposals/${p.id}`).set(...other.auth).send({ title: 'Taken over' });
    expect(byOther.status).to.equal(403);
    const byMember = await request(t.app).patch(`/api/v1/proposals/${p.id}`).set(...board[MEMBERS[0]!]!.auth).send({ title: 'Taken over' });
    expect(byMember.status).to.equal(403);
    const own = await request(t.app).patch(`/api/v1/proposals/${p.id}`).set(...proposer.auth).send({ title: 'Clarify cancelled areas', substantial: true });
    expect(own.status).to.equal(200);
    expect(own.body).to.include({ title: 'Clarify cancelled areas', substantial: true });
    await request(t.app).patch(`/api/v1/proposals/${p.id}`).set(...sec.auth).send({ scope: 'Clause 5 only.' }).expect(200);
    await circulate(t, sec, p.id);
    const after = await request(t.app).patch(`/api/v1/proposals/${p.id}`).set(...proposer.auth).send({ title: 'Too late' });
    expect(after.status).to.equal(409);
    expect(after.body.error.message).to.equal('This proposal has been circulated to the Board: it can no longer be changed.');
    await request(t.app).patch(`/api/v1/proposals/${p.id}`).set(...sec.auth).send({ title: 'Too late' }).expect(409);
    expect((await get(p.id)).title).to.equal('Clarify cancelled areas');
    expect(await t.db('audit_events').where({ action: 'proposal.edited', subject_id: String(p.id) }).count({ n: '*' }).first()).to.deep.equal({ n: 2 });
  });

  it('is circulated by the secretariat only, to the member organisations of that day (not observers, not the chair)', async () => {
    const p = await propose(t, proposer);
    await request(t.app).post(`/api/v1/proposals/${p.id}/circulate`).set(...proposer.auth).send({ response_due_at: '2026-12-07T17:00Z' }).expect(403);
    await request(t.app).post(`/api/v1/proposals/${p.id}/circulate`).send({ response_due_at: '2026-12-07T17:00Z' }).expect(401);
    const past = await request(t.app).post(`/api/v1/proposals/${p.id}/circulate`).set(...sec.auth).send({ response_due_at: '2026-11-01T17:00Z' });
    expect(past.status).to.equal(409);
    expect(past.body.error.message).to.match(/in the future/);
    const c = await circulate(t, sec, p.id);
    expect((c.electorate as { name: string }[]).map((o) => o.name)).to.deep.equal(MEMBERS);
    expect(c).to.include({ status: 'circulated', support_percent: 25, response_due_at: '2026-12-07T17:00:00.000Z' });
    expect(c.board).to.include({ outcome: 'pending', needed: 8, electorate: 29, supports: 0, responses_open: true });
    // the public sees neither the count nor the responses while they are open
    const pub = await get(p.id);
    expect(pub.board).to.include({ supports: null, electorate: 29 });
    expect(pub.responses).to.equal(null);
    await request(t.app).post(`/api/v1/proposals/${p.id}/circulate`).set(...sec.auth).send({ response_due_at: '2026-12-08T17:00Z' }).expect(409);
  });

  it('29 members: 7 supports do not carry it at the date, 8 do', async () => {
    const seven = await propose(t, proposer, { title: 'Seven supports' });
    await circulate(t, sec, seven.id);
    await supportBy(seven.id, 7);
    const eight = await propose(t, proposer, { title: 'Eight supports' });
    await circulate(t, sec, eight.id);
    await supportBy(eight.id, 8);
    expect((await get(seven.id, sec.auth)).board).to.include({ outcome: 'pending', supports: 7, needed: 8 });
    expect((await get(eight.id, sec.auth)).board).to.include({ outcome: 'supported', supports: 8 });
    // the response date passes: the first read freezes the decision
    const saved = t.clock.now();
    t.clock.set('2026-12-07T17:00:00Z');
    try {
      const s = await get(seven.id);
      expect(s).to.include({ decision: 'not_supported', status: 'not_supported' });
      expect(s.board).to.include({ supports: 7, not_responded: 22, decided_by_secretariat: false, responses_open: false });
      const e = await get(eight.id);
      expect(e).to.include({ decision: 'supported', status: 'supported' });
      const decided = await t.db('audit_events').where({ action: 'proposal.decided' }).whereIn('subject_id', [String(seven.id), String(eight.id)]).orderBy('id');
      expect(decided.map((x) => [x.subject_id, JSON.parse(x.data).decision, x.actor_id])).to.deep.equal([
        [String(seven.id), 'not_supported', null],
        [String(eight.id), 'supported', null],
      ]);
      // read again: nothing more is written
      await get(seven.id);
      expect(await t.db('audit_events').where({ action: 'proposal.decided', subject_id: String(seven.id) }).count({ n: '*' }).first()).to.deep.equal({ n: 1 });
      // a response after the date is refused, with the reason
      const late = await respond(t, board[MEMBERS[10]!]!, seven.id, 'support');
      expect(late.status).to.equal(409);
      expect(late.body.error.message).to.match(/decision on this proposal has been recorded|response date/);
    } finally {
      t.clock.set(saved);
    }
  });

  it('refuses a response after the response date even before anything froze the decision', async () => {
    const p = await propose(t, proposer, { title: 'Late answers' });
    await circulate(t, sec, p.id, '2026-11-25T00:00:00Z');
    const saved = t.clock.now();
    t.clock.set('2026-11-25T00:00:00Z');
    try {
      const late = await respond(t, board[MEMBERS[0]!]!, p.id, 'support');
      expect(late.status).to.equal(409);
      expect(late.body.error.message).to.equal('The response date of this proposal has passed: responses can no longer be given or changed.');
      expect(await t.db('proposal_responses').where({ proposal_id: p.id }).count({ n: '*' }).first()).to.deep.equal({ n: 0 });
    } finally {
      t.clock.set(saved);
    }
  });

  it('keeps one response per organisation: the principal and an alternate both respond → one, the latest', async () => {
    const p = await propose(t, proposer, { title: 'One voice each' });
    await circulate(t, sec, p.id);
    const principal = board[MEMBERS[3]!]!;
    const alt = await alternate(t, principal, MEMBERS[3]!);
    await Promise.all([respond(t, principal, p.id, 'support', 'We agree.'), respond(t, alt, p.id, 'no_support', 'Not now.')]).then((rs) => rs.forEach((r) => expect(r.status).to.equal(200)));
    t.clock.advance(1000);
    const last = await respond(t, alt, p.id, 'support', 'On reflection, yes.');
    expect(last.status).to.equal(200);
    const rows = await t.db('proposal_responses').where({ proposal_id: p.id });
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ organisation_id: principal.organisationId, position: 'support', comment: 'On reflection, yes.', responded_by: alt.user.id });
    const v = await get(p.id, sec.auth);
    expect(v.board).to.include({ supports: 1, no_support: 0, not_responded: 28 });
    expect(v.responses).to.have.length(1);
    expect(v.responses[0]).to.deep.include({ organisation: { id: principal.organisationId, name: MEMBERS[3] }, position: 'support', responded_by: `Alternate of ${MEMBERS[3]}` });
    const events = await t.db('audit_events').where({ subject_type: 'proposal', subject_id: String(p.id) }).whereIn('action', ['proposal.responded', 'proposal.response-changed']);
    expect(events).to.have.length(3);
  });

  it('lets no one but a member organisation\'s voter respond: stakeholders, observers, the chair, other board accounts', async () => {
    const p = await propose(t, proposer, { title: 'Who may answer' });
    await circulate(t, sec, p.id);
    const byStakeholder = await respond(t, proposer, p.id, 'support');
    expect(byStakeholder.status).to.equal(403);
    const byObserver = await respond(t, observer, p.id, 'support');
    expect(byObserver.status).to.equal(403);
    expect(byObserver.body.error.message).to.match(/principal or an alternate of a member organisation/);
    expect((await respond(t, theChair, p.id, 'support')).status).to.equal(403);
    // a board account of a member organisation that is neither its principal nor an alternate
    const colleague = await userOf(t, MEMBERS[0]!, 'board', 'A colleague');
    expect((await respond(t, colleague, p.id, 'support')).status).to.equal(403);
    expect((await respond(t, sec, p.id, 'support')).status).to.equal(403);
    // an organisation seated after circulation is not in its electorate
    const late = Object.values(await seat(t, ['Newcomer Org'], { from: '2026-11-23' }))[0]!;
    const byNewcomer = await respond(t, late, p.id, 'support');
    expect(byNewcomer.status).to.equal(403);
    expect(byNewcomer.body.error.message).to.match(/"Newcomer Org" was not a member organisation .* when this proposal was circulated/);
    const bad = await respond(t, board[MEMBERS[0]!]!, p.id, 'maybe');
    expect(bad.status).to.equal(422);
    expect(bad.body.error.fields).to.have.key('position');
    expect(await t.db('proposal_responses').where({ proposal_id: p.id }).count({ n: '*' }).first()).to.deep.equal({ n: 0 });
  });

  it('records the decision early once supported, refuses it while pending; then responses close', async () => {
    const p = await propose(t, proposer, { title: 'Decided early' });
    await circulate(t, sec, p.id);
    await supportBy(p.id, 7);
    const early = await request(t.app).post(`/api/v1/proposals/${p.id}/decision`).set(...sec.auth);
    expect(early.status).to.equal(409);
    expect(early.body.error.message).to.match(/Not enough member organisations support this proposal yet/);
    await request(t.app).post(`/api/v1/proposals/${p.id}/decision`).set(...board[MEMBERS[0]!]!.auth).expect(403);
    await respond(t, board[MEMBERS[7]!]!, p.id, 'support').then((r) => expect(r.status).to.equal(200));
    const done = await request(t.app).post(`/api/v1/proposals/${p.id}/decision`).set(...sec.auth);
    expect(done.status).to.equal(200);
    expect(done.body).to.include({ decision: 'supported', status: 'supported' });
    expect(done.body.board).to.include({ decided_by_secretariat: true, supports: 8 });
    const closed = await respond(t, board[MEMBERS[20]!]!, p.id, 'no_support');
    expect(closed.status).to.equal(409);
    expect(closed.body.error.message).to.match(/decision on this proposal has been recorded/);
  });

  it('creates a draft from a supported amendment, based on the current edition; the line runs both ways', async () => {
    const p = await propose(t, proposer, { title: 'Traceable amendment' });
    // not yet circulated or supported: no draft
    const tooSoon = await request(t.app).post(`/api/v1/proposals/${p.id}/drafts`).set(...sec.auth).send({ text: '# 1 Scope\n\nText.\n' });
    expect(tooSoon.status).to.equal(409);
    await circulate(t, sec, p.id);
    await supportBy(p.id, 8);
    const std = await t.db('standards').where({ ref: '07.11' }).first('id');
    const current = await t.db('versions').where({ standard_id: std.id, state: 'published' }).orderBy('in_force_from', 'desc').first('id', 'n', 'source');
    const text = String(current.source).replace(/\bshall\b/, 'must');
    await request(t.app).post(`/api/v1/proposals/${p.id}/drafts`).set(...proposer.auth).send({ text }).expect(403);
    const made = await request(t.app).post(`/api/v1/proposals/${p.id}/drafts`).set(...sec.auth).send({ text, label: 'Amendment draft' });
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    expect(made.body).to.include({ ref: '07.11' });
    const version = await request(t.app).get(`/api/v1/standards/07.11/versions/${made.body.n}`).set(...sec.auth).expect(200);
    expect(version.body).to.include({ proposal_id: p.id, based_on: current.n, label: 'Amendment draft' });
    // the decision was recorded with the draft, by the secretariat
    const v = await get(p.id, sec.auth);
    expect(v).to.include({ status: 'being_drafted', decision: 'supported' });
    expect(v.versions.map((x: { n: number }) => x.n)).to.deep.equal([made.body.n]);
    // the draft's page links back
    const sa = await agentFor(t, 'secretariat');
    const page = await sa.agent.get(`/standards/07.11/versions/${made.body.n}`).expect(200);
    expect(page.text).to.contain(`href="/proposals/${p.id}"`);
    // a draft based on it carries the proposal too; a consultation and a ballot on it link back
    const next = await request(t.app).post('/api/v1/standards/07.11/versions').set(...sec.auth).send({ text: text.replace(/\bmust\b/, 'shall always'), based_on: made.body.n });
    expect(next.status, JSON.stringify(next.body)).to.equal(201);
    expect(next.body.proposal_id).to.equal(p.id);
    const cons = await request(t.app).post(`/api/v1/standards/07.11/versions/${next.body.n}/consultations`).set(...sec.auth).send({ opens_at: '2026-11-23T12:00Z', closes_at: '2026-12-23T12:00Z' });
    expect(cons.status, JSON.stringify(cons.body)).to.equal(201);
    const ballot = await request(t.app).post(`/api/v1/standards/07.11/versions/${next.body.n}/ballots`).set(...sec.auth).send({ closes_at: '2026-12-30T12:00Z', override_reason: 'Test: the consultation just opened on this draft is still open.' });
    expect(ballot.status, JSON.stringify(ballot.body)).to.equal(201);
    expect(cons.body.proposal_id).to.equal(p.id);
    expect(ballot.body.proposal_id).to.equal(p.id);
    expect((await sa.agent.get(`/consultations/${cons.body.id}`).expect(200)).text).to.contain(`href="/proposals/${p.id}"`);
    expect((await sa.agent.get(`/ballots/${ballot.body.id}`).expect(200)).text).to.contain(`href="/proposals/${p.id}"`);
    // and the proposal links forward to all of them
    const line = await get(p.id, sec.auth);
    expect(line.versions.map((x: { n: number }) => x.n)).to.deep.equal([made.body.n, next.body.n]);
    expect(line.consultations.map((x: { id: number }) => x.id)).to.deep.equal([cons.body.id]);
    expect(line.ballots.map((x: { id: number }) => x.id)).to.deep.equal([ballot.body.id]);
    const proposalPage = await request(t.app).get(`/proposals/${p.id}`).expect(200);
    expect(proposalPage.text).to.contain(`/consultations/${cons.body.id}`);
    // the public sees the draft under consultation, not the first one (never released)
    expect((await get(p.id)).versions.map((x: { n: number }) => x.n)).to.deep.equal([next.body.n]);
    expect(await t.db('audit_events').where({ action: 'proposal.drafted', subject_id: String(p.id) }).count({ n: '*' }).first()).to.deep.equal({ n: 1 });
  });

  it('a new standard: the Steering Group approves before drafting; the draft adds the standard', async () => {
    const p = await propose(t, proposer, { kind: 'new_imas', standard: null, proposed_number: '07.15', title: 'Residual contamination management' });
    expect(p.standard).to.equal(null);
    await circulate(t, sec, p.id);
    await supportBy(p.id, 8);
    const draftFirst = await request(t.app).post(`/api/v1/proposals/${p.id}/drafts`).set(...sec.auth).send({ text: '# 1 Scope\n\nThis standard covers residual contamination.\n' });
    expect(draftFirst.status).to.equal(409);
    expect(draftFirst.body.error.message).to.match(/Steering Group/);
    expect((await get(p.id)).decision).to.equal(null); // the refused draft recorded nothing
    const badDate = await request(t.app).post(`/api/v1/proposals/${p.id}/steering-group`).set(...sec.auth).send({ approved_on: '2026-13-01' });
    expect(badDate.status).to.equal(422);
    const sg = await request(t.app).post(`/api/v1/proposals/${p.id}/steering-group`).set(...sec.auth).send({ approved_on: '2026-11-20' });
    expect(sg.status, JSON.stringify(sg.body)).to.equal(200);
    expect(sg.body).to.include({ decision: 'supported', status: 'supported' });
    expect(sg.body.steering_group).to.deep.equal({ approved_on: '2026-11-20' });
    const made = await request(t.app).post(`/api/v1/proposals/${p.id}/drafts`).set(...sec.auth).send({ text: '# 1 Scope\n\nThis standard covers residual contamination.\n' });
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    expect(made.body).to.include({ ref: '07.15', n: 1 });
    const s = await request(t.app).get('/api/v1/standards/07.15').set(...sec.auth).expect(200);
    expect(s.body.title).to.equal('Residual contamination management');
    expect((await get(p.id)).standard).to.deep.include({ ref: '07.15' });
  });

  it('is dropped by the secretariat with a reason; nothing more happens to it', async () => {
    const p = await propose(t, proposer, { title: 'To be dropped' });
    await circulate(t, sec, p.id);
    await request(t.app).post(`/api/v1/proposals/${p.id}/drop`).set(...proposer.auth).send({ reason: 'x' }).expect(403);
    const noReason = await request(t.app).post(`/api/v1/proposals/${p.id}/drop`).set(...sec.auth).send({});
    expect(noReason.status).to.equal(422);
    const dropped = await request(t.app).post(`/api/v1/proposals/${p.id}/drop`).set(...sec.auth).send({ reason: 'Covered by the 07.11 revision.' });
    expect(dropped.status).to.equal(200);
    expect(dropped.body).to.include({ status: 'dropped' });
    expect(dropped.body.dropped).to.deep.include({ reason: 'Covered by the 07.11 revision.' });
    expect((await respond(t, board[MEMBERS[0]!]!, p.id, 'support')).status).to.equal(409);
    await request(t.app).post(`/api/v1/proposals/${p.id}/drop`).set(...sec.auth).send({ reason: 'again' }).expect(409);
  });

  it('the log: date, title, initiator, decision, status; filtered by status, kind, year and words', async () => {
    const all = await request(t.app).get('/api/v1/proposals').expect(200);
    expect(all.body.total).to.be.greaterThan(5);
    const first = all.body.proposals[0];
    expect(first).to.have.keys(['id', 'kind', 'kind_label', 'title', 'submitted_at', 'initiator', 'standard', 'proposed_number', 'substantial', 'status', 'status_label', 'decision', 'decision_label', 'circulated_at', 'response_due_at']);
    const dropped = await request(t.app).get('/api/v1/proposals?status=dropped').expect(200);
    expect(dropped.body.proposals.map((p: { title: string }) => p.title)).to.deep.equal(['To be dropped']);
    const newOnes = await request(t.app).get('/api/v1/proposals?kind=new_imas').expect(200);
    expect(newOnes.body.proposals.map((p: { title: string }) => p.title)).to.deep.equal(['Residual contamination management']);
    expect((await request(t.app).get('/api/v1/proposals?year=2025').expect(200)).body.proposals).to.deep.equal([]);
    expect((await request(t.app).get('/api/v1/proposals?year=2026').expect(200)).body.proposals.length).to.equal(all.body.total);
    const ofStandard = await request(t.app).get('/api/v1/proposals?standard=IMAS 07.15').expect(200);
    expect(ofStandard.body.proposals.map((p: { title: string }) => p.title)).to.deep.equal(['Residual contamination management']);
    expect((await request(t.app).get('/standards/07.11').expect(200)).text).to.contain('href="/proposals?standard=07.11"');
    const words = await request(t.app).get('/api/v1/proposals?q=traceable').expect(200);
    expect(words.body.proposals.map((p: { title: string }) => p.title)).to.deep.equal(['Traceable amendment']);
    // junk filters are ignored, not refused
    expect((await request(t.app).get('/api/v1/proposals?status=nonsense&year=abc').expect(200)).body.proposals.length).to.equal(all.body.total);
    // the page, public, with the same filter
    const page = await request(t.app).get('/proposals?status=dropped').expect(200);
    expect(page.text).to.contain('To be dropped');
    expect(page.text).not.to.contain('Traceable amendment');
    expect((await request(t.app).get('/standards').expect(200)).text).to.contain('href="/proposals"');
  });
});

describe('proposals: the threshold is configurable', () => {
  let t: App;
  after(() => t.close());
  it('PROPOSAL_SUPPORT_PERCENT=50: 4 members need 2', async () => {
    t = await testApp({ env: { PROPOSAL_SUPPORT_PERCENT: '50' } });
    const sec = await bearerFor(t, 'secretariat');
    const board = await seat(t, ['A', 'B', 'C', 'D']);
    const proposer = await userOf(t, 'Someone', 'stakeholder');
    const p = await propose(t, proposer);
    const c = await circulate(t, sec, p.id);
    expect(c).to.include({ support_percent: 50 });
    expect(c.board).to.include({ needed: 2 });
    await respond(t, board.A!, p.id, 'support');
    expect((await request(t.app).get(`/api/v1/proposals/${p.id}`).set(...sec.auth)).body.board.outcome).to.equal('pending');
    await respond(t, board.B!, p.id, 'support');
    expect((await request(t.app).get(`/api/v1/proposals/${p.id}`).set(...sec.auth)).body.board.outcome).to.equal('supported');
  });
});

describe('proposals: completed once an edition is published from it', () => {
  let t: App;
  after(() => t.close());
  it('draft → ballot → approved → published: the proposal is completed and links to the edition', async () => {
    t = await testApp();
    const sec = await bearerFor(t, 'secretariat');
    const board = await seat(t, ['Sole Member']);
    const proposer = await userOf(t, 'Operator', 'stakeholder');
    const p = await propose(t, proposer, { title: 'To completion' });
    await circulate(t, sec, p.id);
    expect((await respond(t, board['Sole Member']!, p.id, 'support')).status).to.equal(200);
    const std = await t.db('standards').where({ ref: '07.11' }).first('id');
    const current = await t.db('versions').where({ standard_id: std.id, state: 'published' }).orderBy('in_force_from', 'desc').first('source');
    const made = await request(t.app).post(`/api/v1/proposals/${p.id}/drafts`).set(...sec.auth).send({ text: String(current.source).replace(/\bshall\b/, 'must') });
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    const ballot = await request(t.app).post(`/api/v1/standards/07.11/versions/${made.body.n}/ballots`).set(...sec.auth).send({ closes_at: '2026-12-30T12:00Z', override_reason: 'Test: the consultation just opened on this draft is still open.' });
    expect(ballot.status, JSON.stringify(ballot.body)).to.equal(201);
    const voted = await request(t.app).put(`/api/v1/ballots/${ballot.body.id}/vote`).set(...board['Sole Member']!.auth).send({ position: 'approve' });
    expect(voted.status, JSON.stringify(voted.body)).to.equal(200);
    expect((await request(t.app).post(`/api/v1/ballots/${ballot.body.id}/close`).set(...sec.auth)).body.result).to.equal('approved');
    const published = await request(t.app).post(`/api/v1/standards/07.11/versions/${made.body.n}/publish`).set(...sec.auth).send({ edition: 3, in_force_from: '2027-01-01', summary: 'From proposal.' });
    expect(published.status, JSON.stringify(published.body)).to.equal(200);
    const v = (await request(t.app).get(`/api/v1/proposals/${p.id}`).expect(200)).body;
    expect(v).to.include({ status: 'completed', status_label: 'Completed' });
    expect(v.versions).to.have.length(1);
    expect(v.versions[0]).to.include({ n: made.body.n, state: 'published', edition: 3 });
    expect(v.ballots.map((b: { id: number }) => b.id)).to.deep.equal([ballot.body.id]);
    // the edition's public page links back; a completed proposal cannot be dropped
    expect((await request(t.app).get(`/standards/07.11/versions/${made.body.n}`).expect(200)).text).to.contain(`href="/proposals/${p.id}"`);
    expect((await request(t.app).get('/standards/07.11/versions').expect(200)).text).to.contain(`from <a href="/proposals/${p.id}">proposal P-${p.id}</a>`);
    expect((await request(t.app).post(`/api/v1/proposals/${p.id}/drop`).set(...sec.auth).send({ reason: 'late' })).status).to.equal(409);
    expect((await request(t.app).get('/api/v1/proposals?status=completed').expect(200)).body.proposals.map((x: { id: number }) => x.id)).to.deep.equal([p.id]);
  });
});

describe('proposals: an organisation merged after circulation keeps its one seat', () => {
  let t: App;
  after(() => t.close());
  it('the voter of the organisation it was merged into answers for it; one response, counted once', async () => {
    t = await testApp();
    const sec = await bearerFor(t, 'secretariat');
    const board = await seat(t, ['Old Name Org', 'Other Org']);
    const proposer = await userOf(t, 'Proposing Org', 'stakeholder');
    const p = await propose(t, proposer);
    await circulate(t, sec, p.id);
    expect((await respond(t, board['Old Name Org']!, p.id, 'no_support')).status).to.equal(200);
    // the secretariat merges the record into another (the one that stays); its voters move with it
    const into = await userOf(t, 'New Name Org', 'stakeholder');
    const merged = await request(t.app).post(`/api/v1/organisations/${board['Old Name Org']!.organisationId}/merge`).set(...sec.auth).send({ into: into.organisationId });
    expect(merged.status, JSON.stringify(merged.body)).to.equal(200);
    const again = await respond(t, board['Old Name Org']!, p.id, 'support');
    expect(again.status, JSON.stringify(again.body)).to.equal(200);
    expect(await t.db('proposal_responses').where({ proposal_id: p.id }).select('organisation_id', 'position')).to.deep.equal([{ organisation_id: board['Old Name Org']!.organisationId, position: 'support' }]);
    expect(again.body.board).to.include({ supports: 1, no_support: 0, not_responded: 1 });
    expect(again.body.actions.respond).to.deep.equal({ id: board['Old Name Org']!.organisationId, name: 'New Name Org' });
  });
});
