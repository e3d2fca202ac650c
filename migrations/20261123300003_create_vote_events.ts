import type { Knex } from 'knex';

/** Append-only history of every cast and change of a vote (the votes table keeps only the latest). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('vote_events', (t) => {
    t.increments('id');
    t.integer('ballot_id').notNullable().references('id').inTable('ballots').onDelete('CASCADE');
    t.string('organisation', 200).notNullable();
    t.integer('cast_by').notNullable().references('id').inTable('users').onDelete('RESTRICT');
    t.integer('version_id').notNullable().references('id').inTable('versions').onDelete('CASCADE');
    t.string('position', 16).notNullable();
    t.text('reason').nullable();
    t.string('at', 32).notNullable();
    t.index(['ballot_id', 'organisation']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('vote_events');
}
