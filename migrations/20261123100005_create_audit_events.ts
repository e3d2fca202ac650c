import type { Knex } from 'knex';

/** Append-only and hash-chained: each row carries the previous row's hash and its own. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_events', (t) => {
    t.increments('id');
    // Text, not a timestamp: the hash covers the exact ISO string on every database.
    t.string('at', 32).notNullable();
    // No foreign key: the record outlives whatever it names.
    t.integer('actor_id').nullable();
    t.string('action', 64).notNullable();
    t.string('subject_type', 32).nullable();
    t.string('subject_id', 64).nullable();
    t.text('data').notNullable(); // JSON
    t.string('prev_hash', 64).notNullable();
    t.string('hash', 64).notNullable().unique();
    t.index(['subject_type', 'subject_id']);
    t.index(['actor_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_events');
}
