import { expect } from 'chai';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { checkpoint, copyOfDb, emptyDb, tablesOf, testApp, testDatabaseUrlOf, testDb, tmpDir } from '../helpers/app.ts';
import { boardOf, openBallot, secretariat, vote } from '../helpers/ballots.ts';
import { appendAudit, beginKeying, chainHead, verifyChain } from '../../server/audit/service.ts';
import { GENESIS, hashOf, KEYING_BEGAN, type Head } from '../../server/audit/chain.ts';
import { loadAuditKey } from '../../server/audit/key.ts';
import { verifyCommand } from '../../server/audit/verify-command.ts';
import { ConfigError, loadConfig, TEST_AUDIT_KEY } from '../../server/config.ts';
import { createDb, type Db } from '../../server/db.ts';
import { FakeClock } from '../../server/clock.ts';
import { createLogger } from '../../server/logger.ts';
import { agentFor, bearerFor } from '../helpers/auth.ts';
import { sampleConsultationId } from '../helpers/consultations.ts';

type App = Awaited<ReturnType<typeof testApp>>;
const formatted = (h: Head) => `${h.count}:${h.hash}`;

/** What someone who can write the database but lacks the key does: edit a row and recompute the chain from it on in plain SHA-256. */
async function rewriteFrom(db: Db, id: number, edit: Record<string, unknown>): Promise<void> {
  const rows = await db('audit_events').where('id', '>=', id).orderBy('id');
  let prev = (await db('audit_events').where('id', '<', id).orderBy('id', 'desc').first('hash'))?.hash ?? GENESIS;
  for (const r of rows) {
    const row = { ...r, ...(r.id === id ? edit : {}), keyed: false };
    row.hash = hashOf(row);
    row.prev_hash = prev;
    row.hash = hashOf(row);
    prev = row.hash;
    // the unique index on hash: clear it first
    await db('audit_events').where({ id: r.id }).update({ hash: `tmp-${r.id}` });
    await db('audit_events').where({ id: r.id }).update({ ...(r.id === id ? edit : {}), prev_hash: row.prev_hash, hash: row.hash, keyed: false });
  }
}

