import type { Knex } from 'knex';

/**
 * The traceable line (issue 12 item 4): a draft created from a proposal, the drafts based on it and the
 * edition published from them carry the proposal's id; consultations and ballots reach it through their
 * version.
 */
export async function up(knex: Knex): Promise<void> {
  // Plain SQL that SQLite and PostgreSQL both read: Knex's SQLite emulation of a column with a foreign
  // key would rebuild the versions table, which other tables reference.
  await knex.raw('alter table versions add column proposal_id integer null references proposals(id) on delete set null');
  await knex.schema.alterTable('versions', (t) => {
    t.index(['proposal_id'], 'versions_proposal_id_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('versions', (t) => {
    t.dropIndex(['proposal_id'], 'versions_proposal_id_index');
  });
  await knex.raw('alter table versions drop column proposal_id');
}
