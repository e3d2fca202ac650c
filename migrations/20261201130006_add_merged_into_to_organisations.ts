import type { Knex } from 'knex';

/**
 * A record merged into another stays, pointing at it (issue 12, "confirms or merges"): its spelling keeps
 * leading to the organisation it was merged into when someone types it again, and whatever still refers
 * to the old record is not left pointing at nothing. Merged records are out of every list.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('organisations', (t) => {
    t.integer('merged_into_id').nullable().references('id').inTable('organisations').onDelete('SET NULL');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('organisations', (t) => {
    t.dropForeign(['merged_into_id']);
  });
  await knex.schema.alterTable('organisations', (t) => {
    t.dropColumn('merged_into_id');
  });
}
