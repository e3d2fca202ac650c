import { expect } from 'chai';
import type pg from 'pg';
import { testDb } from '../helpers/app.ts';
import { onPostgres } from '../helpers/postgres.ts';
import { arrayLiteral, pipeline } from '../../server/pg-pipeline.ts';
import type { Db } from '../../server/db.ts';

/**
 * server/pg-pipeline.ts on a real PostgreSQL (npm run test:pg; skipped on SQLite): statements sent
 * together, prepared once per connection, answered in order; after an error the statements the server
 * skipped are parsed again on their next use; a statement after a lock sees what was committed while
 * it waited (the comment batches' receipt numbers and audit chain rest on that: consultations/repo-pg.ts).
 */
describe('PostgreSQL pipelines (server/pg-pipeline.ts)', function () {
  let db: Db;
  type Pool = { acquireConnection(): Promise<pg.ClientBase>; releaseConnection(c: pg.ClientBase): Promise<unknown> };
  const pool = () => db.client as Pool;

  before(async function () {
    if (!onPostgres()) return this.skip();
    db = await testDb();
    await db.raw('create table pipeline_rows (n int)');
  });
  after(() => db?.destroy());

  it('answers each statement in order, with its bound parameters, and prepares each once per connection', async () => {
    const conn = await pool().acquireConnection();
    try {
      const steps = (x: number) => [
        { name: 'test_pipe_add', text: 'select $1::int + 1 as n', values: [x] },
        { name: 'test_pipe_echo', text: 'select $1::text as s', values: [`it's ${x}`] },
      ];
      const [a, b] = await pipeline(conn, steps(1));
      expect(a!.rows).to.deep.equal([{ n: 2 }]);
      expect(b!.rows).to.deep.equal([{ s: "it's 1" }]);
      const [c] = await pipeline(conn, steps(41));
      expect(c!.rows).to.deep.equal([{ n: 42 }]);
      const prepared = await conn.query("select name from pg_prepared_statements where name like 'test_pipe_%' order by name");
      expect(prepared.rows.map((r) => r.name)).to.deep.equal(['test_pipe_add', 'test_pipe_echo']);
    } finally {
      await pool().releaseConnection(conn);
    }
  });

  it('fails at the failing statement, and parses the statements it skipped when next used', async () => {
    const conn = await pool().acquireConnection();
    try {
      const steps = (d: number) => [
        { name: 'test_skip_begin', text: 'begin' },
        { name: 'test_skip_div', text: 'select 1 / $1::int as q', values: [d] },
        { name: 'test_skip_after', text: 'select 7 as seven' },
        { name: 'test_skip_commit', text: 'commit' },
      ];
      let failed: unknown = null;
      await pipeline(conn, steps(0)).catch((err: unknown) => void (failed = err));
      expect(String(failed)).to.match(/division by zero/);
      await conn.query('rollback');
      const results = await pipeline(conn, steps(1));
      expect(results.map((r) => r.command)).to.deep.equal(['BEGIN', 'SELECT', 'SELECT', 'COMMIT']);
      expect(results[2]!.rows).to.deep.equal([{ seven: 7 }]);
    } finally {
      await pool().releaseConnection(conn);
    }
  });

  it('a statement after a lock sees the rows committed while it waited for the lock', async () => {
    const holder = await pool().acquireConnection();
    const waiter = await pool().acquireConnection();
    try {
      await holder.query('begin');
      await holder.query("select pg_advisory_xact_lock(hashtext('test_pipeline'))");
      await holder.query('insert into pipeline_rows (n) values (1)');
      const waiting = pipeline(waiter, [
        { name: 'test_lock_begin', text: 'begin' },
        { name: 'test_lock_take', text: "select pg_advisory_xact_lock(hashtext('test_pipeline'))" },
        { name: 'test_lock_count', text: 'select count(*)::int as n from pipeline_rows' },
        { name: 'test_lock_commit', text: 'commit' },
      ]);
      // The waiter's pipeline is on the server, blocked on the lock, when the holder commits.
      await new Promise((r) => setTimeout(r, 200));
      await holder.query('commit');
      const results = await waiting;
      expect(results[2]!.rows).to.deep.equal([{ n: 1 }]);
    } finally {
      await pool().releaseConnection(holder);
      await pool().releaseConnection(waiter);
    }
  });

  it('sends arrays as literals PostgreSQL reads back element for element (arrayLiteral): quotes, backslashes, braces, commas, NULL, the word NULL, empty, JSON', async () => {
    const texts = ['plain', 'it\'s "quoted"', 'back\\slash \\"both"', '{braces}, commas', '', 'NULL', null, ' spaced ', 'ünïcödé — ✓', JSON.stringify({ a: 'x"y', b: [1, null] })];
    const ints = [1, null, -7, 2147483647];
    const bools = [true, false, null];
    const { rows } = await db.raw('select ?::text[] as t, ?::int[] as i, ?::bool[] as b, array_length(?::text[], 1) as n', [arrayLiteral(texts), arrayLiteral(ints), arrayLiteral(bools), arrayLiteral(texts)]);
    expect(rows[0].t).to.deep.equal(texts);
    expect(rows[0].i).to.deep.equal(ints);
    expect(rows[0].b).to.deep.equal([true, false, null]);
    expect(rows[0].n).to.equal(texts.length);
    expect(arrayLiteral([])).to.equal('{}');
  });
});