describe('audit chain: published heads, the feed and audit:verify', () => {
  let t: App;
  let head: Head;
  before(async () => {
    t = await testApp();
    const sec = await secretariat(t);
    const m = await boardOf(t, ['A', 'B']);
    const b = await openBallot(t, sec);
    for (const o of ['A', 'B']) await vote(t, m[o]!, b.id, 'approve');
    await request(t.app).post(`/api/v1/ballots/${b.id}/close`).set(...sec.auth).expect(200);
    t.clock.set('2026-11-24T09:00:00.000Z');
    const ok = await request(t.app).post('/api/v1/standards/07.11/versions/4/publish').set(...sec.auth).send({ edition: 3, in_force_from: '2027-01-01', summary: 'Third edition: residual contamination.' });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    head = (await chainHead(t.db))!;
    // later events: the chain goes on after the publication
    for (let i = 0; i < 3; i++) await appendAudit(t.db, t.clock, { actor_id: sec.user.id, action: 'test.after', subject_type: 'user', subject_id: sec.user.id });
  });
  after(() => t.close());

  it('keys the app\'s chain: "keying began" first, every row an HMAC, verifiable with the key only', async () => {
    const rows = await t.db('audit_events').orderBy('id');
    expect(rows[0].action).to.equal(KEYING_BEGAN);
    expect(rows.every((r: { keyed: number }) => r.keyed === 1)).to.equal(true);
    expect(await verifyChain(t.db)).to.deep.equal({ ok: true, count: rows.length, keyedFrom: rows[0].id });
    expect((await verifyChain(t.db, { key: null })).problem).to.match(/AUDIT_KEY is needed/);
    // the key is nowhere in the database
    const dump = JSON.stringify(await t.db('audit_events').select('*')) + JSON.stringify(await t.db('versions').select('audit_head_hash'));
    expect(dump).not.to.contain(TEST_AUDIT_KEY);
  });

  it('the head at publication is that of the publication event, and the published page prints it', async () => {
    const event = await t.db('audit_events').where({ action: 'version.publish' }).first();
    expect(head.hash).to.equal(event.hash);
    expect(head.count).to.equal(Number((await t.db('audit_events').where('id', '<=', event.id).count({ n: '*' }).first())!.n));
    const page = await request(t.app).get('/standards/07.11/versions/4').expect(200);
    expect(page.text).to.match(/Audit chain head at publication<\/dt><dd><code class="hash">(\d+):([0-9a-f]{64})<\/code>/);
    expect(page.text).to.contain(formatted(head));
    // the page of an edition imported as published has no head to print
    const imported = await request(t.app).get('/standards/07.11/versions/3').expect(200);
    expect(imported.text).to.contain('Publication record');
    expect(imported.text).not.to.contain('Audit chain head at publication');
  });

  it('the publications feed is public Atom, one entry per published version with the head, linked from the pages', async () => {
    const feed = await request(t.app).get('/feeds/publications.atom').expect(200);
    expect(feed.headers['content-type']).to.match(/^application\/atom\+xml/);
    expect(feed.text).to.contain('<feed xmlns="http://www.w3.org/2005/Atom">');
    const entries = feed.text.split('<entry>').slice(1);
    const published = await t.db('versions').where({ state: 'published' }).count({ n: '*' }).first();
    expect(entries).to.have.length(Number(published!.n));
    const ours = entries.filter((e) => e.includes(`<link href="${t.config.publicUrl}/standards/07.11/versions/4"/>`));
    expect(ours).to.have.length(1);
    expect(ours[0]).to.contain('<title type="html"><![CDATA[IMAS 07.11 Land release — Edition 3]]></title>');
    expect(ours[0]).to.contain('<updated>2026-11-24T09:00:00.000Z</updated>');
    expect(ours[0]).to.contain('Third edition: residual contamination. In force from 2027-01-01.');
    expect(ours[0]).to.contain(`Audit chain head at publication: ${formatted(head)}`);
    // editions imported as published have none, and say so
    expect(entries.filter((e) => e.includes('Audit chain head at publication'))).to.have.length(1);
    expect(entries.filter((e) => e.includes('Published before imas-review kept an audit chain head.'))).to.have.length(entries.length - 1);
    const home = await request(t.app).get('/').expect(200);
    expect(home.text).to.contain('<link rel="alternate" type="application/atom+xml" title="IMAS publications" href="/feeds/publications.atom">');
  });

  it("the secretariat's audit page says how the chain verifies and prints its head now", async () => {
    const { agent } = await agentFor(t, 'secretariat');
    const page = await agent.get('/admin/audit').expect(200);
    const now = (await chainHead(t.db))!;
    expect(page.text).to.match(/The chain of \d+ events is intact \(keyed with AUDIT_KEY from event 1 on\)\./);
    expect(page.text).to.contain(`Head now: <code class="hash">${formatted(now)}</code>`);
  });

  describe('audit:verify (its verify function)', () => {
    let db: Db;
    let known: Head;
    beforeEach(async () => {
      // a copy of the app's database, so that each test tampers with its own
      db = await copyOfDb(t.db, { auditKey: TEST_AUDIT_KEY });
      known = head;
    });
    afterEach(() => db.destroy());

    it('reports an intact chain matching the head printed at publication', async () => {
      const r = await verifyCommand(db, ['--head', formatted(known)], TEST_AUDIT_KEY);
      expect(r.code).to.equal(0);
      expect(r.lines[0]).to.match(/^audit chain intact: \d+ events \(HMAC with AUDIT_KEY from event 1 on\)$/);
      expect(r.lines[1]).to.equal(`matches the known head ${formatted(known)}`);
    });

    it('deleting the last rows passes without a head and fails with it, naming the problem', async () => {
      const total = Number((await db('audit_events').count({ n: '*' }).first())!.n);
      const cutTo = known.count - 1;
      await db('audit_events').where('id', '>', (await db('audit_events').orderBy('id').offset(cutTo - 1).first('id')).id).delete();
      expect(total).to.be.greaterThan(known.count);
      expect((await verifyCommand(db, [], TEST_AUDIT_KEY)).code).to.equal(0);
      const r = await verifyCommand(db, ['--head', formatted(known)], TEST_AUDIT_KEY);
      expect(r.code).to.equal(1);
      expect(r.lines).to.deep.equal([`audit chain does not verify: the chain has ${cutTo} rows, fewer than the known head ${formatted(known)} (rows were removed from the end) (${cutTo} events verify)`]);
    });

    it('rewriting the chain from an edited row on with plain SHA-256 is detected, with or without a head', async () => {
      const close = await db('audit_events').where({ action: 'ballot.close' }).first();
      await rewriteFrom(db, close.id, { data: close.data.replace('"approved"', '"rejected"') });
      for (const args of [[], ['--head', formatted(known)]]) {
        const r = await verifyCommand(db, args, TEST_AUDIT_KEY);
        expect(r.code).to.equal(1);
        expect(r.lines[0]).to.equal(`audit chain broken at row ${close.id}: a plain SHA-256 row after keying began (the chain was rewritten by someone without the key) (${close.id - 1} events before it verify)`);
      }
    });

    it('a chain recomputed whole without the key fails with the key, and against the head', async () => {
      const first = await db('audit_events').orderBy('id').first();
      await db('audit_events').where({ id: first.id }).delete(); // the "keying began" event
      const second = await db('audit_events').orderBy('id').first();
      await rewriteFrom(db, second.id, { prev_hash: GENESIS });
      const withKey = await verifyCommand(db, [], TEST_AUDIT_KEY);
      expect(withKey.code).to.equal(1);
      expect(withKey.lines[0]).to.match(/none of the \d+ rows is keyed although AUDIT_KEY is set/);
      const noKey = await verifyCommand(db, ['--head', formatted(known)], null);
      expect(noKey.code).to.equal(1);
      expect(noKey.lines[0]).to.match(/fewer than the known head|differs from the known head/);
    });

    it('the migration gives versions published before it the head at their publication event, and goes down', async () => {
      const name = '20261201090702_add_audit_head_to_versions.ts';
      await db.migrate.down({ name });
      expect(await db('versions').columnInfo()).not.to.have.property('audit_head_hash');
      await db.migrate.up({ name });
      const v = await db('versions').whereNotNull('audit_head_hash').select('audit_head_count', 'audit_head_hash');
      expect(v).to.deep.equal([{ audit_head_count: known.count, audit_head_hash: known.hash }]);
    });

    it('a bad --head is a usage error (exit 2) with a message', async () => {
      const r = await verifyCommand(db, ['--head', '12:abc'], TEST_AUDIT_KEY);
      expect(r.code).to.equal(2);
      expect(r.lines[0]).to.equal('--head 12:abc: expected N:HASH, a row count and a 64-digit hex hash');
      expect((await verifyCommand(db, ['--heads', 'x'], TEST_AUDIT_KEY)).code).to.equal(2);
    });

    it('npm run audit:verify exits non-zero on a cut chain, naming the problem', async () => {
      await db('audit_events').where('id', '>', (await db('audit_events').orderBy('id').offset(known.count - 2).first('id')).id).delete();
      await checkpoint(db);
      const env = { ...process.env, NODE_ENV: 'test', DATABASE_URL: testDatabaseUrlOf(db), AUDIT_KEY: TEST_AUDIT_KEY };
      const run = promisify(execFile);
      const err = await run(process.execPath, ['--import', 'tsx', 'server/cli/audit-verify.ts', '--head', formatted(known)], { env }).then(
        () => null,
        (e: { code: number; stderr: string }) => e,
      );
      expect(err, 'exit code').not.to.equal(null);
      expect(err!.code).to.equal(1);
      expect(err!.stderr).to.contain(`fewer than the known head ${formatted(known)}`);
    });
  });
});

