import type { Knex } from 'knex';

/**
 * A comment's edit history (issue 11 item 6): `edited_at` is when its author last changed it (the
 * "submitted" time stays), and each edit keeps the text it replaced, for the secretariat.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('comments', (t) => {
    t.timestamp('edited_at', { useTz: true }).nullable();
  });
  await knex.schema.createTable('comment_revisions', (t) => {
    t.increments('id');
    t.integer('comment_id').notNullable().references('id').inTable('comments').onDelete('CASCADE');
    // The comment as it was until `replaced_at`, when its author changed it.
    t.string('clause_key', 32).nullable();
    t.string('clause_ref', 64).nullable();
    t.string('paragraph', 200).nullable();
    t.string('line_number', 50).nullable();
    t.string('type', 16).notNullable();
    t.text('comment').notNullable();
    t.text('proposed_change').nullable();
    t.integer('replaced_by').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('replaced_at', { useTz: true }).notNullable();
    t.index(['comment_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('comment_revisions');
  // Native DROP COLUMN, as for users.closed_at: Knex's SQLite emulation would rebuild the comments table.
  await knex.raw('alter table comments drop column edited_at');
}
