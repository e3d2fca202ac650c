import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { agentFor, bearerFor, createUser } from '../helpers/auth.ts';
import { boardOf, newDraft, openBallot, secretariat, vote, type Member } from '../helpers/ballots.ts';
import { circulate, propose, respond } from '../helpers/proposals.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';

type App = Awaited<ReturnType<typeof testApp>>;
type Work = { board: Record<string, Array<{ id: number }>> & { organisation: { name: string } | null } | null; commenter: Record<string, unknown> & { comments: Array<{ id: number; is_new: boolean; disposition: string | null }>; watched_consultations: Array<{ id: number }>; closing_soon: Array<{ id: number }>; new_dispositions: number } | null; queue: Array<{ key: string; count: number; items: Array<{ text: string; href: string; status?: string }> }> | null };

const work = async (t: App, auth: [string, string]): Promise<Work> => (await request(t.app).get('/api/v1/me/work').set(...auth).expect(200)).body;
const ids = (xs: Array<{ id: number }>) => xs.map((x) => x.id);

/** Issue 16 item 1: "My work", per role, and where sign-in lands. */
describe('My work', () => {
  it('is for signed-in accounts: the page sends the public to sign in, the API answers 401', async () => {
    const t = await testApp();
    try {
      await request(t.app).get('/me').expect(303).expect('Location', '/login?next=%2Fme');
      await request(t.app).get('/api/v1/me/work').expect(401);
      const board = await agentFor(t, 'board');
      await board.agent.get('/admin').expect(403);
    } finally {
      await t.close();
    }
  });

  describe('a Board member', () => {
    let t: App;
    let sec: Member;
    let m: Record<string, Member>;
    let ballotId: number;
    before(async () => {
      t = await testApp();
      sec = await secretariat(t);
      m = await boardOf(t, ['Org A', 'Org B']);
      ballotId = (await openBallot(t, sec)).id;
    });
    after(() => t.close());

    it('whose organisation voted sees nothing waiting; one whose organisation did not sees the ballot, on /me and /ballots', async () => {
      expect((await vote(t, m['Org A']!, ballotId, 'approve')).status).to.equal(200);
      const a = await work(t, m['Org A']!.auth);
      const b = await work(t, m['Org B']!.auth);
      expect(a.board!.organisation!.name).to.equal('Org A');
      expect(ids(a.board!.not_voted!)).to.deep.equal([]);
      expect(ids(b.board!.not_voted!)).to.deep.equal([ballotId]);
      expect(a.queue).to.equal(null);

      const pageA = await (await agentFor(t, m['Org A']!.user)).agent.get('/me').expect(200);
      expect(pageA.text).to.contain('None: your organisation has voted in every open ballot.');
      const agentB = (await agentFor(t, m['Org B']!.user)).agent;
      const pageB = await agentB.get('/me').expect(200);
      expect(/<ul class="work-not-voted">([\s\S]*?)<\/ul>/.exec(pageB.text)![1]).to.contain(`href="/ballots/${ballotId}"`);
      // The alternate of an organisation that voted has nothing waiting either: votes are by organisation.
      const alt = await createUser(t.db, { role: 'board', organisation: 'Org A' });
      expect(ids((await work(t, (await bearerFor(t, alt)).auth)).board!.not_voted!)).to.deep.equal([]);

      // The home page's first section counts it, linking to /me.
      expect((await agentB.get('/').expect(200)).text).to.contain('<a href="/me">1 ballot where your organisation has not voted</a>');
      // A Board account that votes for no member organisation has no ballot waiting for it.
      const outsider = await createUser(t.db, { role: 'board', organisation: 'Not on the Board', boardMember: false });
      const o = await work(t, (await bearerFor(t, outsider)).auth);
      expect(o.board!.organisation).to.equal(null);
      expect(o.board!.not_voted).to.deep.equal([]);

      const listB = await agentB.get('/ballots').expect(200);
      expect(listB.text).to.contain('your organisation has not voted');
      const listA = await (await agentFor(t, m['Org A']!.user)).agent.get('/ballots').expect(200);
      expect(listA.text).not.to.contain('your organisation has not voted');
      expect(listA.text).to.contain('your organisation has voted');
    });

    it('sees the ballot among those closing within 7 days from 7 days before its close, not 8', async () => {
      // The ballot closes 2026-12-01T12:00Z; the suite's now is 2026-11-23T12:00Z, 8 days before.
      expect(ids((await work(t, m['Org B']!.auth)).board!.closing_soon!)).to.deep.equal([]);
      t.clock.set('2026-11-24T12:00:00.000Z');
      expect(ids((await work(t, m['Org B']!.auth)).board!.closing_soon!)).to.deep.equal([ballotId]);
      t.clock.set('2026-11-23T12:00:00.000Z');
    });

    it('sees an outdated vote once the ballot moves to a newer draft, and not after voting again', async () => {
      const draft = await newDraft(t);
      await request(t.app).post(`/api/v1/ballots/${ballotId}/move`).set(...sec.auth).send({ n: draft.n }).expect(200);
      const a = await work(t, m['Org A']!.auth);
      expect(ids(a.board!.outdated!)).to.deep.equal([ballotId]);
      expect(ids(a.board!.not_voted!)).to.deep.equal([]);
      expect(ids((await work(t, m['Org B']!.auth)).board!.outdated!)).to.deep.equal([]);
      const page = await (await agentFor(t, m['Org A']!.user)).agent.get('/me').expect(200);
      expect(/<ul class="work-outdated">([\s\S]*?)<\/ul>/.exec(page.text)![1]).to.contain(`href="/ballots/${ballotId}"`);
      expect((await vote(t, m['Org A']!, ballotId, 'approve')).status).to.equal(200);
      expect(ids((await work(t, m['Org A']!.auth)).board!.outdated!)).to.deep.equal([]);
    });

    it("sees the proposals awaiting their organisation's response until it responds", async () => {
      const author = await bearerFor(t, 'stakeholder');
      const p = await propose(t, author);
      expect(ids((await work(t, m['Org A']!.auth)).board!.proposals!)).to.deep.equal([]); // not circulated yet
      await circulate(t, sec, p.id);
      expect(ids((await work(t, m['Org A']!.auth)).board!.proposals!)).to.deep.equal([p.id]);
      expect((await respond(t, m['Org A']!, p.id, 'support')).status).to.be.oneOf([200, 201]);
      expect(ids((await work(t, m['Org A']!.auth)).board!.proposals!)).to.deep.equal([]);
      expect(ids((await work(t, m['Org B']!.auth)).board!.proposals!)).to.deep.equal([p.id]);
    });
  });

  describe('a stakeholder', () => {
    let t: App;
    before(async () => {
      t = await testApp();
    });
    after(() => t.close());

    it('sees consultations open on what they watch, and a new disposition of their comment once: not after visiting', async () => {
      const sec = await secretariat(t);
      const s = await agentFor(t, 'stakeholder');
      const auth = (await bearerFor(t, s.user)).auth;
      const cid = await sampleConsultationId(t.db);
      const c = await request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...auth).send({ clause: null, type: 'general', comment: 'The residual contamination clause needs an example.' }).expect(201);

      // A stakeholder watches nothing until they choose.
      expect((await work(t, auth)).commenter!.watched_consultations).to.deep.equal([]);
      await request(t.app).post('/api/v1/me/watches').set(...auth).send({ scope: 'standard', ref: '07.11' }).expect(201);
      expect(ids((await work(t, auth)).commenter!.watched_consultations)).to.deep.equal([cid]);

      const first = await s.agent.get('/me').expect(200);
      expect(first.text).to.contain('no disposition yet');
      expect(first.text).not.to.contain('badge-new');

      t.clock.advance(60_000);
      await request(t.app).patch(`/api/v1/comments/${c.body.id}`).set(...sec.auth).send({ disposition: 'accepted' }).expect(200);
      t.clock.advance(60_000);
      // The API reads without counting as a visit.
      const before = await work(t, auth);
      expect(before.commenter!.new_dispositions).to.equal(1);
      expect((await work(t, auth)).commenter!.comments.find((x) => x.id === c.body.id)!.is_new).to.equal(true);

      const second = await s.agent.get('/me').expect(200);
      expect(second.text).to.contain('<strong class="badge badge-new">new</strong>');
      expect(second.text).to.contain('1 new disposition');
      const third = await s.agent.get('/me').expect(200);
      expect(third.text).not.to.contain('badge-new');
      expect(third.text).to.contain('accepted');
      expect((await work(t, auth)).commenter!.new_dispositions).to.equal(0);
      // The home page's first section counts it no more either, and links to /me.
      const home = await s.agent.get('/').expect(200);
      expect(home.text).to.contain('<h2 id="work-title"><a href="/me">My work</a></h2>');
    });

    it('sees consultations closing within 7 days', async () => {
      const auth = (await bearerFor(t, 'stakeholder')).auth;
      const cid = await sampleConsultationId(t.db); // closes 2027-06-30T23:59:59Z
      expect(ids((await work(t, auth)).commenter!.closing_soon)).to.deep.equal([]);
      t.clock.set('2027-06-24T00:00:00.000Z');
      expect(ids((await work(t, auth)).commenter!.closing_soon)).to.deep.equal([cid]);
      t.clock.set('2026-11-23T12:00:00.000Z');
    });
  });

  describe('the secretariat', () => {
    let t: App;
    before(async () => {
      t = await testApp();
    });
    after(() => t.close());

    const section = (w: Work, key: string) => w.queue!.find((s) => s.key === key)!;

    it('gets its desk as a queue with counts, on /me and /admin, each item linking to where it is done', async () => {
      const sec = await secretariat(t);
      const commenter = await bearerFor(t, 'stakeholder', { organisation: 'Field NGO Unconfirmed' });
      const cid = await sampleConsultationId(t.db);
      await request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...commenter.auth).send({ clause: null, type: 'technical', comment: 'Say who signs the handover.' }).expect(201);
      const p = await propose(t, commenter);
      const w = await work(t, sec.auth);
      expect(w.board).to.equal(null);
      expect(w.commenter).to.equal(null);
      const comments = section(w, 'comments');
      expect(comments.items.find((i) => i.href === `/consultations/${cid}/comments?disposition=none`)).to.not.equal(undefined);
      expect(comments.count).to.be.greaterThan(0);
      expect(section(w, 'proposals-circulate').items.map((i) => i.href)).to.include(`/proposals/${p.id}`);
      expect(section(w, 'accounts').items.map((i) => i.text)).to.include('Field NGO Unconfirmed: 1 account');
      // 09.10 Edition 2 (2013) is years past its review.
      expect(section(w, 'reviews').items.find((i) => i.href === '/standards/09.10')!.status).to.equal('overdue');

      const desk = await (await agentFor(t, sec.user)).agent.get('/admin').expect(200);
      expect(desk.text).to.contain('Waiting for the secretariat');
      expect(desk.text).to.contain(`href="/proposals/${p.id}"`);
      expect(desk.text).to.contain('href="/admin/users"'); // the desk's links stay below the queue
    });

    it('ballots ready to close (every member voted) and closed, approved but not published', async () => {
      const sec = await secretariat(t);
      const m = await boardOf(t, ['Only Org']);
      const b = await openBallot(t, sec);
      expect(section(await work(t, sec.auth), 'ballots-ready').items).to.deep.equal([]);
      const electorate = (await t.db('ballots').where({ id: b.id }).first('electorate')).electorate;
      // Every organisation of the electorate votes (the suite's Board is the ones made here).
      for (const orgId of JSON.parse(electorate) as number[]) {
        const member = Object.values(m).find((x) => x.user.organisation_id === orgId) ?? { auth: (await bearerFor(t, (await t.db('users').where({ organisation_id: orgId, role: 'board' }).first()))).auth } as Member;
        expect((await vote(t, member, b.id, 'approve')).status).to.equal(200);
      }
      expect(section(await work(t, sec.auth), 'ballots-ready').items.map((i) => i.href)).to.deep.equal([`/ballots/${b.id}`]);
      await request(t.app).post(`/api/v1/ballots/${b.id}/close`).set(...sec.auth).expect(200);
      const after = await work(t, sec.auth);
      expect(section(after, 'ballots-ready').items).to.deep.equal([]);
      expect(section(after, 'ballots-unpublished').items.map((i) => i.href)).to.deep.equal([`/ballots/${b.id}`]);
    });

    it('lists a document for review at the edge of its three years: due the day before and on the day, overdue the day after', async () => {
      const sec = await secretariat(t);
      // IMAS 07.11 Edition 2 was published on 2025-11-03: its review is due on 2028-11-03.
      const status = async (day: string) => {
        t.clock.set(`${day}T12:00:00.000Z`);
        return section(await work(t, sec.auth), 'reviews').items.find((i) => i.href === '/standards/07.11')?.status ?? null;
      };
      try {
        expect(await status('2028-08-04')).to.equal(null); // more than 90 days before: not listed yet
        expect(await status('2028-11-02')).to.equal('due');
        expect(await status('2028-11-03')).to.equal('due');
        expect(await status('2028-11-04')).to.equal('overdue');
        // oldest first: 09.10 (due 2016) before 07.11
        const hrefs = section(await work(t, sec.auth), 'reviews').items.map((i) => i.href);
        expect(hrefs.indexOf('/standards/09.10')).to.be.lessThan(hrefs.indexOf('/standards/07.11'));
      } finally {
        t.clock.set('2026-11-23T12:00:00.000Z');
      }
    });
  });
});
