import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('clauses', (t) => {
    t.increments('id');
    t.integer('version_id').notNullable().references('id').inTable('versions').onDelete('CASCADE');
    t.string('ref', 64).notNullable(); // 4.2.1, foreword, annex-a.1
    t.string('heading', 500).notNullable();
    t.text('text').notNullable(); // the clause body as Markdown
    t.integer('depth').notNullable();
    t.integer('position').notNullable();
    t.string('key', 32).notNullable(); // stable identity across versions
    t.unique(['version_id', 'ref']);
    t.unique(['version_id', 'position']);
    t.index(['key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('clauses');
}
