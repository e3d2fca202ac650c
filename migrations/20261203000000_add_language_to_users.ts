import type { Knex } from 'knex';

/** The interface language a user chose (issue 19): their pages and mails; null = the browser's, else English. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.string('language', 8).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  // SQLite: knex's dropColumn copies the table, which other tables' foreign keys refuse; SQLite ≥ 3.35 drops a column in place.
  if (knex.client.config.client === 'better-sqlite3' || knex.client.config.client === 'sqlite3') await knex.raw('alter table users drop column language');
  else await knex.schema.alterTable('users', (t) => t.dropColumn('language'));
}
