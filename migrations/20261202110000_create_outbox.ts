import type { Knex } from 'knex';

/**
 * The durable outbox of e-mail (issue 16 item 3): one row per mail to one user, written in the same
 * transaction as the event that causes it, sent later by the worker (server/notifications/worker.ts).
 * `dedupe_key` is unique, so that the same mail is never queued twice (two instances finding the same
 * reminder, an event retried). Times are ISO 8601 UTC strings, compared as text on every database.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('outbox', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('kind', 40).notNullable(); // consultation-opened | comment-disposed | ballot-opened | … (server/notifications/messages.ts)
    t.string('dedupe_key', 200).notNullable();
    t.text('data').notNullable(); // JSON: what the message is made from when it is sent
    t.string('created_at', 32).notNullable();
    t.string('next_attempt_at', 32).notNullable(); // due from then (now when written; later after a failure)
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error').nullable();
    t.string('claimed_by', 80).nullable(); // the lease of one worker: only it sends the row until claimed_until
    t.string('claimed_until', 32).nullable();
    t.string('sent_at', 32).nullable(); // handed to the mail server (alone, or in a digest)
    t.string('dropped_at', 32).nullable(); // not sent: the user turned mail off, or the account is gone
    t.unique(['dedupe_key'], { indexName: 'outbox_dedupe_key_unique' });
    t.index(['sent_at', 'dropped_at', 'next_attempt_at'], 'outbox_pending');
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('outbox');
}
