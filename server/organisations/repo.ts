import type { Knex } from 'knex';
import { nameKey, tidyName, type Kind, type Status } from './names.ts';
import { bumpRevisionOfBallot } from '../versions/repo.ts';

/**
 * All SQL of the organisations register and the Board's dated facts. `users.organisation` is the name of
 * the user's record, kept in step here (rename, merge) for the places that show it.
 */
type Q = Knex | Knex.Transaction;

export interface OrganisationRow {
  id: number;
  name: string;
  name_key: string;
  short_name: string | null;
  kind: Kind | null;
  confirmed: boolean;
  merged_into_id: number | null;
  created_at: string;
  updated_at: string | null;
}

export interface MembershipRow {
  id: number;
  organisation_id: number;
  organisation_name: string;
  status: Status;
  from_date: string;
  until_date: string | null;
  principal_user_id: number | null;
  principal_name: string | null;
  alternates: Array<{ id: number; name: string }>;
  created_at: string;
}

export interface ChairRow {
  id: number;
  organisation_id: number;
  organisation_name: string;
  representative_user_id: number | null;
  representative_name: string | null;
  from_date: string;
  until_date: string | null;
  created_at: string;
}

export interface NoticeRow {
  id: number;
  organisation_id: number | null;
  organisation_name: string | null;
  kind: string;
  spellings: string[];
  created_at: string;
  audited_at: string | null;
}

const idOf = (r: unknown): number => (typeof r === 'object' ? (r as { id: number }).id : (r as number));
const toOrganisation = (r: Record<string, unknown>): OrganisationRow => ({
  ...(r as unknown as OrganisationRow),
  id: Number(r.id),
  confirmed: Boolean(r.confirmed),
  merged_into_id: r.merged_into_id == null ? null : Number(r.merged_into_id),
});

// — the register —

export async function organisationById(db: Q, id: number): Promise<OrganisationRow | null> {
  const r = await db('organisations').where({ id }).first();
  return r ? toOrganisation(r) : null;
}

/** The record a name stands for (case and spaces ignored), following merges. */
export async function organisationByName(db: Q, name: string): Promise<OrganisationRow | null> {
  let r = await db('organisations').where({ name_key: nameKey(name) }).first();
  for (let hops = 0; r?.merged_into_id != null && hops < 10; hops++) r = await db('organisations').where({ id: r.merged_into_id }).first();
  return r ? toOrganisation(r) : null;
}

/** Live records (not merged into another), by name; `confirmed` to keep only confirmed or unconfirmed ones. */
export async function listOrganisations(db: Q, opts: { confirmed?: boolean } = {}): Promise<OrganisationRow[]> {
  const q = db('organisations').whereNull('merged_into_id');
  if (opts.confirmed !== undefined) q.where({ confirmed: opts.confirmed });
  return (await q.select('*').orderByRaw('lower(name), id')).map(toOrganisation);
}

/** How many accounts each live record has. */
export async function userCounts(db: Q): Promise<Map<number, number>> {
  const rows = (await db('users').whereNotNull('organisation_id').whereNull('closed_at').groupBy('organisation_id').select('organisation_id').count({ n: '*' })) as Array<{ organisation_id: number; n: number | string }>;
  return new Map(rows.map((r) => [Number(r.organisation_id), Number(r.n)]));
}

/** The unique index on the name key: one record per organisation, whatever the spelling. */
export const NAME_KEY_UNIQUE = { name: 'organisations_name_key_unique', columns: ['organisations.name_key'] };

export async function insertOrganisation(db: Q, row: { name: string; short_name: string | null; kind: Kind | null; confirmed: boolean; created_at: string }): Promise<number> {
  const [ins] = await db('organisations').insert({ ...row, name: tidyName(row.name), name_key: nameKey(row.name), updated_at: null, merged_into_id: null }).returning('id');
  return idOf(ins);
}

/**
 * The record of a name, made (unconfirmed unless told) when there is none. Two requests naming the same
 * new organisation at once make one record: the second insert does nothing (ON CONFLICT on the name key,
 * which waits for the first on PostgreSQL) and reads the first's. `created` says whether this call made it.
 */
export async function findOrInsertOrganisation(db: Q, name: string, at: string): Promise<{ org: OrganisationRow; created: boolean }> {
  const found = await organisationByName(db, name);
  if (found) return { org: found, created: false };
  const rows = (await db('organisations')
    .insert({ name: tidyName(name), name_key: nameKey(name), short_name: null, kind: null, confirmed: false, created_at: at, updated_at: null, merged_into_id: null })
    .onConflict('name_key')
    .ignore()
    .returning('id')) as unknown[];
  const org = await organisationByName(db, name);
  return { org: org!, created: rows.length > 0 };
}

