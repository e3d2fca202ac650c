import type { Knex } from 'knex';

/**
 * A record merged into another stays, pointing at it (issue 12, "confirms or merges"): its spelling keeps
 * leading to the organisation it was merged into when someone types it again, and whatever still refers
 * to the old record is not left pointing at nothing. Merged records are out of every list.
 */
export async function up(knex: Knex): Promise<void> {
  // Plain ADD COLUMN … REFERENCES: Knex's SQLite emulation would rebuild the table users reference.
  await knex.raw('alter table organisations add column merged_into_id integer null references organisations (id) on delete set null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table organisations drop column merged_into_id');
}
