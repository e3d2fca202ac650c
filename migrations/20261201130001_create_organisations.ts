import type { Knex } from 'knex';

/**
 * The organisations register (issue 12): users belong to one, the Review Board's members are some of
 * them. `name_key` is the name lower-cased with its spaces trimmed and collapsed: two spellings with the
 * same key are the same organisation ("GICHD", " gichd "), so the key is unique. An organisation named
 * by someone registering ("other: name it") is unconfirmed until the secretariat confirms it or merges it
 * into another.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('organisations', (t) => {
    t.increments('id');
    t.string('name', 200).notNullable();
    t.string('name_key', 200).notNullable().unique();
    t.string('short_name', 50).nullable();
    // donor | national_authority | un | ngo | commercial | training | treaty_body | expert
    t.string('kind', 24).nullable();
    t.boolean('confirmed').notNullable().defaultTo(false);
    t.string('created_at', 32).notNullable();
    t.string('updated_at', 32).nullable();
    t.index(['confirmed']);
  });
  // What the secretariat is told until it dismisses it: the spellings a migration or a merge made one.
  await knex.schema.createTable('organisation_notices', (t) => {
    t.increments('id');
    t.integer('organisation_id').nullable().references('id').inTable('organisations').onDelete('SET NULL');
    t.string('kind', 24).notNullable(); // migrated
    t.text('spellings').notNullable(); // JSON array of the names that became this one record
    t.string('created_at', 32).notNullable();
    t.string('audited_at', 32).nullable(); // when the audit event about it was written
    t.string('dismissed_at', 32).nullable();
    t.integer('dismissed_by').nullable().references('id').inTable('users').onDelete('SET NULL');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('organisation_notices');
  await knex.schema.dropTable('organisations');
}
