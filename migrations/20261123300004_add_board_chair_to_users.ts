import type { Knex } from 'knex';

/**
 * The Review Board's chair (UNMAS) chairs and does not vote (design.md §4). The chair is a board
 * account with this flag: it can read ballots but not vote, and it does not bring its organisation
 * into an electorate (another, non-chair account of the same organisation does).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.boolean('board_chair').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  // Native DROP COLUMN (SQLite ≥ 3.35, PostgreSQL): Knex's SQLite emulation would rebuild the users
  // table, which other tables reference.
  await knex.raw('alter table users drop column board_chair');
}
