import type { Knex } from 'knex';

/**
 * Whether an audit row's hash is an HMAC with the audit key (server/audit/chain.ts). Rows written before
 * keying began stay plain SHA-256 (false); the first keyed row is the "keying began" event.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_events', (t) => {
    t.boolean('keyed').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  // Keyed rows keep their HMACs: code from before this column reads them as changed rows, which is
  // what they are to a verifier without the key.
  // Native DROP COLUMN (SQLite ≥ 3.35, PostgreSQL), as in the users.board_chair migration.
  await knex.raw('alter table audit_events drop column keyed');
}
