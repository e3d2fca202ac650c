import { expect } from 'chai';
import request from 'supertest';
import { testApp, testDatabaseUrlOf } from '../helpers/app.ts';
import { agentFor, createUser, bearerFor, makeChair, type TestUser } from '../helpers/auth.ts';
import { boardOf, newDraft, openBallot, secretariat, vote, type Member } from '../helpers/ballots.ts';
import { laterDraft, sampleConsultationId } from '../helpers/consultations.ts';
import { circulate, propose } from '../helpers/proposals.ts';
import { startSmtp, type ReceivedMail } from '../helpers/mail.ts';
import { busyWaitOf, createDb, type Db } from '../../server/db.ts';
import { createLogger } from '../../server/logger.ts';
import { createMailer } from '../../server/mail/mailer.ts';
import { LEASE_MS, OutboxWorker } from '../../server/notifications/worker.ts';
import { addWatch } from '../../server/watching/repo.ts';
import { claim, enqueue } from '../../server/notifications/repo.ts';
import { unsubscribeToken } from '../../server/notifications/service.ts';

type App = Awaited<ReturnType<typeof testApp>>;
type Smtp = Awaited<ReturnType<typeof startSmtp>>;
const PUBLIC = 'http://imas.test';
const HOUR = 3_600_000;
const logger = createLogger('silent');

