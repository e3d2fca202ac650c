import type { Knex } from 'knex';

/**
 * The audit chain's head (row count and last hash) right after a version was published: printed on its
 * page and in the publications feed, so that copies of it live outside the database and a chain cut
 * short or recomputed can be caught (npm run audit:verify -- --head N:HASH). Versions published before
 * this column get the head at their publication event from the chain itself.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('versions', (t) => {
    t.integer('audit_head_count').nullable();
    t.string('audit_head_hash', 64).nullable();
  });
  const events = (await knex('audit_events').where({ action: 'version.publish', subject_type: 'version' }).select('id', 'subject_id', 'hash')) as Array<{ id: number; subject_id: string; hash: string }>;
  for (const e of events) {
    const { n } = (await knex('audit_events').where('id', '<=', e.id).count({ n: '*' }).first()) as { n: number | string };
    await knex('versions').where({ id: Number(e.subject_id) }).update({ audit_head_count: Number(n), audit_head_hash: e.hash });
  }
}

export async function down(knex: Knex): Promise<void> {
  // Native DROP COLUMN (SQLite ≥ 3.35, PostgreSQL): Knex's SQLite emulation would rebuild the versions
  // table, which other tables reference.
  await knex.raw('alter table versions drop column audit_head_hash');
  await knex.raw('alter table versions drop column audit_head_count');
}
