import { expect } from 'chai';
import request from 'supertest';
import { siblingApp, testApp } from '../helpers/app.ts';
import { boardOf, secretariat, type Member } from '../helpers/ballots.ts';
import { bearerFor } from '../helpers/auth.ts';
import { SAMPLE, sampleConsultationId } from '../helpers/consultations.ts';
import { isUniqueViolation } from '../../server/db.ts';
import { ONE_LIVE_PER_VERSION } from '../../server/consultations/repo.ts';
import { ONE_UNSETTLED_PER_VERSION } from '../../server/ballots/repo.ts';

// The rules "one consultation at a time per draft", "one open ballot per version" and "receipt
// numbers unique" are held by the database (migrations 20261201133000/1 and the unique index on
// comments), so that several processes on one database cannot both pass the check: here, several
// apps with their own connections (as separate processes would have) race for the same thing.
type App = Awaited<ReturnType<typeof testApp>>;
const APPS = 4;

describe('invariants held by the database, with several writers at once', () => {
  let t: App;
  let apps: Array<{ app: App['app']; close(): Promise<void> }>;
  let sec: Member;
  beforeEach(async () => {
    t = await testApp();
    apps = [t, ...(await Promise.all(Array.from({ length: APPS - 1 }, () => siblingApp(t))))];
    sec = await secretariat(t);
  });
  afterEach(async () => {
    for (const a of apps.slice(1)) await a.close();
    await t.close();
  });

  it('the indexes refuse a second live consultation and a second unsettled ballot on a version, however written', async () => {
    const live = await t.db('consultations').where({ id: await sampleConsultationId(t.db) }).first();
    expect(live.live).to.equal(1);
    const { id: _id, ...copy } = live;
    const err1 = await t.db('consultations').insert(copy).then(() => null, (e: unknown) => e);
    expect(isUniqueViolation(err1, ONE_LIVE_PER_VERSION), String(err1)).to.equal(true);
    await t.db('consultations').insert({ ...copy, live: null }); // an ended one beside it is fine

    const row = { version_id: live.version_id, opens_at: '2026-11-23T12:00:00.000Z', closes_at: '2026-12-01T12:00:00.000Z', rule: 'iso', quorum: 0.5, electorate: '[]', created_at: '2026-11-23T12:00:00.000Z' };
    await t.db('ballots').insert(row);
    const err2 = await t.db('ballots').insert(row).then(() => null, (e: unknown) => e);
    expect(isUniqueViolation(err2, ONE_UNSETTLED_PER_VERSION), String(err2)).to.equal(true);
    expect(isUniqueViolation(err2, ONE_LIVE_PER_VERSION)).to.equal(false);
    await t.db('ballots').insert({ ...row, result: 'approved' }); // a settled one beside it is fine
    await t.db('ballots').insert({ ...row, cancelled_at: '2026-11-23T12:00:00.000Z' });
  });

  it(`${APPS} apps opening a ballot on the same draft at once: one 201, the others 409 with the rule's message`, async () => {
    await boardOf(t, ['A', 'B']);
    const answers = await Promise.all(
      apps.map((a) => request(a.app).post(`/api/v1/standards/${SAMPLE.ref}/versions/${SAMPLE.n}/ballots`).set(...sec.auth).send({ closes_at: '2026-12-01T12:00:00Z' })),
    );
    expect(answers.map((r) => r.status).sort()).to.deep.equal([201, ...Array(APPS - 1).fill(409)]);
    for (const r of answers.filter((x) => x.status === 409)) expect(r.body.error.message).to.equal(`Version ${SAMPLE.n} already has an open ballot.`);
    expect(await t.db('ballots').count({ n: '*' }).first()).to.deep.equal({ n: 1 });
  });

  it(`${APPS} apps opening a consultation on the same draft at once: one 201, the others 409 with the rule's message`, async () => {
    const cid = await sampleConsultationId(t.db);
    await request(t.app).patch(`/api/v1/consultations/${cid}`).set(...sec.auth).send({ cancel: true }).expect(200);
    expect((await t.db('consultations').where({ id: cid }).first('live')).live).to.equal(null);
    const answers = await Promise.all(
      apps.map((a) => request(a.app).post(`/api/v1/standards/${SAMPLE.ref}/versions/${SAMPLE.n}/consultations`).set(...sec.auth).send({ closes_at: '2027-03-31T17:00:00Z' })),
    );
    expect(answers.map((r) => r.status).sort(), JSON.stringify(answers.map((r) => r.body))).to.deep.equal([201, ...Array(APPS - 1).fill(409)]);
    const winner = answers.find((r) => r.status === 201)!.body.id;
    for (const r of answers.filter((x) => x.status === 409)) expect(r.body.error.message).to.contain(`(C-${winner})`);
    expect(await t.db('consultations').whereNotNull('live').pluck('id')).to.deep.equal([winner]);
  });

  it(`comments sent through ${APPS} apps at once: every one answered 201 is stored once, receipt numbers unique and consecutive`, async () => {
    const cid = await sampleConsultationId(t.db);
    const writers = await Promise.all(Array.from({ length: 5 }, () => bearerFor(t, 'stakeholder')));
    const before = Number((await t.db('comments').where({ consultation_id: cid }).max({ m: 'seq' }).first())!.m ?? 0);
    const sent = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        request(apps[i % APPS]!.app).post(`/api/v1/consultations/${cid}/comments`).set(...writers[i % writers.length]!.auth).send({ clause: null, type: 'general', comment: `Race ${i}` }),
      ),
    );
    expect(sent.map((r) => r.status)).to.deep.equal(Array(60).fill(201));
    const seqs = (await t.db('comments').where({ consultation_id: cid }).where('seq', '>', before).orderBy('seq').pluck('seq')) as number[];
    expect(seqs).to.deep.equal(Array.from({ length: 60 }, (_, i) => before + i + 1));
    const texts = (await t.db('comments').where({ consultation_id: cid }).where('comment', 'like', 'Race %').pluck('comment')) as string[];
    expect(new Set(texts).size).to.equal(60);
    expect(sent.map((r) => r.body.reference).sort()).to.deep.equal(seqs.map((s) => `C-${cid}-${s}`).sort());
  });
});
