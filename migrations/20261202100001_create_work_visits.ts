import type { Knex } from 'knex';

/**
 * When each user last looked at "My work" (/me, issue 16 item 1): what arrived since (a disposition of
 * their comment) is marked "new" once. One row per user, written when they view the page.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('work_visits', (t) => {
    t.integer('user_id').primary().references('id').inTable('users').onDelete('CASCADE');
    t.timestamp('seen_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('work_visits');
}
