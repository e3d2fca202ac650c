import { expect } from 'chai';
import request from 'supertest';
import { testApp } from '../helpers/app.ts';
import { boardOf, newDraft, SAMPLE_OVERRIDE, secretariat, vote, type Member } from '../helpers/ballots.ts';
import { walkRoutes } from '../helpers/routes.ts';
import { circulate, propose, respond, seat } from '../helpers/proposals.ts';

type App = Awaited<ReturnType<typeof testApp>>;
type Res = { status: number; body: Record<string, unknown> };

/**
 * A standard's pages are cached per revision (server/standards/state.ts): a write that changes what they
 * show and does not bump the revision serves a stale page. Every write route of the JSON API has a case
 * here, driven in order, that checks the revision of the standard it concerns moved — or is named below
 * with the reason it concerns no standard's pages. A new write route with neither fails the first test.
 */
const NOT_ON_A_STANDARDS_PAGES: Record<string, string> = {
  'POST /api/v1/tokens': 'accounts',
  // what one watches is personal: it shows on /me and /me/watching, never on a cached public page
  'POST /api/v1/me/watches': 'watching',
  'DELETE /api/v1/me/watches': 'watching',
  'DELETE /api/v1/me/watches/:id': 'watching',
  'DELETE /api/v1/tokens/current': 'accounts',
  'DELETE /api/v1/tokens/:id': 'accounts',
  'POST /api/v1/register': 'accounts',
  'POST /api/v1/users': 'accounts',
  'PATCH /api/v1/users/:id': 'accounts',
  'POST /api/v1/users/:id/close': 'accounts (names are on ballot pages, not on a standard’s)',
  'POST /api/v1/consultations/:id/comments': 'comments are on the consultation’s pages, not the standard’s',
  'POST /api/v1/consultations/:id/comments/sheet': 'comments are on the consultation’s pages, not the standard’s',
  'PATCH /api/v1/comments/:id': 'comments and dispositions are on the consultation’s pages, not the standard’s',
  'DELETE /api/v1/comments/:id': 'comments are on the consultation’s pages, not the standard’s',
  'POST /api/v1/organisations': 'the organisations register',
  'PATCH /api/v1/organisations/:id': 'the register (an organisation’s name is on ballot pages, not on a standard’s)',
  'POST /api/v1/organisations/:id/merge': 'moves votes: bumps the revision of each ballot’s standard it touches (test/integration/organisations.test.ts)',
  'POST /api/v1/board/memberships': 'the Board’s facts (an electorate is fixed when a ballot opens)',
  'PUT /api/v1/board/memberships/:id': 'the Board’s facts',
  'DELETE /api/v1/board/memberships/:id': 'the Board’s facts',
  'POST /api/v1/board/chairs': 'the Board’s facts',
  'PUT /api/v1/board/chairs/:id': 'the Board’s facts',
  // A version shows the proposal it was drafted from by number only, fixed when the version is saved.
  'POST /api/v1/proposals': 'proposals are on their own pages, not the standard’s',
  'PATCH /api/v1/proposals/:id': 'proposals are on their own pages, not the standard’s',
  'POST /api/v1/proposals/:id/circulate': 'proposals are on their own pages, not the standard’s',
  'PUT /api/v1/proposals/:id/response': 'proposals are on their own pages, not the standard’s',
  'POST /api/v1/proposals/:id/decision': 'proposals are on their own pages, not the standard’s',
  'POST /api/v1/proposals/:id/steering-group': 'proposals are on their own pages, not the standard’s',
  'POST /api/v1/proposals/:id/drop': 'proposals are on their own pages, not the standard’s',
  'PUT /api/v1/me/notifications': 'an account’s choice of mail',
};

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe('revision: every write to a standard moves its revision', () => {
  let t: App;
  let sec: Member;
  let m: Record<string, Member>;
  const ids: Record<string, number> = {};
  const drafts: Record<string, number> = {};
  before(async () => {
    t = await testApp();
    sec = await secretariat(t);
    m = await boardOf(t, ['A', 'B', 'C']);
  });
  after(() => t.close());

  const api = () => request(t.app);
  const as = (r: request.Test) => r.set(...sec.auth);
  const TEXT = '# 1 Scope\n\nThis standard covers revision tests.\n\n# 2 Requirements\n\nA cache shall be invalidated.\n';

  // In order: each case may use what an earlier one made. `ref` is the standard it concerns; `setup` runs
  // before the revision is read.
  const CASES: Array<{ route: string; ref: string; setup?: () => Promise<void>; run: () => Promise<Res> }> = [
    { route: 'POST /api/v1/standards', ref: '07.98', run: () => as(api().post('/api/v1/standards')).send({ type: 'IMAS', number: '07.98', title: 'Revision tests' }) },
    {
      route: 'POST /api/v1/standards/:ref/versions',
      ref: '07.98',
      run: async () => {
        const res = await as(api().post('/api/v1/standards/07.98/versions')).send({ text: TEXT, label: 'First draft' });
        drafts.first = Number(res.body.n);
        return res;
      },
    },
    {
      route: 'POST /api/v1/standards/:ref/versions/:n/consultations',
      ref: '07.98',
      run: async () => {
        const res = await as(api().post(`/api/v1/standards/07.98/versions/${drafts.first}/consultations`)).send({ closes_at: '2027-02-01T00:00:00Z' });
        ids.consultation = Number(res.body.id);
        return res;
      },
    },
    { route: 'PATCH /api/v1/consultations/:id', ref: '07.98', run: () => as(api().patch(`/api/v1/consultations/${ids.consultation}`)).send({ closes_at: '2027-03-01T00:00:00Z' }) },
    {
      route: 'POST /api/v1/standards/:ref/versions/:n/ballots',
      ref: '07.11',
      run: async () => {
        const res = await as(api().post('/api/v1/standards/07.11/versions/4/ballots')).send({ closes_at: '2026-12-01T12:00:00Z', override_reason: SAMPLE_OVERRIDE });
        ids.ballot = Number(res.body.id);
        return res;
      },
    },
    { route: 'PUT /api/v1/ballots/:id/vote', ref: '07.11', run: () => vote(t, m.A!, ids.ballot!, 'approve') },
    { route: 'PATCH /api/v1/ballots/:id', ref: '07.11', run: () => as(api().patch(`/api/v1/ballots/${ids.ballot}`)).send({ closes_at: '2026-12-02T12:00:00Z' }) },
    {
      route: 'POST /api/v1/ballots/:id/move',
      ref: '07.11',
      setup: async () => {
        drafts.moved = (await newDraft(t, 4)).n;
      },
      run: () => as(api().post(`/api/v1/ballots/${ids.ballot}/move`)).send({ n: drafts.moved }),
    },
    {
      route: 'POST /api/v1/ballots/:id/close',
      ref: '07.11',
      setup: async () => {
        for (const o of ['A', 'B', 'C']) expect((await vote(t, m[o]!, ids.ballot!, 'approve')).status).to.equal(200);
      },
      run: () => as(api().post(`/api/v1/ballots/${ids.ballot}/close`)),
    },
    {
      route: 'POST /api/v1/standards/:ref/versions/:n/publish',
      ref: '07.11',
      run: () => as(api().post(`/api/v1/standards/07.11/versions/${drafts.moved}/publish`)).send({ edition: 3, in_force_from: '2027-01-01', summary: 'Third edition.' }),
    },
    {
      route: 'POST /api/v1/standards/:ref/versions/:n/steps',
      ref: '07.11',
      run: () => as(api().post(`/api/v1/standards/07.11/versions/${drafts.moved}/steps`)).send({ step: 'steering_group', date: '2026-11-23' }),
    },
    {
      route: 'POST /api/v1/ballots/:id/cancel',
      ref: '07.98',
      setup: async () => {
        const second = await as(api().post('/api/v1/standards/07.98/versions')).send({ text: `${TEXT}\n# 3 More\n\nAnother clause.\n`, label: 'Second draft' });
        const opened = await as(api().post(`/api/v1/standards/07.98/versions/${second.body.n}/ballots`)).send({ closes_at: '2026-12-01T12:00:00Z', override_reason: SAMPLE_OVERRIDE });
        expect(opened.status, JSON.stringify(opened.body)).to.equal(201);
        ids.cancelled = Number(opened.body.id);
      },
      run: () => as(api().post(`/api/v1/ballots/${ids.cancelled}/cancel`)),
    },
    {
      route: 'POST /api/v1/proposals/:id/drafts',
      ref: '07.96',
      setup: async () => {
        const board = await seat(t, ['Proposal Org']);
        const p = await propose(t, sec, { kind: 'new_imas', standard: null, proposed_number: '07.96', title: 'From a proposal' });
        await circulate(t, sec, p.id);
        expect((await respond(t, board['Proposal Org']!, p.id, 'support')).status).to.equal(200);
        await as(api().post(`/api/v1/proposals/${p.id}/steering-group`)).send({ approved_on: '2026-11-23' }).expect(200);
        ids.proposal = p.id;
      },
      run: () => as(api().post(`/api/v1/proposals/${ids.proposal}/drafts`)).send({ text: TEXT }),
    },
    // translations (issue 19 item 2): the version page, history and catalogue list them
    { route: 'PUT /api/v1/standards/:ref/versions/:n/translations/:lang', ref: '07.98', run: () => as(api().put(`/api/v1/standards/07.98/versions/${drafts.first}/translations/fr`)).send({ text: '# 1 Domaine\n\nRévision.\n\n# 2 Exigences\n\nUn cache doit être invalidé.\n' }) },
    { route: 'DELETE /api/v1/standards/:ref/versions/:n/translations/:lang', ref: '07.98', run: () => as(api().delete(`/api/v1/standards/07.98/versions/${drafts.first}/translations/fr`)) },
    { route: 'POST /api/v1/standards/:ref/withdraw', ref: '07.98', run: () => as(api().post('/api/v1/standards/07.98/withdraw')).send({ date: '2026-12-31' }) },
  ];

  it('every write route of the API has a case, or is named as concerning no standard’s pages', () => {
    const writes = [...new Set(walkRoutes(t.app).filter((r) => r.path.startsWith('/api/v1/') && WRITES.has(r.method)).map((r) => `${r.method} ${r.path}`))];
    const covered = new Set([...CASES.map((c) => c.route), ...Object.keys(NOT_ON_A_STANDARDS_PAGES)]);
    expect(writes.filter((w) => !covered.has(w)), 'write routes without a revision case').to.deep.equal([]);
    expect([...covered].filter((c) => !writes.includes(c)), 'cases for routes that no longer exist').to.deep.equal([]);
  });

  it('each write moves the revision of the standard it concerns, in the same request', async function () {
    this.timeout(60_000);
    const revision = async (ref: string): Promise<number> => Number((await t.db('standards').where({ ref }).first('revision'))?.revision ?? -1);
    for (const c of CASES) {
      await c.setup?.();
      const before = await revision(c.ref);
      const res = await c.run();
      expect(res.status, `${c.route}: ${JSON.stringify(res.body)}`).to.be.within(200, 299);
      expect(await revision(c.ref), `${c.route} left the revision of ${c.ref} at ${before}`).to.be.greaterThan(before);
    }
  });

  it('a page read after a write shows it (the cached page is not served)', async () => {
    await as(api().post('/api/v1/standards')).send({ type: 'IMAS', number: '07.97', title: 'Cache tests' }).expect(201);
    const empty = await api().get('/standards/07.97').expect(200);
    expect(empty.text).not.to.contain('Draft for the cache');
    expect(empty.text).not.to.match(/withdrawn/i);
    const d = await as(api().post('/api/v1/standards/07.97/versions')).send({ text: TEXT, label: 'Draft for the cache' }).expect(201);
    await as(api().post(`/api/v1/standards/07.97/versions/${d.body.n}/consultations`)).send({ closes_at: '2027-02-01T00:00:00Z' }).expect(201);
    // the draft is public while under consultation
    expect((await api().get('/standards/07.97').expect(200)).text).to.contain('Draft for the cache');
    await as(api().post('/api/v1/standards/07.97/withdraw')).send({ date: '2026-11-23' }).expect(200);
    expect((await api().get('/standards/07.97').expect(200)).text).to.match(/withdrawn/i);
  });
});
