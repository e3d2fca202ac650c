import type { Knex } from 'knex';

/**
 * The Board as dated facts replaces the `users.board_chair` flag (issue 12). The chair's account becomes
 * the chair: its organisation, with it as the representative, from the day the account was made. Each
 * organisation of enabled board accounts (other than the chair's) becomes a member from the day its
 * first such account was made; that account is the principal voter, the others alternates.
 */
const dayOf = (t: unknown): string => new Date(t as string).toISOString().slice(0, 10);
const idOf = (r: unknown): number => (typeof r === 'object' ? (r as { id: number }).id : (r as number));

export async function up(knex: Knex): Promise<void> {
  const now = new Date().toISOString();
  type U = { id: number; organisation_id: number | null; board_chair: unknown; disabled_at: unknown; created_at: unknown };
  const board = (await knex('users').where({ role: 'board' }).whereNull('closed_at').select('id', 'organisation_id', 'board_chair', 'disabled_at', 'created_at').orderBy('id')) as U[];
  const chair = board.find((u) => Boolean(u.board_chair) && !u.disabled_at && u.organisation_id != null);
  if (chair) {
    await knex('board_chairs').insert({ organisation_id: chair.organisation_id, representative_user_id: chair.id, from_date: dayOf(chair.created_at), until_date: null, created_at: now });
  }
  const byOrg = new Map<number, U[]>();
  for (const u of board) {
    if (u.board_chair || u.disabled_at || u.organisation_id == null) continue;
    if (chair && u.organisation_id === chair.organisation_id) continue;
    if (!byOrg.has(u.organisation_id)) byOrg.set(u.organisation_id, []);
    byOrg.get(u.organisation_id)!.push(u);
  }
  for (const [organisationId, voters] of byOrg) {
    const from = voters.map((u) => dayOf(u.created_at)).sort()[0]!;
    const [principal, ...alternates] = voters;
    const [ins] = await knex('board_memberships')
      .insert({ organisation_id: organisationId, status: 'member', from_date: from, until_date: null, principal_user_id: principal!.id, created_at: now })
      .returning('id');
    for (const a of alternates) await knex('board_alternates').insert({ membership_id: idOf(ins), user_id: a.id });
  }
  // Native DROP COLUMN (no index on it): Knex's SQLite emulation would rebuild the referenced users table.
  await knex.raw('alter table users drop column board_chair');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.boolean('board_chair').notNullable().defaultTo(false);
  });
  const reps = (await knex('board_chairs').whereNotNull('representative_user_id').select('representative_user_id')) as Array<{ representative_user_id: number }>;
  if (reps.length) await knex('users').whereIn('id', reps.map((r) => r.representative_user_id)).update({ board_chair: true });
  await knex('board_alternates').del();
  await knex('board_memberships').del();
  await knex('board_chairs').del();
}
