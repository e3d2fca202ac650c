import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { boardOf, openBallot, secretariat, vote, type Member } from '../helpers/ballots.ts';
import { verifyChain } from '../../server/audit/service.ts';

type App = Awaited<ReturnType<typeof testApp>>;

describe('publication: an approved version becomes an edition', () => {
  let t: App;
  let sec: Member;
  let m: Record<string, Member>;
  let ballotId: number;
  before(async () => {
    t = await testApp();
    sec = await secretariat(t);
    m = await boardOf(t, ['A', 'B', 'C', 'D']);
  });
  after(() => t.close());

  const publish = (n: number, body: Record<string, unknown>) => request(t.app).post(`/api/v1/standards/07.11/versions/${n}/publish`).set(...sec.auth).send(body);
  const body = { edition: 3, in_force_from: '2027-01-01', summary: 'Third edition: residual contamination, remote sensing, monitoring.' };

  it('refuses to publish anything not approved, with the reason (409)', async () => {
    const draft = await publish(4, body);
    expect(draft.status).to.equal(409);
    expect(draft.body.error.message).to.match(/has not been through a ballot/);
    const published = await publish(3, body);
    expect(published.status).to.equal(409);
    expect(published.body.error.message).to.match(/already published/);
    const b = await openBallot(t, sec);
    ballotId = b.id;
    const open = await publish(4, body);
    expect(open.status).to.equal(409);
    expect(open.body.error.message).to.match(/not closed yet/);
    const board = await request(t.app).post('/api/v1/standards/07.11/versions/4/publish').set(...m.A!.auth).send(body);
    expect(board.status).to.equal(403);
    const invalid = await publish(4, { edition: 'three', in_force_from: '1 January' });
    expect(invalid.status).to.equal(422);
    expect(invalid.body.error.fields).to.have.keys(['edition', 'in_force_from', 'summary']);
  });

  it('publishes after an approved ballot; the previous edition is superseded from the in-force date', async () => {
    for (const o of ['A', 'B', 'C']) await vote(t, m[o]!, ballotId, 'approve');
    await vote(t, m.D!, ballotId, 'disapprove', 'Clause 5 is unclear.');
    const closed = await request(t.app).post(`/api/v1/ballots/${ballotId}/close`).set(...sec.auth).expect(200);
    expect(closed.body.result).to.equal('approved'); // 3 : 1, one quarter exactly
    t.clock.set('2026-11-24T09:00:00.000Z');
    // numbering and dates are checked
    expect((await publish(4, { ...body, edition: 2 })).status).to.equal(422);
    expect((await publish(4, { ...body, edition: 1, amendment: 2 })).body.error.message).to.match(/would come before/);
    expect((await publish(4, { ...body, in_force_from: '2026-11-01' })).body.error.fields).to.have.property('in_force_from');
    const ok = await publish(4, body);
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    expect(ok.body).to.include({ ref: '07.11', n: 4, state: 'published', edition: 3, amendment: null, edition_label: 'Edition 3', in_force_from: '2027-01-01', published_at: '2026-11-24T09:00:00.000Z' });
    expect((await publish(4, body)).status).to.equal(409);
    // a published text takes no more comments: its consultation closed at publication
    const consultations = (await request(t.app).get('/api/v1/consultations').expect(200)).body.consultations as Array<{ id: number; n: number; ref: string; state: string }>;
    const c = consultations.find((x) => x.ref === '07.11' && x.n === 4)!;
    expect(c.state).to.equal('closed');

    // before the in-force date: Edition 2 is current and Edition 3 is announced
    const cur = await request(t.app).get('/api/v1/standards/07.11/current').expect(200);
    expect(cur.body.n).to.equal(3);
    const page = await request(t.app).get('/standards/07.11').expect(200);
    expect(page.text).to.contain('comes into force on');
    const std = await request(t.app).get('/api/v1/standards/07.11').expect(200);
    const v3 = std.body.versions.find((v: { n: number }) => v.n === 3);
    expect(v3.in_force_until).to.equal('2027-01-01');

    // from the in-force date the new edition is current; point-in-time lookups follow
    t.clock.set('2027-01-01T00:00:00.000Z');
    expect((await request(t.app).get('/api/v1/standards/07.11/current').expect(200)).body.n).to.equal(4);
    expect((await request(t.app).get('/api/v1/standards/07.11/in-force?date=2026-12-31').expect(200)).body.n).to.equal(3);
    expect((await request(t.app).get('/api/v1/standards/07.11/in-force?date=2027-01-01').expect(200)).body.n).to.equal(4);
    const current = await request(t.app).get('/standards/07.11').expect(200);
    expect(current.text).to.contain('Edition 3');
    expect(current.text).not.to.contain('DRAFT — not for use');
    // the amendment record lists it
    expect(current.text).to.match(/amendment-record[\s\S]*Edition 3[\s\S]*Third edition: residual contamination/);
    // Readers see the published version by its edition, not by the label it had as a draft
    const draftLabel = 'Draft Edition 3 for consultation';
    expect(current.text).to.contain('/standards/07.11/versions/4">Edition 3</a>');
    expect(current.text).not.to.contain(draftLabel);
    const history = await request(t.app).get('/standards/07.11/versions').expect(200);
    expect(history.text).to.contain('/standards/07.11/versions/4">Edition 3</a> <span class="badge">current</span>');
    expect(history.text).to.contain('<option value="4" selected>4: Edition 3</option>');
    expect(history.text).not.to.contain(draftLabel);
    const home = await request(t.app).get('/').expect(200);
    expect(home.text).to.contain('IMAS 07.11 Land release — Edition 3</a>, published 24 November 2026');
    const catalogue = await request(t.app).get('/standards?q=07.11').expect(200);
    expect(catalogue.text).to.contain('Edition 3, in force from 1 January 2027');
    const diff = await request(t.app).get('/standards/07.11/diff/3..4').expect(200);
    expect(diff.text).to.contain('/standards/07.11/versions/4">Edition 3</a>');
  });

  it("the published version's page shows the SHA-256 of its text and the ballot result with the chain hash at close", async () => {
    const row = await t.db('ballots').where({ id: ballotId }).first();
    const v = await request(t.app).get('/api/v1/standards/07.11/versions/4').expect(200);
    const page = await request(t.app).get('/standards/07.11/versions/4').expect(200);
    expect(page.text).to.contain(v.body.sha256);
    expect(page.text).to.contain(row.close_hash);
    expect(page.text).to.match(/approved/i);
    expect(page.text).to.contain(`/ballots/${ballotId}`);
    // the closed ballot is public, with named positions and reasons
    const pub = await request(t.app).get(`/ballots/${ballotId}`).expect(200);
    expect(pub.text).to.contain('Clause 5 is unclear.');
  });

  it('every vote, close and publication is in the hash chain; a changed row is named', async () => {
    const actions = (await t.db('audit_events').select('action')).map((r: { action: string }) => r.action);
    expect(actions.filter((a: string) => a === 'ballot.vote')).to.have.length(4);
    expect(actions).to.include.members(['ballot.open', 'ballot.close', 'version.publish']);
    expect(await verifyChain(t.db)).to.include({ ok: true });
    const close = await t.db('audit_events').where({ action: 'ballot.close' }).first();
    const data = JSON.parse(close.data);
    expect(data).to.include({ result: 'approved', n: 4 });
    expect(data.votes).to.have.length(4);
    // tamper: turn the disapproval into an approval in the record
    await t.db('audit_events').where({ id: close.id }).update({ data: close.data.replace('"disapprove"', '"approve"') });
    const report = await verifyChain(t.db);
    expect(report.ok).to.equal(false);
    expect(report.firstBad!.id).to.equal(close.id);
    // remove a vote event instead: the next row's link breaks
    await t.db('audit_events').where({ id: close.id }).update({ data: close.data });
    const aVote = await t.db('audit_events').where({ action: 'ballot.vote' }).orderBy('id').first();
    await t.db('audit_events').where({ id: aVote.id }).delete();
    const r2 = await verifyChain(t.db);
    expect(r2.ok).to.equal(false);
    expect(r2.firstBad!.id).to.be.greaterThan(aVote.id);
  });
});