/** The body of a received mail (after the headers), and its links in order. */
const bodyOf = (m: ReceivedMail) => m.raw.slice(m.raw.indexOf('\r\n\r\n') + 4);
const linksOf = (m: ReceivedMail) => [...bodyOf(m).matchAll(/https?:\/\/[^\s<>"]+/g)].map((x) => x[0]);
/** A header, unfolded. */
const headerOf = (m: ReceivedMail, name: string) => {
  const head = m.raw.slice(0, m.raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  return new RegExp(`^${name}: (.*)$`, 'mi').exec(head)?.[1] ?? null;
};
const pathOf = (link: string) => {
  const u = new URL(link);
  expect(u.origin).to.equal(PUBLIC);
  return u.pathname + u.search;
};
const subjectOf = (m: ReceivedMail) => headerOf(m, 'Subject');

function workerFor(t: App, url: string, db: Db = t.db) {
  const mailer = createMailer(url, logger);
  const w = new OutboxWorker({ db, clock: t.clock, config: t.config, logger, mailer });
  return Object.assign(w, { closeMailer: () => mailer.close() });
}

async function outboxRows(t: App, userId?: number) {
  const q = t.db('outbox').orderBy('id');
  if (userId) q.where({ user_id: userId });
  return (await q.select('*')) as Array<{ id: number; user_id: number; kind: string; dedupe_key: string; attempts: number; next_attempt_at: string; last_error: string | null; sent_at: string | null; dropped_at: string | null }>;
}

async function openConsultationOnLaterDraft(t: App, sec: Member) {
  const draft = await laterDraft(t.db);
  const res = await request(t.app).post(`/api/v1/standards/07.11/versions/${draft.n}/consultations`).set(...sec.auth).send({ closes_at: '2027-03-01T00:00:00Z' });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body.id as number;
}

async function watcher(t: App, ref = '07.11'): Promise<TestUser> {
  const u = await createUser(t.db, { role: 'stakeholder' });
  const s = await t.db('standards').where({ ref }).first('id');
  await addWatch(t.db, u.id, { scope: 'standard', standardId: s.id }, t.clock.now());
  return u;
}

describe('notifications: mail through the outbox (real local SMTP server)', () => {
  let t: App;
  let smtp: Smtp;
  let sec: Member;
  let alpha: Member;
  before(async () => {
    smtp = await startSmtp();
    t = await testApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: PUBLIC } });
    sec = await secretariat(t);
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  it('a consultation opened: written with the event, mailed to a watcher with absolute links and RFC 8058 headers; its link and the unsubscribe link work without signing in', async () => {
    const w = await watcher(t);
    const other = await createUser(t.db, { role: 'stakeholder' }); // watches nothing
    const id = await openConsultationOnLaterDraft(t, sec);
    const rows = await outboxRows(t, w.id);
    expect(rows.map((r) => [r.kind, r.dedupe_key])).to.deep.equal([['consultation-opened', `consultation-opened:${id}:${w.id}`]]);
    expect(await outboxRows(t, other.id)).to.have.length(0);
    // Nothing is sent until the worker runs (the test app starts none).
    expect(smtp.mails.filter((m) => m.to.includes(w.email))).to.have.length(0);
    const worker = workerFor(t, smtp.url);
    try {
      const report = await worker.tick();
      expect(report.sent).to.be.greaterThan(0);
    } finally {
      worker.closeMailer();
    }
    const mail = await smtp.next(w.email);
    expect(subjectOf(mail)).to.contain('Consultation on IMAS 07.11');
    const [thing, settings, unsubscribe] = linksOf(mail);
    expect(pathOf(thing!)).to.equal(`/consultations/${id}`);
    expect(pathOf(settings!)).to.equal('/account/notifications');
    expect(pathOf(unsubscribe!)).to.match(/^\/unsubscribe\/\d+\.[A-Za-z0-9_-]{43}$/);
    expect(headerOf(mail, 'List-Unsubscribe')).to.equal(`<${unsubscribe}>`);
    expect(headerOf(mail, 'List-Unsubscribe-Post')).to.equal('List-Unsubscribe=One-Click');
    expect((await outboxRows(t, w.id))[0]!.sent_at).to.equal(t.clock.now().toISOString());
    // The thing the mail is about
    const page = await request(t.app).get(pathOf(thing!)).expect(200);
    expect(page.text).to.contain('Draft Edition 3, second draft');
    // Unsubscribe, as a person: GET shows a button and changes nothing; its form posts back to the link.
    const confirm = await request(t.app).get(pathOf(unsubscribe!)).expect(200);
    expect(confirm.text).to.contain('<button type="submit">Unsubscribe</button>');
    expect(confirm.text).to.contain(`action="${pathOf(unsubscribe!)}"`);
    expect(await t.db('notification_settings').where({ user_id: w.id }).first()).to.equal(undefined);
    // … and as a mail program: RFC 8058's one-click POST, no cookie, no CSRF token.
    const done = await request(t.app).post(pathOf(unsubscribe!)).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(done.text).to.contain('no more notices');
    expect((await t.db('notification_settings').where({ user_id: w.id }).first()).mode).to.equal('none');
    const audit = await t.db('audit_events').where({ action: 'notifications.unsubscribed', subject_id: String(w.id) }).first();
    expect(audit.actor_id).to.equal(w.id);
    // Twice is fine; and the next event writes nothing for them.
    await request(t.app).post(pathOf(unsubscribe!)).expect(200);
    const pub = await watcher(t);
    await t.db.transaction(async (trx) => {
      const { queueConsultationOpened } = await import('../../server/notifications/service.ts');
      const s = await trx('standards').where({ ref: '07.11' }).first('id');
      await queueConsultationOpened(trx, t.clock, s.id, { consultation_id: 999, designation: 'IMAS 07.11', title: 'x', label: 'y', opens_at: t.clock.now().toISOString(), closes_at: '2027-01-01T00:00:00Z' });
    });
    expect((await outboxRows(t, w.id)).map((r) => r.dedupe_key)).not.to.include(`consultation-opened:999:${w.id}`);
    expect((await outboxRows(t, pub.id)).map((r) => r.dedupe_key)).to.include(`consultation-opened:999:${pub.id}`);
  });

  it('unsubscribe links: a forged or truncated token is refused (400) on GET and POST; a signed-in POST needs no CSRF token either', async () => {
    const u = await createUser(t.db);
    const good = unsubscribeToken(t.config.sessionSecret, u.id);
    const forged = unsubscribeToken('another secret of at least thirty-two characters', u.id);
    for (const bad of [forged, good.slice(0, -1), `${u.id + 1000}.${good.split('.')[1]}`, 'abc']) {
      await request(t.app).get(`/unsubscribe/${bad}`).expect(400);
      await request(t.app).post(`/unsubscribe/${bad}`).expect(400);
    }
    expect(await t.db('notification_settings').where({ user_id: u.id }).first()).to.equal(undefined);
    const { agent } = await agentFor(t, u);
    await agent.post(`/unsubscribe/${good}`).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect((await t.db('notification_settings').where({ user_id: u.id }).first()).mode).to.equal('none');
    // The exemption is that one path: other forms still need their token.
    await agent.post('/account/notifications').type('form').send({ mode: 'digest' }).expect(403);
  });

  it('a disposition of my comment: mailed to its author; the link opens the comment', async () => {
    const { user: author, auth } = await bearerFor(t, 'stakeholder');
    const cid = await sampleConsultationId(t.db);
    const c = await request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...auth).send({ clause: null, type: 'general', comment: 'The scope is too narrow.' });
    expect(c.status, JSON.stringify(c.body)).to.equal(201);
    await request(t.app).patch(`/api/v1/comments/${c.body.id}`).set(...sec.auth).send({ disposition: 'rejected', response: 'The scope is set by the Steering Group.' }).expect(200);
    const worker = workerFor(t, smtp.url);
    try {
      await worker.tick();
    } finally {
      worker.closeMailer();
    }
    const mail = await smtp.next(author.email);
    expect(subjectOf(mail)).to.match(/Your comment C-\d+-\d+ on IMAS 07\.11: rejected/);
    expect(bodyOf(mail)).to.contain('The scope is set by the Steering Group.');
    const link = linksOf(mail)[0]!;
    expect(pathOf(link)).to.equal(`/comments/${c.body.id}`);
    const { agent } = await agentFor(t, author);
    const page = await agent.get(pathOf(link)).expect(200);
    expect(page.text).to.contain('The scope is too narrow.');
  });

  it('Board voters (principal and alternate, not the chair, not a stakeholder) are mailed a ballot opened, moved to a newer draft, and a proposal circulated', async () => {
    const m = await boardOf(t, ['Alpha Org']);
    alpha = m['Alpha Org']!;
    const alt = await createUser(t.db, { role: 'board', organisation: 'Alpha Org' });
    const chairUser = await createUser(t.db, { role: 'board', organisation: 'Chair Org', boardMember: false });
    await makeChair(t.db, chairUser);
    const stakeholder = await createUser(t.db);
    const b = await openBallot(t, sec);
    for (const u of [m['Alpha Org']!.user, alt]) expect((await outboxRows(t, u.id)).map((r) => r.dedupe_key)).to.include(`ballot-opened:${b.id}:${u.id}`);
    for (const u of [chairUser, stakeholder]) expect((await outboxRows(t, u.id)).filter((r) => r.kind.startsWith('ballot'))).to.have.length(0);
    const draft = await newDraft(t);
    await request(t.app).post(`/api/v1/ballots/${b.id}/move`).set(...sec.auth).send({ n: draft.n }).expect(200);
    expect((await outboxRows(t, alt.id)).map((r) => r.dedupe_key)).to.include(`ballot-moved:${b.id}:${draft.n}:${alt.id}`);
    const p = await propose(t, { auth: (await bearerFor(t, stakeholder)).auth });
    await circulate(t, sec, p.id);
    expect((await outboxRows(t, alt.id)).map((r) => r.dedupe_key)).to.include(`proposal-circulated:${p.id}:${alt.id}`);
    expect((await outboxRows(t, chairUser.id)).filter((r) => r.kind === 'proposal-circulated')).to.have.length(0);
    const worker = workerFor(t, smtp.url);
    try {
      await worker.tick();
    } finally {
      worker.closeMailer();
    }
    const subjects: string[] = [];
    for (let i = 0; i < 3; i++) subjects.push(subjectOf(await smtp.next(alt.email))!);
    expect(subjects.join('\n')).to.match(/Ballot open on IMAS 07\.11/).and.match(/moved to a newer draft/).and.match(/Proposal circulated/);
    expect(smtp.mails.filter((x) => x.to.includes(chairUser.email.toLowerCase()))).to.have.length(0);
    // cancel, so that later tests can open a ballot
    await request(t.app).post(`/api/v1/ballots/${b.id}/cancel`).set(...sec.auth).expect(200);
  });

  it('a publication: mailed to the standard\'s watchers; the link opens the edition', async () => {
    const w = await watcher(t);
    const b = await openBallot(t, sec);
    expect((await vote(t, alpha, b.id, 'approve')).status).to.equal(200);
    await request(t.app).post(`/api/v1/ballots/${b.id}/close`).set(...sec.auth).expect(200);
    await request(t.app).post('/api/v1/standards/07.11/versions/4/publish').set(...sec.auth).send({ edition: 3, in_force_from: '2027-01-01', summary: 'Third edition.' }).expect(200);
    const v = await t.db('versions as v').join('standards as s', 's.id', 'v.standard_id').where({ 's.ref': '07.11', 'v.n': 4 }).first('v.id');
    expect((await outboxRows(t, w.id)).map((r) => r.dedupe_key)).to.include(`published:${v.id}:${w.id}`);
    const worker = workerFor(t, smtp.url);
    try {
      await worker.tick();
    } finally {
      worker.closeMailer();
    }
    const mail = await smtp.next(w.email);
    expect(subjectOf(mail)).to.equal('Published: IMAS 07.11 Edition 3');
    const link = linksOf(mail)[0]!;
    expect(pathOf(link)).to.equal('/standards/07.11/versions/4');
    expect((await request(t.app).get(pathOf(link)).expect(200)).text).to.contain('Edition 3');
  });

  it('the event and its outbox rows commit or roll back together', async () => {
    const w = await watcher(t);
    const draft = await laterDraft(t.db);
    const before = await t.db('consultations').count({ n: '*' }).first();
    // The outbox cannot be written: the consultation is not opened either.
    await t.db.schema.renameTable('outbox', 'outbox_away');
    try {
      const res = await request(t.app).post(`/api/v1/standards/07.11/versions/${draft.n}/consultations`).set(...sec.auth).send({ closes_at: '2027-03-01T00:00:00Z' });
      expect(res.status).to.equal(500);
    } finally {
      await t.db.schema.renameTable('outbox_away', 'outbox');
    }
    expect(await t.db('consultations').count({ n: '*' }).first()).to.deep.equal(before);
    expect(await t.db('audit_events').where({ action: 'consultation.opened' }).andWhereRaw("data like ?", [`%"n":${draft.n}%`]).first()).to.equal(undefined);
    // The event refused (409: one live consultation per draft) writes no mail.
    const ok = await request(t.app).post(`/api/v1/standards/07.11/versions/${draft.n}/consultations`).set(...sec.auth).send({ closes_at: '2027-03-01T00:00:00Z' }).expect(201);
    const again = await request(t.app).post(`/api/v1/standards/07.11/versions/${draft.n}/consultations`).set(...sec.auth).send({ closes_at: '2027-03-01T00:00:00Z' });
    expect(again.status).to.equal(409);
    expect((await outboxRows(t, w.id)).map((r) => r.dedupe_key)).to.deep.equal([`consultation-opened:${ok.body.id}:${w.id}`]);
  });
});

describe('notifications: the outbox across an SMTP outage, and two workers', () => {
  let t: App;
  before(async () => {
    t = await testApp({ env: { PUBLIC_URL: PUBLIC } });
  });
  after(() => t.close());

  async function queueFor(users: TestUser[], tag: string) {
    const now = t.clock.now().toISOString();
    await enqueue(t.db, users.map((u) => ({ user_id: u.id, dedupe_key: `test-${tag}:${u.id}`, notice: { kind: 'proposal-circulated' as const, proposal_id: 1, title: `Notice ${tag}`, response_due_at: '2027-01-01T00:00:00Z' } })), now);
  }

  it('server down: each attempt fails and backs off exponentially, nothing is lost; back up: each mail is sent once, none twice', async () => {
    const users = await Promise.all([1, 2, 3].map(() => createUser(t.db)));
    await queueFor(users, 'outage');
    // A port where a mail server was and is no more.
    const gone = await startSmtp();
    const port = gone.port;
    await gone.close();
    const worker = workerFor(t, `smtp://127.0.0.1:${port}`);
    const rowsOf = async () => (await outboxRows(t)).filter((r) => r.dedupe_key.startsWith('test-outage'));
    try {
      let r = await worker.tick();
      expect(r).to.include({ sent: 0, failed: 3 });
      let rows = await rowsOf();
      const t0 = t.clock.now().getTime();
      for (const x of rows) {
        expect(x).to.include({ attempts: 1, sent_at: null });
        expect(x.last_error).to.match(/ECONNREFUSED|connect/i);
        expect(x.next_attempt_at).to.equal(new Date(t0 + 60_000).toISOString());
      }
      // Not due yet: not tried.
      t.clock.advance(30_000);
      expect(await worker.tick()).to.include({ failed: 0, sent: 0 });
      t.clock.advance(30_000);
      r = await worker.tick();
      expect(r.failed).to.equal(3);
      rows = await rowsOf();
      for (const x of rows) {
        expect(x.attempts).to.equal(2);
        expect(x.next_attempt_at).to.equal(new Date(t.clock.now().getTime() + 120_000).toISOString()); // doubled
      }
      // The server comes back on its port.
      const back = await startSmtp({ port });
      try {
        t.clock.advance(120_000);
        r = await worker.tick();
        expect(r).to.include({ sent: 3, failed: 0 });
        t.clock.advance(HOUR);
        expect(await worker.tick()).to.include({ sent: 0, failed: 0 });
        for (const u of users) expect(back.mails.filter((m) => m.to.includes(u.email.toLowerCase()))).to.have.length(1);
        for (const x of await rowsOf()) expect(x.sent_at).to.be.a('string');
      } finally {
        await back.close();
      }
    } finally {
      worker.closeMailer();
    }
  });

  it('two workers on two database handles claim the same outbox at once: each mail is sent exactly once', async () => {
    const smtp = await startSmtp();
    const users = await Promise.all(Array.from({ length: 12 }, () => createUser(t.db)));
    await queueFor(users, 'race');
    const other = createDb(testDatabaseUrlOf(t.db), { auditKey: t.config.auditKey });
    const a = workerFor(t, smtp.url);
    const b = workerFor(t, smtp.url, other);
    try {
      const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
      const [ra2, rb2] = await Promise.all([a.tick(), b.tick()]);
      expect(ra.sent + rb.sent + ra2.sent + rb2.sent).to.equal(12);
      for (const u of users) expect(smtp.mails.filter((m) => m.to.includes(u.email.toLowerCase())), u.email).to.have.length(1);
      const rows = (await outboxRows(t)).filter((r) => r.dedupe_key.startsWith('test-race'));
      expect(rows.every((r) => r.sent_at !== null && r.attempts === 0)).to.equal(true);
    } finally {
      a.closeMailer();
      b.closeMailer();
      await other.destroy();
      await smtp.close();
    }
  });

  it('the claim: two handles claiming the same rows at the same moment — each row goes to exactly one', async () => {
    const users = await Promise.all(Array.from({ length: 8 }, () => createUser(t.db)));
    await queueFor(users, 'claim');
    const ids = (await outboxRows(t)).filter((r) => r.dedupe_key.startsWith('test-claim')).map((r) => r.id);
    const other = createDb(testDatabaseUrlOf(t.db), { auditKey: t.config.auditKey });
    try {
      const now = t.clock.now().toISOString();
      const until = new Date(t.clock.now().getTime() + LEASE_MS).toISOString();
      const won = await Promise.all(ids.flatMap((id) => [claim(t.db, [id], `a-${id}`, until, now), claim(other, [id], `b-${id}`, until, now)]));
      for (let i = 0; i < ids.length; i++) expect(won[2 * i]!.length + won[2 * i + 1]!.length, `row ${ids[i]}`).to.equal(1);
      // and all at once in one batch each: disjoint, and nothing left over
      await t.db('outbox').whereIn('id', ids).update({ claimed_by: null, claimed_until: null });
      const [a, b] = await Promise.all([claim(t.db, ids, 'batch-a', until, now), claim(other, ids, 'batch-b', until, now)]);
      expect([...a, ...b].map((r) => r.id).sort((x, y) => x - y)).to.deep.equal(ids);
    } finally {
      await other.destroy();
      await t.db('outbox').whereIn('id', ids).update({ dropped_at: t.clock.now().toISOString() });
    }
  });

  it('a row held by a worker that died is not sent by another while its lease lives; after it runs out, once', async () => {
    const smtp = await startSmtp();
    const u = await createUser(t.db);
    await queueFor([u], 'lease');
    const row = (await outboxRows(t, u.id))[0]!;
    await claim(t.db, [row.id], 'dead-worker', new Date(t.clock.now().getTime() + LEASE_MS).toISOString(), t.clock.now().toISOString());
    const w = workerFor(t, smtp.url);
    try {
      expect((await w.tick()).sent).to.equal(0);
      t.clock.advance(LEASE_MS - 1000);
      expect((await w.tick()).sent).to.equal(0);
      t.clock.advance(2000);
      expect((await w.tick()).sent).to.equal(1);
      expect((await w.tick()).sent).to.equal(0);
      expect(smtp.mails.filter((m) => m.to.includes(u.email.toLowerCase()))).to.have.length(1);
    } finally {
      w.closeMailer();
      await smtp.close();
    }
  });

  it('rows of a user who turned mail off, or whose account is disabled, are dropped, not sent', async () => {
    const smtp = await startSmtp();
    const off = await createUser(t.db);
    const disabled = await createUser(t.db);
    await queueFor([off, disabled], 'drop');
    await t.db('notification_settings').insert({ user_id: off.id, mode: 'none', updated_at: t.clock.now().toISOString() });
    await t.db('users').where({ id: disabled.id }).update({ disabled_at: t.clock.now().toISOString() });
    const w = workerFor(t, smtp.url);
    try {
      expect(await w.tick()).to.include({ sent: 0, dropped: 2 });
      for (const u of [off, disabled]) expect((await outboxRows(t, u.id))[0]).to.include({ sent_at: null, dropped_at: t.clock.now().toISOString() });
      expect(smtp.mails).to.have.length(0);
    } finally {
      w.closeMailer();
      await smtp.close();
    }
  });

  it("while the app's own writes wait for SQLite's lock, a pass sends nothing and leaves every row for the next", async function () {
    const busy = busyWaitOf(t.db);
    if (!busy) return this.skip(); // PostgreSQL: no database-wide write lock, nothing to yield to
    const smtp = await startSmtp();
    const users = await Promise.all([1, 2].map(() => createUser(t.db)));
    await queueFor(users, 'yield');
    const w = workerFor(t, smtp.url);
    try {
      busy.waiting++;
      try {
        expect(await w.tick()).to.include({ sent: 0 });
      } finally {
        busy.waiting--;
      }
      for (const u of users) expect((await outboxRows(t, u.id))[0]).to.include({ sent_at: null, attempts: 0 });
      expect(await w.tick()).to.include({ sent: 2 });
      expect(smtp.mails).to.have.length(2);
    } finally {
      w.closeMailer();
      await smtp.close();
    }
  });

  it('start() runs the loop on its own; stop() waits for the pass in flight and no pass follows', async () => {
    const smtp = await startSmtp();
    const u = await createUser(t.db);
    await queueFor([u], 'loop');
    const mailer = createMailer(smtp.url, logger);
    const w = new OutboxWorker({ db: t.db, clock: t.clock, config: t.config, logger, mailer }, { intervalMs: 20 });
    try {
      w.start();
      await smtp.next(u.email);
      await w.stop();
      const later = await createUser(t.db);
      await queueFor([later], 'loop-after');
      await new Promise((r) => setTimeout(r, 150));
      expect(smtp.mails.filter((m) => m.to.includes(later.email.toLowerCase()))).to.have.length(0);
      expect((await outboxRows(t, later.id))[0]!.sent_at).to.equal(null);
    } finally {
      await w.stop();
      mailer.close();
      await smtp.close();
    }
  });

  it('the same mail is never queued twice: a second write of its dedupe key writes nothing', async () => {
    const u = await createUser(t.db);
    await queueFor([u], 'dup');
    await queueFor([u], 'dup');
    expect((await outboxRows(t, u.id)).filter((r) => r.dedupe_key === `test-dup:${u.id}`)).to.have.length(1);
  });
});

describe('notifications: the daily digest, the 48-hour reminder, and the choice', () => {
  let t: App;
  let smtp: Smtp;
  let sec: Member;
  before(async () => {
    smtp = await startSmtp();
    t = await testApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: PUBLIC } });
    sec = await secretariat(t);
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  it('the choice: GET/PUT /api/v1/me/notifications, and the account page form (kept filled in on a bad value)', async () => {
    const { user, auth } = await bearerFor(t, 'stakeholder');
    expect((await request(t.app).get('/api/v1/me/notifications').set(...auth).expect(200)).body).to.deep.equal({ mode: 'immediate' });
    expect((await request(t.app).put('/api/v1/me/notifications').set(...auth).send({ mode: 'weekly' }).expect(422)).body.error.fields).to.have.property('mode');
    expect((await request(t.app).put('/api/v1/me/notifications').set(...auth).send({ mode: 'digest' }).expect(200)).body).to.deep.equal({ mode: 'digest' });
    expect((await request(t.app).get('/api/v1/me/notifications').set(...auth).expect(200)).body).to.deep.equal({ mode: 'digest' });
    await request(t.app).get('/api/v1/me/notifications').expect(401);
    expect(await t.db('audit_events').where({ action: 'notifications.changed', actor_id: user.id }).count({ n: '*' }).first()).to.deep.include({ n: 1 });
    const { agent, csrf } = await agentFor(t, user);
    const account = await agent.get('/account').expect(200);
    expect(account.text).to.contain('href="/account/notifications"');
    const page = await agent.get('/account/notifications').expect(200);
    expect(page.text).to.match(/value="digest" checked/);
    const bad = await agent.post('/account/notifications').type('form').send({ _csrf: csrf, mode: 'hourly' }).expect(422);
    expect(bad.text).to.contain('Choose immediate mails, a daily digest or none.');
    const saved = await agent.post('/account/notifications').type('form').send({ _csrf: csrf, mode: 'immediate' }).expect(303);
    expect(saved.headers.location).to.equal('/account/notifications?done=saved');
    expect((await agent.get(saved.headers.location).expect(200)).text).to.contain('Your choice of notices is saved.');
    await request(t.app).get('/account/notifications').expect(303);
  });

  it('a digest user gets one mail a day that collects several events; nothing before the digest time', async () => {
    const { user, auth } = await bearerFor(t, await watcher(t));
    await request(t.app).put('/api/v1/me/notifications').set(...auth).send({ mode: 'digest' }).expect(200);
    const { user: other } = await bearerFor(t, await watcher(t)); // immediate
    // Three events: a consultation opened, a disposition of their comment, a publication-like notice.
    const cid = await openConsultationOnLaterDraft(t, sec);
    const c = await request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...auth).send({ clause: null, type: 'editorial', comment: 'A typo in 3.1.' });
    expect(c.status).to.equal(201);
    await request(t.app).patch(`/api/v1/comments/${c.body.id}`).set(...sec.auth).send({ disposition: 'accepted' }).expect(200);
    t.clock.advance(2 * HOUR);
    const { queuePublished } = await import('../../server/notifications/service.ts');
    const std = await t.db('standards').where({ ref: '07.11' }).first('id');
    await t.db.transaction((trx) => queuePublished(trx, t.clock, std.id, 1, { ref: '07.11', n: 3, designation: 'IMAS 07.11', title: 'Evaluation', edition_label: 'Edition 2', in_force_from: '2027-01-01' }));
    expect(await outboxRows(t, user.id)).to.have.length(3);
    const worker = workerFor(t, smtp.url);
    try {
      const first = await worker.tick();
      expect(first.digests).to.equal(0);
      expect((await outboxRows(t, user.id)).every((r) => r.sent_at === null)).to.equal(true);
      // the immediate watcher had theirs at once
      expect((await outboxRows(t, other.id)).every((r) => r.sent_at !== null)).to.equal(true);
      // the next morning at 06:00 UTC
      t.clock.set('2026-11-24T06:00:00.000Z');
      const second = await worker.tick();
      expect(second.digests).to.equal(1);
      const mail = await smtp.next(user.email);
      expect(subjectOf(mail)).to.equal('imas-review: 3 notices of the day');
      const body = bodyOf(mail);
      expect(body).to.contain('1. Consultation on IMAS 07.11').and.contain('2. Your comment').and.contain('3. Published: IMAS 07.11 Edition 2');
      expect(headerOf(mail, 'List-Unsubscribe-Post')).to.equal('List-Unsubscribe=One-Click');
      expect(pathOf(linksOf(mail)[0]!)).to.equal(`/consultations/${cid}`);
      t.clock.advance(HOUR);
      expect((await worker.tick()).digests).to.equal(0);
      expect(smtp.mails.filter((m) => m.to.includes(user.email.toLowerCase()))).to.have.length(0);
      expect((await outboxRows(t, user.id)).every((r) => r.sent_at === '2026-11-24T06:00:00.000Z')).to.equal(true);
    } finally {
      worker.closeMailer();
      t.clock.set('2026-11-23T12:00:00.000Z');
    }
  });

  it('the export of personal data holds the choice and the notices queued for the account', async () => {
    const { user, auth } = await bearerFor(t, 'stakeholder');
    await request(t.app).put('/api/v1/me/notifications').set(...auth).send({ mode: 'digest' }).expect(200);
    await enqueue(t.db, [{ user_id: user.id, dedupe_key: `export:${user.id}`, notice: { kind: 'proposal-circulated', proposal_id: 3, title: 'An export test', response_due_at: '2027-01-01T00:00:00Z' } }], t.clock.now().toISOString());
    const data = (await request(t.app).get('/api/v1/users/me/export').set(...auth).expect(200)).body;
    expect(data.notifications.mode).to.equal('digest');
    expect(data.notifications.mails).to.have.length(1);
    expect(data.notifications.mails[0]).to.deep.include({ kind: 'proposal-circulated', sent_at: null, dropped_at: null });
    expect(data.notifications.mails[0].about.title).to.equal('An export test');
  });

  it("a digest user's day of waiting rows does not hold back a mail due at once", async () => {
    const digestUser = await createUser(t.db);
    await t.db('notification_settings').insert({ user_id: digestUser.id, mode: 'digest', updated_at: t.clock.now().toISOString() });
    const now = t.clock.now().toISOString();
    const notice = (i: number) => ({ kind: 'proposal-circulated' as const, proposal_id: i, title: `Waiting ${i}`, response_due_at: '2027-01-01T00:00:00Z' });
    await enqueue(t.db, Array.from({ length: 250 }, (_, i) => ({ user_id: digestUser.id, dedupe_key: `wait:${i}`, notice: notice(i) })), now);
    const u = await createUser(t.db);
    await enqueue(t.db, [{ user_id: u.id, dedupe_key: 'now:1', notice: notice(1000) }], now);
    const worker = workerFor(t, smtp.url);
    try {
      const r = await worker.tick();
      expect(r).to.include({ sent: 1, digests: 0 });
      expect(subjectOf(await smtp.next(u.email))).to.contain('Proposal circulated');
    } finally {
      worker.closeMailer();
      await t.db('outbox').where({ user_id: digestUser.id }).update({ dropped_at: now });
    }
  });

  it('48 hours before a ballot closes, the worker finds it as the clock moves and reminds the voters of organisations that have not voted — not those that voted', async () => {
    const m = await boardOf(t, ['Voted Org', 'Silent Org']);
    const silentAlt = await createUser(t.db, { role: 'board', organisation: 'Silent Org' });
    const b = await openBallot(t, sec, { closes_at: '2026-12-01T12:00:00Z' });
    expect((await vote(t, m['Voted Org']!, b.id, 'approve')).status).to.equal(200);
    const worker = workerFor(t, smtp.url);
    const reminders = () => t.db('outbox').where({ kind: 'ballot-closing' }).orderBy('user_id').select('user_id', 'dedupe_key');
    try {
      expect((await worker.tick()).reminders).to.equal(0); // 8 days before
      t.clock.set('2026-11-29T11:59:59.000Z'); // 48 h and a second before
      expect((await worker.tick()).reminders).to.equal(0);
      t.clock.set('2026-11-29T12:00:00.000Z');
      const r = await worker.tick();
      expect(r.reminders).to.equal(2);
      const rows = await reminders();
      expect(rows.map((x: { user_id: number }) => x.user_id)).to.have.members([m['Silent Org']!.user.id, silentAlt.id]);
      let mail = await smtp.next(silentAlt.email); // the ballot's opening came first
      if (/Ballot open/.test(subjectOf(mail)!)) mail = await smtp.next(silentAlt.email);
      expect(subjectOf(mail)).to.match(/Ballot on IMAS 07\.11 closes .*: Silent Org has not voted/);
      expect(pathOf(linksOf(mail)[0]!)).to.equal(`/ballots/${b.id}`);
      // found again on the next pass, by this worker or another: not queued again
      t.clock.advance(HOUR);
      expect((await worker.tick()).reminders).to.equal(0);
      expect(await reminders()).to.have.length(2);
      expect(smtp.mails.filter((x) => x.to.includes(m['Voted Org']!.user.email.toLowerCase()) && /has not voted/.test(x.raw))).to.have.length(0);
    } finally {
      worker.closeMailer();
      t.clock.set('2026-11-23T12:00:00.000Z');
    }
  });
});
