import type { Knex } from 'knex';

// Names of the IMAS series ("07" Management of mine action…), shown as catalogue groups.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('series', (t) => {
    t.string('code', 8).primary();
    t.string('name', 200).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('series');
}
