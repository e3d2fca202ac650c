import type { Knex } from 'knex';
import { postingRows } from '../server/search/postings.ts';

/**
 * SQLite only (issue 15 item 5, server/search/postings.ts): the impact-ordered index beside FTS5's, one
 * row per term and version holding the term's posting list as a blob and its number of clauses, and per
 * version a row with the empty term and the version's number of clauses (the IDF needs both totals,
 * summed from the index on term and clauses without reading a list). A table with
 * rowids, not WITHOUT ROWID: its rows hold a list of a few kilobytes in the page (an index B-tree's would
 * spill it to overflow pages), and reading a frequent term's lists took under half the time. Rows go with
 * their version (a version's clauses only ever go with it). Filled here from the clauses already stored. PostgreSQL ranks with its
 * own index (clauses.search_vector): nothing to do there.
 */
const isSqlite = (knex: Knex) => /sqlite/.test(String(knex.client.config.client));

export async function up(knex: Knex): Promise<void> {
  if (!isSqlite(knex)) return;
  await knex.schema.createTable('clause_postings', (t) => {
    t.increments('id').primary();
    t.text('term').notNullable();
    t.integer('version_id').notNullable().references('id').inTable('versions').onDelete('CASCADE');
    t.binary('postings').notNullable();
    t.integer('clauses').notNullable();
    t.unique(['term', 'version_id']);
    t.index(['term', 'clauses']);
    t.index('version_id');
  });
  const versions: { version_id: number; n: number }[] = await knex('clauses').select('version_id').count('* as n').groupBy('version_id');
  for (const { version_id } of versions) {
    const clauses = await knex('clauses').where({ version_id }).orderBy('id').select('id', 'heading', 'text');
    const rows = postingRows(version_id, clauses);
    for (let i = 0; i < rows.length; i += 500) await knex('clause_postings').insert(rows.slice(i, i + 500)); // a compound SELECT: at most 500
  }
}

export async function down(knex: Knex): Promise<void> {
  if (!isSqlite(knex)) return;
  await knex.schema.dropTable('clause_postings');
}
