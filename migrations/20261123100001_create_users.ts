import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.increments('id');
    t.string('email', 320).notNullable().unique(); // stored lower-cased
    t.string('name', 200).notNullable();
    // Every user has one: the Board votes one per organisation.
    t.string('organisation', 200).notNullable();
    t.string('role', 16).notNullable(); // secretariat | board | stakeholder
    t.string('password_hash', 255).notNullable();
    t.timestamp('email_verified_at', { useTz: true }).nullable();
    t.timestamp('disabled_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).nullable();
    t.index(['role']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('users');
}
