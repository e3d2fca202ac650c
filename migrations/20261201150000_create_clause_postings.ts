import type { Knex } from 'knex';
import { buildPostings } from '../server/search/postings.ts';

/**
 * SQLite only (issue 15 item 5, server/search/postings.ts): the impact-ordered index beside FTS5's, one
 * row per term and version holding the term's posting list as a blob, and per version a row with the
 * empty term holding its number of clauses (an integer: the IDF needs the index's total). Without rowid:
 * the table is its primary key's B-tree, one write per row. Rows go with their version (a version's
 * clauses only ever go with it). Filled here from the clauses already stored. PostgreSQL ranks with its
 * own index (clauses.search_vector): nothing to do there.
 */
const isSqlite = (knex: Knex) => /sqlite/.test(String(knex.client.config.client));

export async function up(knex: Knex): Promise<void> {
  if (!isSqlite(knex)) return;
  await knex.raw(
    `create table clause_postings (
       term text not null,
       version_id integer not null references versions (id) on delete cascade,
       postings blob not null,
       primary key (term, version_id)
     ) without rowid`,
  );
  await knex.raw('create index clause_postings_version_id on clause_postings (version_id)');
  const versions: { version_id: number; n: number }[] = await knex('clauses').select('version_id').count('* as n').groupBy('version_id');
  for (const { version_id } of versions) {
    const clauses = await knex('clauses').where({ version_id }).orderBy('id').select('id', 'heading', 'text');
    const rows = [...buildPostings(clauses)].map(([term, postings]) => ({ term, version_id, postings }));
    rows.push({ term: '', version_id, postings: clauses.length as unknown as Buffer });
    for (let i = 0; i < rows.length; i += 500) await knex('clause_postings').insert(rows.slice(i, i + 500)); // a compound SELECT: at most 500
  }
}

export async function down(knex: Knex): Promise<void> {
  if (!isSqlite(knex)) return;
  await knex.raw('drop table if exists clause_postings');
}
