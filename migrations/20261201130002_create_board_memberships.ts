import type { Knex } from 'knex';

/**
 * The Review Board as dated facts (issue 12). A membership is an organisation's seat, as `member` or
 * `observer`, from a UTC day until a UTC day (both included; until null = still). It has one principal
 * voter and any number of alternates, users of that organisation. The chair is an organisation and its
 * representative, dated the same way; the chair's organisation and observers do not vote.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('board_memberships', (t) => {
    t.increments('id');
    t.integer('organisation_id').notNullable().references('id').inTable('organisations').onDelete('RESTRICT');
    t.string('status', 16).notNullable(); // member | observer
    t.string('from_date', 10).notNullable(); // YYYY-MM-DD, compared as text
    t.string('until_date', 10).nullable();
    t.integer('principal_user_id').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.string('created_at', 32).notNullable();
    t.index(['organisation_id']);
    t.index(['from_date']);
  });
  await knex.schema.createTable('board_alternates', (t) => {
    t.integer('membership_id').notNullable().references('id').inTable('board_memberships').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.primary(['membership_id', 'user_id']);
    t.index(['user_id']);
  });
  await knex.schema.createTable('board_chairs', (t) => {
    t.increments('id');
    t.integer('organisation_id').notNullable().references('id').inTable('organisations').onDelete('RESTRICT');
    t.integer('representative_user_id').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.string('from_date', 10).notNullable();
    t.string('until_date', 10).nullable();
    t.string('created_at', 32).notNullable();
    t.index(['from_date']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('board_chairs');
  await knex.schema.dropTable('board_alternates');
  await knex.schema.dropTable('board_memberships');
}
