import type { Knex } from 'knex';

/**
 * A Review Board ballot on a version. Open/closed is derived from the dates (design.md §2); what is
 * frozen at the close (result, tally, the audit hash of the close) is written once, by the first
 * transaction that finds the ballot closed (where result is null).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ballots', (t) => {
    t.increments('id');
    // The version now under ballot: a move to a newer draft changes it (the old one is in the audit log).
    t.integer('version_id').notNullable().references('id').inTable('versions').onDelete('CASCADE');
    t.string('opens_at', 32).notNullable(); // ISO 8601 UTC strings: compared as text on every database
    t.string('closes_at', 32).notNullable();
    t.string('rule', 16).notNullable().defaultTo('iso'); // iso | majority | consensus
    t.float('quorum').notNullable().defaultTo(0.5);
    t.text('electorate').notNullable(); // JSON array of the member organisations when it opened
    t.string('result', 16).nullable(); // approved | rejected | no_quorum, frozen at close
    t.text('final_tally').nullable(); // JSON, frozen with the result
    t.string('close_hash', 64).nullable(); // hash of the audit event that recorded the close
    t.string('cancelled_at', 32).nullable();
    t.integer('created_by').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.string('created_at', 32).notNullable();
    t.index(['version_id']);
    t.index(['closes_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ballots');
}
