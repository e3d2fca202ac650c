import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('consultations', (t) => {
    t.increments('id');
    t.integer('version_id').notNullable().references('id').inTable('versions').onDelete('CASCADE');
    t.timestamp('opens_at', { useTz: true }).notNullable();
    t.timestamp('closes_at', { useTz: true }).notNullable();
    t.text('instructions').nullable();
    t.timestamp('cancelled_at', { useTz: true }).nullable();
    t.integer('created_by').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['version_id']);
    t.index(['opens_at', 'closes_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('consultations');
}
