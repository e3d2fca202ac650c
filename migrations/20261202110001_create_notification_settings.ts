import type { Knex } from 'knex';

/**
 * Each user's choice of mail (issue 16 item 3): every notice at once (`immediate`, the default when
 * there is no row), one daily `digest`, or `none` (also what the one-click unsubscribe link sets).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notification_settings', (t) => {
    t.integer('user_id').primary().references('id').inTable('users').onDelete('CASCADE');
    t.string('mode', 16).notNullable(); // immediate | digest | none
    t.string('updated_at', 32).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('notification_settings');
}
