import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('versions', (t) => {
    t.increments('id');
    t.integer('standard_id').notNullable().references('id').inTable('standards').onDelete('CASCADE');
    t.integer('n').notNullable(); // 1, 2, 3… in creation order per standard, drafts included
    t.string('label', 200).notNullable();
    t.string('state', 16).notNullable().defaultTo('draft'); // draft | approved | rejected | published
    t.text('source').notNullable(); // the Markdown; never changes once saved
    t.integer('based_on').nullable().references('id').inTable('versions').onDelete('SET NULL');
    t.integer('edition').nullable();
    t.integer('amendment').nullable();
    t.timestamp('published_at', { useTz: true }).nullable();
    t.date('in_force_from').nullable();
    t.text('summary').nullable();
    t.string('sha256', 64).notNullable();
    t.boolean('imported').notNullable().defaultTo(false);
    t.boolean('sample').notNullable().defaultTo(false);
    t.integer('word_count').notNullable().defaultTo(0);
    t.integer('created_by').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['standard_id', 'n']);
    t.index(['standard_id', 'state', 'in_force_from']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('versions');
}
