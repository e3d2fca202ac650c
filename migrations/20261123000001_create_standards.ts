import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('standards', (t) => {
    t.increments('id');
    t.string('type', 8).notNullable(); // IMAS | TNMA | T&EP
    t.string('number', 32).notNullable();
    t.string('ref', 64).notNullable().unique();
    t.string('title', 300).notNullable();
    t.boolean('title_unconfirmed').notNullable().defaultTo(false);
    t.string('series', 8).notNullable();
    t.date('withdrawn_on').nullable();
    t.integer('replaced_by').nullable().references('id').inTable('standards').onDelete('SET NULL');
    // Bumped on every change to the standard or its versions: part of the page cache key.
    t.integer('revision').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['type', 'number']);
    t.index(['series']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('standards');
}
