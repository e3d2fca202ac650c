import type { Knex } from 'knex';

/**
 * A closed account (privacy page): its personal data is erased and the row stays, so that the comments
 * and votes it made keep their place in the public record, shown as "former member of <organisation>".
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.timestamp('closed_at', { useTz: true }).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  // Native DROP COLUMN, as for board_chair: Knex's SQLite emulation would rebuild the referenced users table.
  await knex.raw('alter table users drop column closed_at');
}
