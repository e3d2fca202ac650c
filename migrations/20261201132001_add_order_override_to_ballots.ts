import type { Knex } from 'knex';

/**
 * Ballot order (issue 12 item 5): a ballot opened although a consultation that led to its draft was still
 * open or had comments without a disposition keeps the secretariat's reason and what it overrode (JSON).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ballots', (t) => {
    t.text('override_reason').nullable();
    t.text('override_blocking').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  // Native DROP COLUMN (SQLite ≥ 3.35 and PostgreSQL): Knex's SQLite emulation would rebuild the referenced table.
  await knex.raw('alter table ballots drop column override_blocking');
  await knex.raw('alter table ballots drop column override_reason');
}
