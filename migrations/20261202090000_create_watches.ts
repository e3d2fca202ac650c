import type { Knex } from 'knex';

/**
 * What a signed-in user watches (issue 16): everything, a series, or one standard. A Board member with
 * no row watches everything by default (server/watching/repo.ts); the scope `none` is how anyone says
 * "nothing", which is what a Board member needs to turn that default off.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('watches', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('scope', 16).notNullable(); // all | series | standard | none
    t.string('series', 8).nullable();
    t.integer('standard_id').nullable().references('id').inTable('standards').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['user_id']);
    t.index(['standard_id']);
    t.index(['series']);
  });
  // One row per user and thing watched; the NULLs of the unused columns are coalesced so they compare.
  await knex.raw("create unique index watches_one_per_thing on watches (user_id, scope, coalesce(series, ''), coalesce(standard_id, 0))");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('watches');
}
