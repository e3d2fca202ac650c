import type { Knex } from 'knex';

/** One row per member organisation per ballot: the principal's or an alternate's vote, changeable until the close. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('votes', (t) => {
    t.increments('id');
    t.integer('ballot_id').notNullable().references('id').inTable('ballots').onDelete('CASCADE');
    t.string('organisation', 200).notNullable();
    t.integer('cast_by').notNullable().references('id').inTable('users').onDelete('RESTRICT');
    // The version the vote was cast on: after a move to a newer draft an older one is outdated.
    t.integer('version_id').notNullable().references('id').inTable('versions').onDelete('CASCADE');
    t.string('position', 16).notNullable(); // approve | disapprove | abstain | recuse
    t.text('reason').nullable();
    t.string('cast_at', 32).notNullable();
    t.unique(['ballot_id', 'organisation']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('votes');
}