export async function updateOrganisation(db: Q, id: number, patch: Partial<Pick<OrganisationRow, 'name' | 'short_name' | 'kind' | 'confirmed'>>, at: string): Promise<void> {
  const p: Record<string, unknown> = { ...patch, updated_at: at };
  if (patch.name !== undefined) {
    p.name = tidyName(patch.name);
    p.name_key = nameKey(patch.name);
    // A spelling merged into this record becomes its name: the merged record gives up the key (the
    // renamed record now answers to it directly).
    await db('organisations').where({ name_key: p.name_key, merged_into_id: id }).update({ name_key: db.raw("name_key || '#' || cast(id as text)") });
  }
  await db('organisations').where({ id }).update(p);
  if (patch.name !== undefined) await db('users').where({ organisation_id: id }).update({ organisation: p.name });
}

// — users —

export async function setUserOrganisation(db: Q, userId: number, org: { id: number; name: string }): Promise<void> {
  await db('users').where({ id: userId }).update({ organisation_id: org.id, organisation: org.name });
}

export interface OrgUser {
  id: number;
  name: string;
  email: string;
  role: string;
  disabled_at: string | null;
  closed_at: string | null;
}
export async function usersOf(db: Q, organisationId: number): Promise<OrgUser[]> {
  return db('users').where({ organisation_id: organisationId }).whereNull('closed_at').select('id', 'name', 'email', 'role', 'disabled_at', 'closed_at').orderBy('name');
}

export async function userById(db: Q, id: number): Promise<(OrgUser & { organisation_id: number | null }) | null> {
  return (await db('users').where({ id }).first('id', 'name', 'email', 'role', 'disabled_at', 'closed_at', 'organisation_id')) ?? null;
}

/** Takes the user off the voters and chairs of organisations other than `organisationId`. */
export async function dropVoter(db: Q, userId: number, organisationId: number): Promise<void> {
  await db('board_memberships').where({ principal_user_id: userId }).whereNot({ organisation_id: organisationId }).update({ principal_user_id: null });
  await db('board_alternates').where({ user_id: userId }).whereIn('membership_id', db('board_memberships').whereNot({ organisation_id: organisationId }).select('id')).del();
  await db('board_chairs').where({ representative_user_id: userId }).whereNot({ organisation_id: organisationId }).update({ representative_user_id: null });
}

// — merging —

/** Moves users, Board facts, votes and electorates of `from` to `into` and marks `from` merged. */
export async function mergeOrganisation(db: Q, from: number, into: OrganisationRow, at: string): Promise<{ users: number; votes_moved: number; votes_dropped: number }> {
  const users = await db('users').where({ organisation_id: from }).update({ organisation_id: into.id, organisation: into.name });
  await db('board_memberships').where({ organisation_id: from }).update({ organisation_id: into.id });
  await db('board_chairs').where({ organisation_id: from }).update({ organisation_id: into.id });
  // One vote per organisation and ballot: where both voted, the later cast stands (the history keeps both).
  let moved = 0;
  let dropped = 0;
  for (const v of (await db('votes').where({ organisation_id: from }).select('id', 'ballot_id', 'cast_at')) as Array<{ id: number; ballot_id: number; cast_at: string }>) {
    const other = (await db('votes').where({ organisation_id: into.id, ballot_id: v.ballot_id }).first('id', 'cast_at')) as { id: number; cast_at: string } | undefined;
    if (!other) {
      await db('votes').where({ id: v.id }).update({ organisation_id: into.id });
      moved++;
    } else if (other.cast_at < v.cast_at) {
      await db('votes').where({ id: other.id }).del();
      await db('votes').where({ id: v.id }).update({ organisation_id: into.id });
      moved++;
      dropped++;
    } else {
      await db('votes').where({ id: v.id }).del();
      dropped++;
    }
  }
  await db('vote_events').where({ organisation_id: from }).update({ organisation_id: into.id });
  for (const b of (await db('ballots').select('id', 'electorate')) as Array<{ id: number; electorate: string }>) {
    const ids = JSON.parse(b.electorate) as number[];
    if (!ids.includes(from)) continue;
    const next = [...new Set(ids.map((x) => (x === from ? into.id : x)))];
    await db('ballots').where({ id: b.id }).update({ electorate: JSON.stringify(next) });
    // A ballot's votes and electorate show on its standard's pages: as for any write of a ballot.
    await bumpRevisionOfBallot(db, b.id);
  }
  await db('organisations').where({ id: from }).update({ merged_into_id: into.id, updated_at: at });
  // Records merged earlier into `from` now lead to `into` directly.
  await db('organisations').where({ merged_into_id: from }).update({ merged_into_id: into.id });
  return { users, votes_moved: moved, votes_dropped: dropped };
}

