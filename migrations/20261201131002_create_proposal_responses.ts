import type { Knex } from 'knex';

/**
 * The Board's responses to a circulated proposal: one row per member organisation (its principal or an
 * alternate answers for it; the latest answer stands), changeable until the response date.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('proposal_responses', (t) => {
    t.increments('id');
    t.integer('proposal_id').notNullable().references('id').inTable('proposals').onDelete('CASCADE');
    t.integer('organisation_id').notNullable().references('id').inTable('organisations').onDelete('RESTRICT');
    // support | no_support
    t.string('position', 16).notNullable();
    t.text('comment').nullable();
    t.integer('responded_by').notNullable().references('id').inTable('users').onDelete('RESTRICT');
    t.timestamp('responded_at', { useTz: true }).notNullable();
    t.unique(['proposal_id', 'organisation_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('proposal_responses');
}