describe('audit chain: keying begins on a chain written without a key', () => {
  const clock = new FakeClock('2026-11-23T12:00:00Z');
  const KEY = 'an-audit-key-for-this-suite-0123456789';

  it('plain rows, then the keying event and keyed rows: verifies, and only with the key', async () => {
    const plain = await emptyDb();
    for (let i = 1; i <= 3; i++) await appendAudit(plain, clock, { actor_id: i, action: 'before.key' });
    const url = testDatabaseUrlOf(plain);
    await plain.destroy();
    const keyed = createDb(url, { auditKey: KEY });
    try {
      expect(await beginKeying(keyed, clock)).to.equal(true);
      expect(await beginKeying(keyed, clock)).to.equal(false); // once
      await appendAudit(keyed, clock, { actor_id: 1, action: 'after.key' });
      const rows = await keyed('audit_events').orderBy('id').select('action', 'keyed');
      expect(rows).to.deep.equal([
        { action: 'before.key', keyed: 0 }, { action: 'before.key', keyed: 0 }, { action: 'before.key', keyed: 0 },
        { action: KEYING_BEGAN, keyed: 1 }, { action: 'after.key', keyed: 1 },
      ]);
      expect(await verifyChain(keyed)).to.deep.equal({ ok: true, count: 5, keyedFrom: 4 });
      expect((await verifyCommand(keyed, [], KEY)).lines[0]).to.equal('audit chain intact: 5 events (HMAC with AUDIT_KEY from event 4 on, plain SHA-256 before it)');
      expect((await verifyChain(keyed, { key: 'another-key-entirely-0123456789abcdef' })).firstBad!.reason).to.match(/keyed with another key/);
    } finally {
      await keyed.destroy();
    }
  });

  it('without the key, a keyed chain takes no new row (it would read as tampering)', async () => {
    const db = await emptyDb();
    const url = testDatabaseUrlOf(db);
    await db.destroy();
    const keyed = createDb(url, { auditKey: KEY });
    await appendAudit(keyed, clock, { actor_id: 1, action: 'keyed' });
    await keyed.destroy();
    const unkeyed = createDb(url);
    try {
      let err: unknown;
      await appendAudit(unkeyed, clock, { actor_id: 1, action: 'plain' }).catch((e) => (err = e));
      expect(String(err)).to.match(/AUDIT_KEY is needed to append/);
      expect(await unkeyed('audit_events').count({ n: '*' }).first()).to.deep.equal({ n: 2 });
    } finally {
      await unkeyed.destroy();
    }
  });

  it("the secretariat's audit page names a chain that does not verify as a whole", async () => {
    const t = await testApp();
    try {
      const { agent } = await agentFor(t, 'secretariat');
      // the chain replaced by one plain row, as by someone without the key
      await t.db('audit_events').delete();
      const unkeyed = createDb(testDatabaseUrlOf(t.db));
      await appendAudit(unkeyed, clock, { actor_id: null, action: 'forged' });
      await unkeyed.destroy();
      const page = await agent.get('/admin/audit').expect(200);
      expect(page.text).to.contain('The chain does not verify: none of the 1 rows is keyed although AUDIT_KEY is set');
    } finally {
      await t.close();
    }
  });

  it('comments written through the batching queue key their rows with the same function', async () => {
    const t = await testApp();
    try {
      const cid = await sampleConsultationId(t.db);
      const writers = await Promise.all(Array.from({ length: 3 }, () => bearerFor(t, 'stakeholder')));
      const posted = await Promise.all(
        writers.flatMap((w) => Array.from({ length: 5 }, (_, i) => request(t.app).post(`/api/v1/consultations/${cid}/comments`).set(...w.auth).send({ clause: null, type: 'general', comment: `Comment ${i}` }))),
      );
      expect(posted.map((p) => p.status)).to.deep.equal(Array(15).fill(201));
      const submitted = await t.db('audit_events').where({ action: 'comment.submitted' }).select('keyed');
      expect(submitted).to.have.length(15);
      expect(submitted.every((r: { keyed: number }) => r.keyed === 1)).to.equal(true);
      expect(await verifyChain(t.db)).to.include({ ok: true });
    } finally {
      await t.close();
    }
  });
});