// — notices —

export async function openNotices(db: Q): Promise<NoticeRow[]> {
  const rows = await db('organisation_notices as n').leftJoin('organisations as o', 'o.id', 'n.organisation_id').whereNull('n.dismissed_at').select('n.*', 'o.name as organisation_name').orderBy('n.id');
  return rows.map((r: Record<string, unknown>) => ({ ...(r as unknown as NoticeRow), spellings: JSON.parse(String(r.spellings)) as string[] }));
}

export async function unauditedNotices(db: Q): Promise<NoticeRow[]> {
  const rows = await db('organisation_notices as n').leftJoin('organisations as o', 'o.id', 'n.organisation_id').whereNull('n.audited_at').select('n.*', 'o.name as organisation_name').orderBy('n.id');
  return rows.map((r: Record<string, unknown>) => ({ ...(r as unknown as NoticeRow), spellings: JSON.parse(String(r.spellings)) as string[] }));
}

export async function markNoticeAudited(db: Q, id: number, at: string): Promise<void> {
  await db('organisation_notices').where({ id }).update({ audited_at: at });
}

/** True when this call dismissed it. */
export async function dismissNotice(db: Q, id: number, by: number, at: string): Promise<boolean> {
  return (await db('organisation_notices').where({ id }).whereNull('dismissed_at').update({ dismissed_at: at, dismissed_by: by })) === 1;
}

// — the Board's facts —

async function alternatesOf(db: Q, membershipIds: number[]): Promise<Map<number, Array<{ id: number; name: string }>>> {
  const out = new Map<number, Array<{ id: number; name: string }>>();
  if (!membershipIds.length) return out;
  const rows = (await db('board_alternates as a').join('users as u', 'u.id', 'a.user_id').whereIn('a.membership_id', membershipIds).select('a.membership_id', 'u.id', 'u.name').orderBy('u.name')) as Array<{ membership_id: number; id: number; name: string }>;
  for (const r of rows) {
    const id = Number(r.membership_id);
    if (!out.has(id)) out.set(id, []);
    out.get(id)!.push({ id: Number(r.id), name: r.name });
  }
  return out;
}

/** Memberships, all or of one organisation, newest first. */
export async function memberships(db: Q, opts: { organisationId?: number; id?: number } = {}): Promise<MembershipRow[]> {
  const q = db('board_memberships as m')
    .join('organisations as o', 'o.id', 'm.organisation_id')
    .leftJoin('users as p', 'p.id', 'm.principal_user_id')
    .select('m.*', 'o.name as organisation_name', 'p.name as principal_name')
    .orderBy('m.from_date', 'desc')
    .orderBy('m.id', 'desc');
  if (opts.organisationId !== undefined) q.where('m.organisation_id', opts.organisationId);
  if (opts.id !== undefined) q.where('m.id', opts.id);
  const rows = (await q) as Array<Record<string, unknown>>;
  const alts = await alternatesOf(db, rows.map((r) => Number(r.id)));
  return rows.map((r) => ({
    ...(r as unknown as MembershipRow),
    id: Number(r.id),
    organisation_id: Number(r.organisation_id),
    principal_user_id: r.principal_user_id == null ? null : Number(r.principal_user_id),
    principal_name: (r.principal_name as string | null) ?? null,
    alternates: alts.get(Number(r.id)) ?? [],
  }));
}

export async function insertMembership(db: Q, row: { organisation_id: number; status: Status; from_date: string; until_date: string | null; principal_user_id: number | null; created_at: string }, alternates: number[]): Promise<number> {
  const [ins] = await db('board_memberships').insert(row).returning('id');
  const id = idOf(ins);
  await insertAlternates(db, id, alternates);
  return id;
}

