import { expect } from 'chai';
import type BetterSqlite3 from 'better-sqlite3';
import { blankDatabaseUrl } from '../helpers/app.ts';
import { onPostgres } from '../helpers/postgres.ts';
import { createDb, type Db } from '../../server/db.ts';

/**
 * Knex's SQLite queries keep their prepared statements (server/sqlite-statements.ts): the same SQL is
 * compiled once per connection, in transactions too, and a kept statement still answers rightly after
 * its table changed, after a failed run, and past the number kept. SQLite only: on PostgreSQL Knex
 * prepares nothing on the client.
 */
describe('SQLite statements kept by Knex (server/sqlite-statements.ts)', function () {
  let db: Db;
  let prepared: string[];

  before(async function () {
    if (onPostgres()) return this.skip();
    db = createDb(await blankDatabaseUrl());
    // Count what the pool's one connection prepares.
    const client = db.client as { acquireConnection(): Promise<BetterSqlite3.Database>; releaseConnection(c: BetterSqlite3.Database): Promise<unknown> };
    const conn = await client.acquireConnection();
    const prepare = conn.prepare.bind(conn);
    prepared = [];
    conn.prepare = ((sql: string) => (prepared.push(sql), prepare(sql))) as typeof conn.prepare;
    await client.releaseConnection(conn);
    await db.raw('create table kept (id integer primary key, name text not null unique)');
  });
  after(() => db?.destroy());

  it('compiles a query once however often it runs, in a transaction too, with its own bindings each time', async () => {
    prepared.length = 0;
    for (const name of ['a', 'b', 'c']) await db('kept').insert({ name });
    const names: string[] = [];
    for (const id of [1, 2, 3]) names.push((await db('kept').where({ id }).first()).name);
    await db.transaction(async (trx) => {
      for (const name of ['d', 'e']) await trx('kept').insert({ name });
    });
    expect(names).to.deep.equal(['a', 'b', 'c']);
    expect(await db('kept').orderBy('id').pluck('name')).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
    const insert = prepared.filter((sql) => sql.startsWith('insert into `kept`'));
    const select = prepared.filter((sql) => sql.startsWith('select * from `kept` where `id` = ?'));
    expect(insert).to.have.length(1);
    expect(select).to.have.length(1);
  });

  it('a kept statement answers with the table as it is now: a column added, a failed insert, more texts than are kept', async () => {
    const all = () => db('kept').select('*').orderBy('id').limit(1);
    expect(Object.keys((await all())[0])).to.deep.equal(['id', 'name']);
    await db.raw("alter table kept add column note text not null default 'n'");
    expect((await all())[0]).to.deep.equal({ id: 1, name: 'a', note: 'n' });
    // The unique name refused, then the same statement used again.
    const err = await db('kept').insert({ name: 'a' }).catch((e: unknown) => e);
    expect(String((err as Error).message)).to.match(/UNIQUE constraint failed/);
    await db('kept').insert({ name: 'f' });
    // More distinct texts than are kept (whereIn lists of every length), then the first ones again.
    for (let n = 1; n <= 300; n++) expect(await db('kept').whereIn('id', Array.from({ length: n }, (_, i) => i + 1)).count({ c: '*' }).first()).to.deep.equal({ c: Math.min(n, 6) });
    expect(await db('kept').whereIn('id', [1]).count({ c: '*' }).first()).to.deep.equal({ c: 1 });
  });
});
