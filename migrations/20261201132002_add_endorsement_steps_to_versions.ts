import type { Knex } from 'knex';

/**
 * After the Board (issue 12 item 6, domain.md §1): the Steering Group's acceptance and the UN endorsement
 * (IACG-MA) are dated steps of a version, each with an optional note or reference; and a version may be
 * published before endorsement, "with immediate effect, awaiting endorsement", which is kept as a fact
 * of its publication.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('versions', (t) => {
    t.date('sg_accepted_on').nullable();
    t.text('sg_note').nullable();
    t.date('endorsed_on').nullable();
    t.text('endorsement_note').nullable();
    t.boolean('published_before_endorsement').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  // Native DROP COLUMN: Knex's SQLite emulation would rebuild the versions table, which others reference.
  for (const c of ['published_before_endorsement', 'endorsement_note', 'endorsed_on', 'sg_note', 'sg_accepted_on']) {
    await knex.raw(`alter table versions drop column ${c}`);
  }
}
