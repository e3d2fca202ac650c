import { expect } from 'chai';
import net from 'node:net';
import Database from 'better-sqlite3';
import { checkpoint, testDatabaseUrlOf, testDb } from '../helpers/app.ts';
import { onPostgres } from '../helpers/postgres.ts';
import { createDb } from '../../server/db.ts';
import { createUser } from '../helpers/auth.ts';
import { call, openSampleConsultation, startServer, tokenFor, type Answer, type ServerProcess } from '../helpers/server-process.ts';

/** A request whose body is only half sent: in flight until finish() sends the rest. */
function heldRequest(port: number, path: string, body: string): Promise<{ finish(): Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      const half = Math.floor(body.length / 2);
      socket.write(`POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`);
      const chunks: Buffer[] = [];
      socket.on('data', (d) => chunks.push(d));
      const answered = new Promise<string>((res) => socket.on('close', () => res(Buffer.concat(chunks).toString())));
      resolve({
        finish: () => {
          socket.write(body.slice(half));
          return answered;
        },
      });
    });
    socket.on('error', reject);
  });
}

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(true));
  });

describe('graceful shutdown of the real server process (SIGTERM)', function () {
  this.timeout(120_000);
  let url: string;
  let srv: ServerProcess | null = null;
  let cid: number;
  let email: string;
  let password: string;

  before(async () => {
    const db = await testDb();
    url = testDatabaseUrlOf(db);
    cid = await openSampleConsultation(db);
    const user = await createUser(db, { role: 'stakeholder' });
    ({ email, password } = user);
    await checkpoint(db);
    await db.destroy();
  });

  afterEach(() => {
    if (srv && srv.child.exitCode === null) srv.child.kill('SIGKILL');
  });

  it('answers /readyz 503 at once, stops taking connections, finishes the request in flight and the queued comments, exits 0', async () => {
    srv = await startServer(url, { SHUTDOWN_GRACE_MS: '1500', LOG_LEVEL: 'info' });
    const { port } = srv;
    expect((await call(port, 'GET', '/readyz')).status).to.equal(200);
    const auth = { Authorization: `Bearer ${await tokenFor(port, email, password)}` };

    // In flight across the whole shutdown: a request whose body has not all arrived.
    const held = await heldRequest(port, '/api/v1/tokens', JSON.stringify({ email, password, name: 'held across the shutdown' }));
    // A burst of comments on their way to the write queue as the signal comes.
    const burst: Array<Promise<Answer>> = [];
    for (let i = 0; i < 60; i++) burst.push(call(port, 'POST', `/api/v1/consultations/${cid}/comments`, { clause: '4.1', type: 'technical', comment: `Comment ${i} sent as the server stops.` }, auth));
    srv.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));

    // Within the grace period: still answering, but not ready, and health unchanged.
    const ready = await call(port, 'GET', '/readyz');
    expect(ready.status).to.equal(503);
    expect(JSON.parse(ready.body).reason).to.equal('shutting down');
    expect((await call(port, 'GET', '/healthz')).status).to.equal(200);

    // After it: new connections are refused while the held request is still open.
    const t0 = Date.now();
    while (!(await refused(port))) {
      if (Date.now() - t0 > 10_000) throw new Error('the server still takes connections 10 s after SIGTERM');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(srv.child.exitCode, 'still running while a request is in flight').to.equal(null);

    const answer = await held.finish();
    expect(answer).to.match(/^HTTP\/1\.1 201 /);
    expect(answer).to.match(/\r\nConnection: close\r\n/i);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).token).to.be.a('string');

    const answers = await Promise.all(burst);
    expect(answers.map((a) => a.status)).to.deep.equal(answers.map(() => 201));
    expect(await srv.exited).to.equal(0);
    expect(srv.output()).to.match(/shutdown: done/);

    // Every acknowledged comment is stored (and on SQLite the file is whole).
    if (!onPostgres()) {
      const check = new Database(url.slice('sqlite:'.length), { readonly: true });
      try {
        expect(check.pragma('integrity_check', { simple: true })).to.equal('ok');
      } finally {
        check.close();
      }
    }
    const db = createDb(url);
    try {
      const receipts = new Set(((await db('comments').where({ consultation_id: cid }).select('seq')) as Array<{ seq: number }>).map((r) => Number(r.seq)));
      for (const a of answers) expect(receipts.has(Number(JSON.parse(a.body).reference.split('-').pop()))).to.equal(true);
    } finally {
      await db.destroy();
    }
  });

  it('without a grace period, stops taking connections at once; an idle kept-alive socket does not hold it up', async () => {
    srv = await startServer(url);
    const { port } = srv;
    // A kept-alive connection left idle after one request.
    const idle = net.connect(port, '127.0.0.1');
    idle.on('error', () => {}); // closed by the server: a reset is as good as a FIN here
    await new Promise<void>((resolve) => {
      idle.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
      idle.once('data', () => resolve());
    });
    const closed = new Promise<void>((resolve) => idle.on('close', () => resolve()));
    const t0 = Date.now();
    srv.child.kill('SIGTERM');
    expect(await srv.exited).to.equal(0);
    await closed;
    // Well within the keep-alive timeout (5 s): the idle socket was closed, not waited for.
    expect(Date.now() - t0).to.be.lessThan(4000);
    expect(await refused(port)).to.equal(true);
  });
});
