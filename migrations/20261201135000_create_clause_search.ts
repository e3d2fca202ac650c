import type { Knex } from 'knex';

/**
 * The full-text index of clauses (issue 15, server/search/engine.ts): on SQLite an FTS5 table keyed by
 * the clause id, emptied of a clause's row when the clause goes; on PostgreSQL a tsvector column with a
 * GIN index. Both are filled here from the clauses already stored.
 */
const VECTOR = `setweight(to_tsvector('english', coalesce(heading, '')), 'A') || setweight(to_tsvector('english', coalesce(text, '')), 'B')`;

export async function up(knex: Knex): Promise<void> {
  if (/sqlite/.test(String(knex.client.config.client))) {
    await knex.raw(`create virtual table clause_search using fts5(heading, body, tokenize = 'porter unicode61')`);
    await knex.raw(
      `insert into clause_search (rowid, heading, body)
       select id, replace(replace(heading, char(2), ' '), char(3), ' '), replace(replace(text, char(2), ' '), char(3), ' ') from clauses`,
    );
    await knex.raw(`insert into clause_search (clause_search) values ('optimize')`);
    await knex.raw(`create trigger clauses_unindex after delete on clauses begin delete from clause_search where rowid = old.id; end`);
    return;
  }
  await knex.schema.alterTable('clauses', (t) => {
    t.specificType('search_vector', 'tsvector').nullable();
  });
  await knex.raw(`update clauses set search_vector = ${VECTOR}`);
  await knex.raw('create index clauses_search_vector on clauses using gin (search_vector)');
}

export async function down(knex: Knex): Promise<void> {
  if (/sqlite/.test(String(knex.client.config.client))) {
    await knex.raw('drop trigger if exists clauses_unindex');
    await knex.raw('drop table if exists clause_search');
    return;
  }
  await knex.raw('drop index if exists clauses_search_vector');
  await knex.schema.alterTable('clauses', (t) => {
    t.dropColumn('search_vector');
  });
}
