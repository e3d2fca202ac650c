import type { Knex } from 'knex';

/**
 * Users belong to an organisation record (issue 12). The free-text `users.organisation` of each account
 * becomes a record: spellings that differ only in case and surrounding or repeated spaces ("GICHD",
 * " gichd ", "Gichd") are one record, named with the spelling most accounts used (the oldest account's on
 * a tie). Each record that merged several spellings leaves a notice for the secretariat, listing them.
 * An organisation with a board or secretariat account is confirmed; the others wait for the secretariat
 * (confirm, or merge into another). `users.organisation` stays as the record's name, kept in step by
 * server/organisations/repo.ts, for the many places that show it.
 */
const keyOf = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();
const tidy = (name: string): string => name.trim().replace(/\s+/g, ' ');

export async function up(knex: Knex): Promise<void> {
  // Plain ADD COLUMN … REFERENCES (the same SQL on SQLite and PostgreSQL): Knex's SQLite emulation of a
  // foreign key in alterTable would rebuild the users table, which other tables reference.
  await knex.raw('alter table users add column organisation_id integer null references organisations (id) on delete restrict');
  const users = (await knex('users').select('id', 'organisation', 'role', 'created_at').orderBy('id')) as Array<{ id: number; organisation: string; role: string }>;
  const groups = new Map<string, Array<{ id: number; organisation: string; role: string }>>();
  for (const u of users) {
    const key = keyOf(u.organisation ?? '');
    if (!key) continue;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(u);
  }
  const now = new Date().toISOString();
  for (const [key, members] of groups) {
    const counts = new Map<string, number>();
    for (const m of members) counts.set(tidy(m.organisation), (counts.get(tidy(m.organisation)) ?? 0) + 1);
    // The most used spelling; Map keeps first-seen order, so a tie goes to the oldest account's.
    let name = '';
    let best = 0;
    for (const [spelling, n] of counts) if (n > best) [name, best] = [spelling, n];
    const confirmed = members.some((m) => m.role === 'board' || m.role === 'secretariat');
    const [ins] = await knex('organisations').insert({ name, name_key: key, short_name: null, kind: null, confirmed, created_at: now, updated_at: null }).returning('id');
    const id = typeof ins === 'object' ? (ins as { id: number }).id : (ins as number);
    const ids = members.map((m) => m.id);
    for (let i = 0; i < ids.length; i += 500) await knex('users').whereIn('id', ids.slice(i, i + 500)).update({ organisation_id: id, organisation: name });
    const spellings = [...new Set(members.map((m) => m.organisation))];
    if (spellings.length > 1) await knex('organisation_notices').insert({ organisation_id: id, kind: 'migrated', spellings: JSON.stringify(spellings), created_at: now });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex('organisation_notices').where({ kind: 'migrated' }).del();
  // Native DROP COLUMN, as for users.closed_at (its foreign key goes with it).
  await knex.raw('alter table users drop column organisation_id');
  await knex('organisations').del();
}
