import type { Knex } from 'knex';

/**
 * Translations of a version (issue 19 item 2): one per (version, language), tied to the English
 * version it renders; the English text stays authoritative. The text is replaced in place (a new
 * translation of the same version), unlike an English version, whose text never changes.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('translations', (t) => {
    t.increments('id').primary();
    t.integer('version_id').notNullable().references('id').inTable('versions').onDelete('CASCADE');
    // fr es ar ru zh: the UN languages other than English (server/translations/validation.ts)
    t.string('language', 8).notNullable();
    t.boolean('official').notNullable().defaultTo(false);
    t.text('source').notNullable();
    t.string('sha256', 64).notNullable();
    t.integer('word_count').notNullable().defaultTo(0);
    t.boolean('sample').notNullable().defaultTo(false);
    t.integer('created_by').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['version_id', 'language']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('translations');
}
