import type { Knex } from 'knex';

/**
 * The clauses of a translation, each matched to the English clause of the same ref (so the anchor
 * `#clause-<ref>` is the same in every language) and carrying that clause's key.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('translation_clauses', (t) => {
    t.increments('id').primary();
    t.integer('translation_id').notNullable().references('id').inTable('translations').onDelete('CASCADE');
    t.string('ref', 64).notNullable();
    // the clause number as the translation writes it ("Annexe A", "4.2"); empty for named clauses
    t.string('label', 64).notNullable().defaultTo('');
    t.text('heading').notNullable();
    t.text('text').notNullable();
    t.integer('depth').notNullable();
    t.integer('position').notNullable();
    t.string('key', 32).notNullable();
    t.unique(['translation_id', 'ref']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('translation_clauses');
}