describe('audit key configuration', () => {
  it('is required in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40) })).to.throw(ConfigError, /AUDIT_KEY: is required when NODE_ENV=production/);
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40), AUDIT_KEY: 'k'.repeat(32) }).auditKey).to.equal('k'.repeat(32));
    expect(() => loadConfig({ AUDIT_KEY: 'short' })).to.throw(ConfigError, /AUDIT_KEY: must be at least 32 characters/);
  });

  it('in development, is generated once into a mode-600 file beside the database, with a warning', () => {
    const dir = path.join(tmpDir, `keydir-${Date.now()}`);
    const config = loadConfig({ NODE_ENV: 'development', DATABASE_URL: `sqlite:${dir}/db.sqlite3` });
    expect(config.auditKey).to.equal(undefined);
    expect(config.auditKeyFile).to.equal(path.join(dir, 'audit.key'));
    const warnings: string[] = [];
    const logger = createLogger('warn');
    logger.warn = ((msg: string) => void warnings.push(msg)) as typeof logger.warn;
    expect(loadAuditKey(config, logger, { create: false })).to.equal(null); // the verifier makes none
    const key = loadAuditKey(config, logger, { create: true })!;
    expect(key).to.have.length.greaterThanOrEqual(32);
    expect(fs.statSync(config.auditKeyFile).mode & 0o777).to.equal(0o600);
    expect(warnings[0]).to.match(/AUDIT_KEY is not set: generated a development audit key in .*audit\.key \(mode 600\)/);
    expect(loadAuditKey(config, logger, { create: true })).to.equal(key);
    expect(loadAuditKey(config, logger, { create: false })).to.equal(key);
  });

  it('tests run with a fixed key from the config; the database never holds it', async () => {
    expect(loadConfig({ NODE_ENV: 'test' }).auditKey).to.equal(TEST_AUDIT_KEY);
    const db = await testDb({ auditKey: TEST_AUDIT_KEY });
    try {
      await appendAudit(db, new FakeClock('2026-11-23T12:00:00Z'), { actor_id: null, action: 'x' });
      for (const name of await tablesOf(db)) expect(JSON.stringify(await db(name).select('*')), name).not.to.contain(TEST_AUDIT_KEY);
    } finally {
      await db.destroy();
    }
  });
});
