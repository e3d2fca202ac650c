import type { Knex } from 'knex';

/**
 * One consultation at a time per draft, held by the database and not only by the check in
 * server/consultations/lifecycle.ts (which two processes can both pass): `live` is 1 while a
 * consultation is scheduled or open and null once it has ended (closed early, cancelled, or found
 * closed by the next open on its draft), and a partial unique index allows one live row per version.
 * Open and closed are derived from dates (design.md §2), which an index cannot read: hence the marker.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consultations', (t) => {
    t.integer('live').nullable();
  });
  // The latest consultation of each version that has not ended now.
  const now = new Date().toISOString();
  const rows = (await knex('consultations').whereNull('cancelled_at').select('id', 'version_id', 'closes_at').orderBy('id')) as Array<{ id: number; version_id: number; closes_at: string | Date }>;
  const latest = new Map<number, number>();
  for (const r of rows) if (new Date(r.closes_at).toISOString() > now) latest.set(r.version_id, r.id);
  if (latest.size) await knex('consultations').whereIn('id', [...latest.values()]).update({ live: 1 });
  await knex.raw('create unique index consultations_one_live_per_version on consultations (version_id) where live is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index consultations_one_live_per_version');
  // Native DROP COLUMN (SQLite 3.35+), as for users.closed_at: Knex's emulation would rebuild the table.
  await knex.raw('alter table consultations drop column live');
}