export async function updateMembership(db: Q, id: number, patch: { status: Status; from_date: string; until_date: string | null; principal_user_id: number | null }, alternates: number[]): Promise<void> {
  await db('board_memberships').where({ id }).update(patch);
  await db('board_alternates').where({ membership_id: id }).del();
  await insertAlternates(db, id, alternates);
}

/** A membership's alternates, in one insert. */
async function insertAlternates(db: Q, membershipId: number, alternates: number[]): Promise<void> {
  if (alternates.length) await db('board_alternates').insert(alternates.map((user_id) => ({ membership_id: membershipId, user_id })));
}

export async function deleteMembership(db: Q, id: number): Promise<void> {
  await db('board_memberships').where({ id }).del();
}

export async function chairs(db: Q, opts: { organisationId?: number; id?: number } = {}): Promise<ChairRow[]> {
  const q = db('board_chairs as c')
    .join('organisations as o', 'o.id', 'c.organisation_id')
    .leftJoin('users as r', 'r.id', 'c.representative_user_id')
    .select('c.*', 'o.name as organisation_name', 'r.name as representative_name')
    .orderBy('c.from_date', 'desc')
    .orderBy('c.id', 'desc');
  if (opts.organisationId !== undefined) q.where('c.organisation_id', opts.organisationId);
  if (opts.id !== undefined) q.where('c.id', opts.id);
  return ((await q) as Array<Record<string, unknown>>).map((r) => ({
    ...(r as unknown as ChairRow),
    id: Number(r.id),
    organisation_id: Number(r.organisation_id),
    representative_user_id: r.representative_user_id == null ? null : Number(r.representative_user_id),
    representative_name: (r.representative_name as string | null) ?? null,
  }));
}

export async function insertChair(db: Q, row: { organisation_id: number; representative_user_id: number | null; from_date: string; until_date: string | null; created_at: string }): Promise<number> {
  const [ins] = await db('board_chairs').insert(row).returning('id');
  return idOf(ins);
}

export async function updateChair(db: Q, id: number, patch: { organisation_id?: number; representative_user_id?: number | null; from_date?: string; until_date?: string | null }): Promise<void> {
  await db('board_chairs').where({ id }).update(patch);
}

// — the voting record —

export interface RecordRow {
  ballot_id: number;
  ref: string;
  type: string;
  number: string;
  title: string;
  n: number;
  label: string;
  opens_at: string;
  closes_at: string;
  result: string | null;
  electorate: string;
  position: string | null;
  reason: string | null;
  vote_version_id: number | null;
  ballot_version_id: number;
  cancelled_at: string | null;
}

/**
 * The ballots closed by `now` whose electorate held the organisation, with its vote if it cast one.
 * The electorate is a JSON array of ids: read it here, not in SQL, on both databases.
 */
export async function votingRecord(db: Q, organisationId: number, now: string): Promise<RecordRow[]> {
  const rows = (await db('ballots as b')
    .join('versions as v', 'v.id', 'b.version_id')
    .join('standards as s', 's.id', 'v.standard_id')
    .leftJoin('votes as x', (j) => j.on('x.ballot_id', 'b.id').andOnVal('x.organisation_id', '=', organisationId))
    .whereNull('b.cancelled_at')
    .where('b.closes_at', '<=', now)
    .select('b.id as ballot_id', 's.ref', 's.type', 's.number', 's.title', 'v.n', 'v.label', 'b.opens_at', 'b.closes_at', 'b.result', 'b.electorate', 'x.position', 'x.reason', 'x.version_id as vote_version_id', 'b.version_id as ballot_version_id', 'b.cancelled_at')
    .orderBy('b.closes_at', 'desc')) as RecordRow[];
  return rows.filter((r) => (JSON.parse(r.electorate) as number[]).includes(organisationId));
}

/** Whether a ballot opened between two days (until null = open-ended) with the organisation in its electorate. */
export async function inAnElectorate(db: Q, organisationId: number, from: string, until: string | null): Promise<boolean> {
  const q = db('ballots').where('opens_at', '>=', from).select('electorate');
  if (until !== null) q.where('opens_at', '<', `${until}T99`);
  return ((await q) as Array<{ electorate: string }>).some((b) => (JSON.parse(b.electorate) as number[]).includes(organisationId));
}

/** Names of organisations by id (for electorates stored as ids). */
export async function namesOf(db: Q, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const rows = (await db('organisations').whereIn('id', ids).select('id', 'name')) as Array<{ id: number; name: string }>;
  return new Map(rows.map((r) => [Number(r.id), r.name]));
}
