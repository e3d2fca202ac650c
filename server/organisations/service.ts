import type { Knex } from 'knex';
import { isUniqueViolation } from '../db.ts';
import type { Clock } from '../clock.ts';
import type { Viewer } from '../auth/viewer.ts';
import { roleCan } from '../auth/permissions.ts';
import { Conflict, NotFound, Validation } from '../errors.ts';
import { appendAudit } from '../audit/service.ts';
import { ballotState } from '../ballots/rules.ts';
import { boardOn, utcDay, type Board } from './board.ts';
import { dayBefore, KIND_LABELS, overlaps, tidyName } from './names.ts';
import * as repo from './repo.ts';
import type { OrganisationRow } from './repo.ts';
import type { ChairInput, ChairUpdate, MembershipInput, MembershipUpdate, OrganisationInput, OrganisationPatch } from './validation.ts';

/**
 * The organisations register and the Review Board's dated facts (issue 12). Services take the db, the
 * clock and plain input, throw AppErrors, and write each change with its audit event in one transaction.
 */
export const messages = {
  noOrganisation: 'There is no such organisation.',
  nameTaken: (name: string) => `There is already an organisation called "${name}" (case and spaces aside): merge into it instead.`,
  chooseOrganisation: 'Choose your organisation, or "other" and name it.',
  nameOther: 'Name your organisation.',
  notConfirmed: 'Choose an organisation from the list, or "other" and name it.',
  mergeSelf: 'Choose another organisation to merge it into.',
  mergeTarget: 'The organisation to merge into does not exist.',
  mergeBothOnBoard: 'Both organisations are on the Review Board on some of the same days: end one membership first.',
  unconfirmedOnBoard: (name: string) => `"${name}" is not confirmed yet: confirm it (or merge it into another) before it joins the Review Board.`,
  overlap: (name: string) => `"${name}" is already on the Review Board on some of these days: change or end that membership instead.`,
  chairOverlap: 'Another chair holds some of these days: end that chair first.',
  noMembership: 'There is no such Board membership.',
  noChair: 'There is no such chair.',
  notOfOrganisation: (who: string, org: string) => `"${who}" is not an account of "${org}".`,
  notVoter: (who: string) => `"${who}" cannot vote: give the account the board role first.`,
  noUser: 'There is no such account.',
  principalAlternate: 'The principal voter is not also an alternate.',
  noNotice: 'This notice has already been dismissed.',
  inElectorate: 'This membership put the organisation in the electorate of a ballot: end it (set its last day) instead of deleting it.',
} as const;

type Q = Knex | Knex.Transaction;

export interface OrganisationView {
  id: number;
  name: string;
  short_name: string | null;
  kind: OrganisationRow['kind'];
  kind_label: string | null;
  confirmed: boolean;
  created_at: string;
  updated_at: string | null;
}

export const organisationView = (o: OrganisationRow): OrganisationView => ({
  id: o.id,
  name: o.name,
  short_name: o.short_name,
  kind: o.kind,
  kind_label: o.kind ? KIND_LABELS[o.kind] : null,
  confirmed: o.confirmed,
  created_at: o.created_at,
  updated_at: o.updated_at,
});

const today = (clock: Clock) => clock.now().toISOString().slice(0, 10);

async function liveOrganisation(db: Q, id: number): Promise<OrganisationRow> {
  const o = await repo.organisationById(db, id);
  if (!o || o.merged_into_id !== null) throw new NotFound(messages.noOrganisation);
  return o;
}

// — the register —

/** Confirmed organisations for everyone; the secretariat (`all`) sees the unconfirmed ones too. */
export async function listOrganisations(db: Q, all: boolean): Promise<Array<OrganisationView & { users?: number }>> {
  const list = await repo.listOrganisations(db, all ? {} : { confirmed: true });
  if (!all) return list.map(organisationView);
  const counts = await repo.userCounts(db);
  return list.map((o) => ({ ...organisationView(o), users: counts.get(o.id) ?? 0 }));
}

/** The record a merged one was merged into (for a redirect), or null. */
export async function mergedInto(db: Q, id: number): Promise<number | null> {
  return (await repo.organisationById(db, id))?.merged_into_id ?? null;
}

export async function getOrganisation(db: Q, id: number, all: boolean): Promise<OrganisationRow> {
  const o = await liveOrganisation(db, id);
  // An unconfirmed record is a name someone typed: public only once the secretariat confirms it.
  if (!o.confirmed && !all) throw new NotFound(messages.noOrganisation);
  return o;
}

const nameTaken = (name: string) => new Validation(messages.nameTaken(name), { name: messages.nameTaken(name) });

/**
 * `write`, which checks that no other record has `name` first; when another request made that record
 * between the check and the write (the unique name key refuses it), the same 422 as the check's.
 */
async function nameCheckedWrite<T>(db: Knex, name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!isUniqueViolation(err, repo.NAME_KEY_UNIQUE)) throw err;
    throw nameTaken((await repo.organisationByName(db, name))?.name ?? tidyName(name));
  }
}

export async function createOrganisation(db: Knex, clock: Clock, actor: Viewer, input: OrganisationInput): Promise<OrganisationRow> {
  return nameCheckedWrite(db, input.name, () => db.transaction(async (trx) => {
    const existing = await repo.organisationByName(trx, input.name);
    if (existing) throw nameTaken(existing.name);
    const at = clock.now().toISOString();
    const id = await repo.insertOrganisation(trx, { name: input.name, short_name: input.short_name ?? null, kind: input.kind ?? null, confirmed: input.confirmed ?? true, created_at: at });
    const o = (await repo.organisationById(trx, id))!;
    await appendAudit(trx, clock, { actor_id: actor.id, action: 'organisation.created', subject_type: 'organisation', subject_id: id, data: { name: o.name, short_name: o.short_name, kind: o.kind, confirmed: o.confirmed } });
    return o;
  }));
}

export async function updateOrganisation(db: Knex, clock: Clock, actor: Viewer, id: number, patch: OrganisationPatch): Promise<OrganisationRow> {
  return nameCheckedWrite(db, patch.name ?? '', () => db.transaction(async (trx) => {
    const o = await liveOrganisation(trx, id);
    const changes: Partial<Pick<OrganisationRow, 'name' | 'short_name' | 'kind' | 'confirmed'>> = {};
    if (patch.name !== undefined && tidyName(patch.name) !== o.name) {
      const other = await repo.organisationByName(trx, patch.name);
      if (other && other.id !== o.id) throw nameTaken(other.name);
      changes.name = tidyName(patch.name);
    }
    if (patch.short_name !== undefined && patch.short_name !== o.short_name) changes.short_name = patch.short_name;
    if (patch.kind !== undefined && patch.kind !== o.kind) changes.kind = patch.kind;
    if (patch.confirmed !== undefined && patch.confirmed !== o.confirmed) changes.confirmed = patch.confirmed;
    if (!Object.keys(changes).length) return o;
    // A Board member stays confirmed: the electorate never holds a name nobody vouched for.
    if (changes.confirmed === false && (await repo.memberships(trx, { organisationId: id })).length) throw new Conflict(messages.unconfirmedOnBoard(o.name));
    await repo.updateOrganisation(trx, id, changes, clock.now().toISOString());
    const data: Record<string, unknown> = {};
    for (const k of Object.keys(changes) as Array<keyof typeof changes>) data[k] = { from: o[k], to: changes[k] };
    await appendAudit(trx, clock, { actor_id: actor.id, action: changes.confirmed === true && Object.keys(changes).length === 1 ? 'organisation.confirmed' : 'organisation.changed', subject_type: 'organisation', subject_id: id, data });
    return (await repo.organisationById(trx, id))!;
  }));
}

export const confirmOrganisation = (db: Knex, clock: Clock, actor: Viewer, id: number) => updateOrganisation(db, clock, actor, id, { confirmed: true });

/**
 * Merges `id` into `into`: its accounts, Board facts, votes and places in electorates move over (where
 * both voted in one ballot the later vote stands; the history keeps both), and its record is kept,
 * pointing at `into`, so that its spelling leads there from now on.
 */
export async function mergeOrganisation(db: Knex, clock: Clock, actor: Viewer, id: number, intoId: number): Promise<OrganisationRow> {
  if (id === intoId) throw new Validation(messages.mergeSelf, { into: messages.mergeSelf });
  return db.transaction(async (trx) => {
    const from = await liveOrganisation(trx, id);
    const into = await repo.organisationById(trx, intoId);
    if (!into || into.merged_into_id !== null) throw new Validation(messages.mergeTarget, { into: messages.mergeTarget });
    const a = [...(await repo.memberships(trx, { organisationId: id })), ...(await repo.chairs(trx, { organisationId: id }))];
    const b = [...(await repo.memberships(trx, { organisationId: intoId })), ...(await repo.chairs(trx, { organisationId: intoId }))];
    if (a.some((x) => b.some((y) => overlaps(x, y)))) throw new Conflict(messages.mergeBothOnBoard);
    const moved = await repo.mergeOrganisation(trx, id, into, clock.now().toISOString());
    await appendAudit(trx, clock, {
      actor_id: actor.id, action: 'organisation.merged', subject_type: 'organisation', subject_id: intoId,
      data: { from_id: id, from_name: from.name, into_id: intoId, into_name: into.name, ...moved },
    });
    return into;
  });
}

/**
 * The record an account names (registration, account creation and changes). `organisation_id`: a
 * record from the list (confirmed ones only unless `anyRecord`), or "other" with `organisation_other`;
 * else `organisation`, a name matched case and spaces ignored. A name no record has becomes an
 * unconfirmed record, for the secretariat to confirm or merge: never a member of anything by itself.
 */
export type OrganisationChoice = { organisation_id?: number | 'other'; organisation_other?: string; organisation?: string };

export async function resolveOrganisation(
  trx: Knex.Transaction,
  clock: Clock,
  choice: OrganisationChoice,
  opts: { actorId: number | null; anyRecord?: boolean; via: string },
): Promise<{ id: number; name: string }> {
  if (typeof choice.organisation_id === 'number') {
    const o = await repo.organisationById(trx, choice.organisation_id);
    const live = o && o.merged_into_id !== null ? await repo.organisationById(trx, o.merged_into_id) : o;
    if (!live || (!live.confirmed && !opts.anyRecord)) throw new Validation(messages.notConfirmed, { organisation_id: messages.notConfirmed });
    return { id: live.id, name: live.name };
  }
  const name = choice.organisation_id === 'other' ? choice.organisation_other : (choice.organisation ?? choice.organisation_other);
  if (!name || !tidyName(name)) {
    const field: Record<string, string> = choice.organisation_id === 'other' ? { organisation_other: messages.nameOther } : { organisation: messages.chooseOrganisation, organisation_id: messages.chooseOrganisation };
    throw new Validation(choice.organisation_id === 'other' ? messages.nameOther : messages.chooseOrganisation, field);
  }
  const { org, created } = await repo.findOrInsertOrganisation(trx, name, clock.now().toISOString());
  if (created) await appendAudit(trx, clock, { actor_id: opts.actorId, action: 'organisation.created', subject_type: 'organisation', subject_id: org.id, data: { name: org.name, confirmed: false, via: opts.via } });
  return { id: org.id, name: org.name };
}

export interface ChoiceView {
  options: Array<{ value: string; label: string; name: string; awaiting: boolean; selected: boolean }>;
  otherSelected: boolean;
  other: string;
  error?: string;
  otherError?: string;
}

/**
 * The organisation field of a form: the register's records (confirmed ones, or all live ones for the
 * secretariat) with the current one chosen, and "other" with a name. `values` are the form's (kept on
 * a refused submission); `currentId` the account's record when the form opens.
 */
export async function choiceView(db: Q, opts: { all: boolean; values?: Record<string, unknown>; errors?: Record<string, string>; currentId?: number | null }): Promise<ChoiceView> {
  const list = await repo.listOrganisations(db, opts.all ? {} : { confirmed: true });
  const v = opts.values ?? {};
  // A name sent as `organisation` (as forms did before the register) is kept as the "other" name.
  const named = typeof v.organisation === 'string' && v.organisation.trim() ? v.organisation : '';
  const picked = typeof v.organisation_id === 'string' && v.organisation_id ? v.organisation_id : named ? 'other' : opts.currentId != null ? String(opts.currentId) : '';
  // The account's own record stays choosable even before the secretariat confirms it.
  if (opts.currentId != null && !list.some((o) => o.id === opts.currentId)) {
    const own = await repo.organisationById(db, opts.currentId);
    if (own && own.merged_into_id === null) list.push(own);
  }
  return {
    options: list.map((o) => ({ value: String(o.id), label: o.confirmed ? o.name : `${o.name} (awaiting the secretariat)`, name: o.name, awaiting: !o.confirmed, selected: picked === String(o.id) })),
    otherSelected: picked === 'other',
    other: typeof v.organisation_other === 'string' && v.organisation_other ? v.organisation_other : named,
    error: opts.errors?.organisation_id ?? opts.errors?.organisation,
    otherError: opts.errors?.organisation_other,
  };
}

/** An account moved to another organisation: it is no longer a voter or the representative of the old one. */
export async function voterLeaves(trx: Knex.Transaction, userId: number, organisationId: number): Promise<void> {
  await repo.dropVoter(trx, userId, organisationId);
}

/**
 * A board account joins the Board with its organisation (the /api/v1 promise: before issue 12 any board
 * account voted for its organisation). The secretariat vouched for the organisation by making a board
 * account in it, so the record is confirmed; then, on `today`: no membership holding → a new one (member,
 * from today, this account as principal; ended the day before a later one begins); one with no principal
 * → this account becomes it; else this account is an alternate. An observer membership keeps its status;
 * the chair's organisation with no membership gets none. Run in the account write's transaction.
 */
export async function voterJoins(trx: Knex.Transaction, clock: Clock, actorId: number | null, userId: number, organisationId: number): Promise<void> {
  const org = await repo.organisationById(trx, organisationId);
  if (!org || org.merged_into_id !== null) return;
  const via = 'board_account';
  if (!org.confirmed) {
    await repo.updateOrganisation(trx, org.id, { confirmed: true }, clock.now().toISOString());
    await appendAudit(trx, clock, { actor_id: actorId, action: 'organisation.confirmed', subject_type: 'organisation', subject_id: org.id, data: { confirmed: { from: false, to: true }, via, user_id: userId } });
  }
  const day = today(clock);
  const all = await repo.memberships(trx, { organisationId: org.id });
  const m = all.find((x) => x.from_date <= day && (x.until_date === null || x.until_date >= day));
  if (!m) {
    if ((await repo.chairs(trx, { organisationId: org.id })).some((c) => c.from_date <= day && (c.until_date === null || c.until_date >= day))) return;
    const next = all.filter((x) => x.from_date > day).map((x) => x.from_date).sort()[0];
    const until = next ? dayBefore(next) : null;
    const id = await repo.insertMembership(trx, { organisation_id: org.id, status: 'member', from_date: day, until_date: until, principal_user_id: userId, created_at: clock.now().toISOString() }, []);
    await appendAudit(trx, clock, {
      actor_id: actorId, action: 'board.membership_added', subject_type: 'board_membership', subject_id: id,
      data: { organisation_id: org.id, organisation: org.name, status: 'member', from: day, until, principal_user_id: userId, alternate_user_ids: [], via },
    });
    return;
  }
  const alternates = m.alternates.map((a) => a.id);
  if (m.principal_user_id === userId || alternates.includes(userId)) return;
  const principal = m.principal_user_id ?? userId;
  const next = m.principal_user_id === null ? alternates : [...alternates, userId];
  await repo.updateMembership(trx, m.id, { status: m.status, from_date: m.from_date, until_date: m.until_date, principal_user_id: principal }, next);
  await appendAudit(trx, clock, {
    actor_id: actorId, action: 'board.membership_changed', subject_type: 'board_membership', subject_id: m.id,
    data: {
      organisation_id: org.id, organisation: org.name, via,
      from: { status: m.status, from: m.from_date, until: m.until_date, principal_user_id: m.principal_user_id, alternate_user_ids: alternates },
      to: { status: m.status, from: m.from_date, until: m.until_date, principal_user_id: principal, alternate_user_ids: next },
    },
  });
}

// — notices —

export const openNotices = (db: Q) => repo.openNotices(db);

export async function dismissNotice(db: Knex, clock: Clock, actor: Viewer, id: number): Promise<void> {
  await db.transaction(async (trx) => {
    const at = clock.now().toISOString();
    if (!(await repo.dismissNotice(trx, id, actor.id, at))) throw new NotFound(messages.noNotice);
    await appendAudit(trx, clock, { actor_id: actor.id, action: 'organisation.notice_dismissed', subject_type: 'organisation_notice', subject_id: id, data: {} });
  });
}

/**
 * The audit events of what the register's migration merged (a migration writes no audit event: the
 * chain's key is the server's). Run at start, after migrating; idempotent.
 */
export async function auditMigrationNotices(db: Knex, clock: Clock): Promise<number> {
  return db.transaction(async (trx) => {
    const notices = await repo.unauditedNotices(trx);
    const at = clock.now().toISOString();
    for (const n of notices) {
      await appendAudit(trx, clock, {
        actor_id: null, action: 'organisation.spellings_merged', subject_type: 'organisation', subject_id: n.organisation_id,
        data: { name: n.organisation_name, spellings: n.spellings, by: 'migration' },
      });
      await repo.markNoticeAudited(trx, n.id, at);
    }
    return notices.length;
  });
}

// — the Board —

export interface BoardView extends Board {
  on: string;
  /** the first day of each member's and observer's unbroken seat, by organisation id */
  since: Record<number, string>;
  chair_since: string | null;
  representative_name: string | null;
}

/** The Board on a day, with the day each member, observer and the chair has held its seat since. */
export async function board(db: Q, day: string): Promise<BoardView> {
  const b = await boardOn(db, day);
  const d = utcDay(day);
  const ms = await repo.memberships(db);
  const since: Record<number, string> = {};
  for (const o of [...b.members, ...b.observers]) {
    // The start of the unbroken run of memberships (of the same status) that holds on the day.
    const mine = ms.filter((m) => m.organisation_id === o.id).sort((x, y) => (x.from_date < y.from_date ? 1 : -1));
    const current = mine.find((m) => m.from_date <= d && (m.until_date === null || m.until_date >= d));
    let start = current?.from_date ?? d;
    for (const m of mine) if (current && m.status === current.status && m.until_date !== null && m.until_date === dayBefore(start)) start = m.from_date;
    since[o.id] = start;
  }
  const c = b.chair ? (await repo.chairs(db)).find((x) => x.organisation_id === b.chair!.id && x.from_date <= d && (x.until_date === null || x.until_date >= d)) : undefined;
  return { ...b, on: d, since, chair_since: c?.from_date ?? null, representative_name: c?.representative_name ?? null };
}

export const memberships = (db: Q, organisationId?: number) => repo.memberships(db, organisationId === undefined ? {} : { organisationId });
export const chairs = (db: Q, organisationId?: number) => repo.chairs(db, organisationId === undefined ? {} : { organisationId });
export const membership = async (db: Q, id: number) => (await repo.memberships(db, { id }))[0] ?? null;
export const chair = async (db: Q, id: number) => (await repo.chairs(db, { id }))[0] ?? null;

/** Checks that the voters are enabled board accounts of the organisation. */
async function checkVoters(trx: Knex.Transaction, org: OrganisationRow, principal: number | null, alternates: number[]): Promise<void> {
  if (principal !== null && alternates.includes(principal)) throw new Validation(messages.principalAlternate, { alternates: messages.principalAlternate });
  for (const [field, id] of [...(principal !== null ? [['principal_user_id', principal] as const] : []), ...alternates.map((a) => ['alternates', a] as const)]) {
    const u = await repo.userById(trx, id);
    if (!u || u.closed_at) throw new Validation(messages.noUser, { [field]: messages.noUser });
    if (u.organisation_id !== org.id) throw new Validation(messages.notOfOrganisation(u.name, org.name), { [field]: messages.notOfOrganisation(u.name, org.name) });
    if (!roleCan(u.role, 'ballots.vote') || u.disabled_at) throw new Validation(messages.notVoter(u.name), { [field]: messages.notVoter(u.name) });
  }
}

async function boardOrganisation(trx: Knex.Transaction, id: number): Promise<OrganisationRow> {
  const org = await repo.organisationById(trx, id);
  if (!org || org.merged_into_id !== null) throw new Validation(messages.noOrganisation, { organisation_id: messages.noOrganisation });
  if (!org.confirmed) throw new Validation(messages.unconfirmedOnBoard(org.name), { organisation_id: messages.unconfirmedOnBoard(org.name) });
  return org;
}

export async function addMembership(db: Knex, clock: Clock, actor: Viewer, input: MembershipInput): Promise<number> {
  return db.transaction(async (trx) => {
    const org = await boardOrganisation(trx, input.organisation_id);
    const span = { from_date: input.from, until_date: input.until };
    if ((await repo.memberships(trx, { organisationId: org.id })).some((m) => overlaps(m, span))) throw new Conflict(messages.overlap(org.name));
    await checkVoters(trx, org, input.principal_user_id, input.alternates);
    const id = await repo.insertMembership(trx, { organisation_id: org.id, status: input.status, ...span, principal_user_id: input.principal_user_id, created_at: clock.now().toISOString() }, input.alternates);
    await appendAudit(trx, clock, {
      actor_id: actor.id, action: 'board.membership_added', subject_type: 'board_membership', subject_id: id,
      data: { organisation_id: org.id, organisation: org.name, status: input.status, from: input.from, until: input.until, principal_user_id: input.principal_user_id, alternate_user_ids: input.alternates },
    });
    return id;
  });
}

export async function updateMembership(db: Knex, clock: Clock, actor: Viewer, id: number, input: MembershipUpdate): Promise<void> {
  await db.transaction(async (trx) => {
    const [m] = await repo.memberships(trx, { id });
    if (!m) throw new NotFound(messages.noMembership);
    const org = (await repo.organisationById(trx, m.organisation_id))!;
    const span = { from_date: input.from, until_date: input.until };
    if ((await repo.memberships(trx, { organisationId: org.id })).some((x) => x.id !== id && overlaps(x, span))) throw new Conflict(messages.overlap(org.name));
    await checkVoters(trx, org, input.principal_user_id, input.alternates);
    await repo.updateMembership(trx, id, { status: input.status, ...span, principal_user_id: input.principal_user_id }, input.alternates);
    await appendAudit(trx, clock, {
      actor_id: actor.id, action: 'board.membership_changed', subject_type: 'board_membership', subject_id: id,
      data: {
        organisation_id: org.id, organisation: org.name,
        from: { status: m.status, from: m.from_date, until: m.until_date, principal_user_id: m.principal_user_id, alternate_user_ids: m.alternates.map((a) => a.id) },
        to: { status: input.status, from: input.from, until: input.until, principal_user_id: input.principal_user_id, alternate_user_ids: input.alternates },
      },
    });
  });
}

/** A membership entered by mistake; one that put the organisation in a ballot's electorate is ended instead. */
export async function deleteMembership(db: Knex, clock: Clock, actor: Viewer, id: number): Promise<void> {
  await db.transaction(async (trx) => {
    const [m] = await repo.memberships(trx, { id });
    if (!m) throw new NotFound(messages.noMembership);
    if (await repo.inAnElectorate(trx, m.organisation_id, m.from_date, m.until_date)) throw new Conflict(messages.inElectorate);
    await repo.deleteMembership(trx, id);
    await appendAudit(trx, clock, {
      actor_id: actor.id, action: 'board.membership_deleted', subject_type: 'board_membership', subject_id: id,
      data: { organisation_id: m.organisation_id, organisation: m.organisation_name, status: m.status, from: m.from_date, until: m.until_date },
    });
  });
}

/**
 * A new chair from a day: the chair holding on that day (open-ended) ends the day before, so the Board
 * has one chair at a time.
 */
export async function setChair(db: Knex, clock: Clock, actor: Viewer, input: ChairInput): Promise<number> {
  return db.transaction(async (trx) => {
    const org = await boardOrganisation(trx, input.organisation_id);
    if (input.representative_user_id !== null) await checkRepresentative(trx, org, input.representative_user_id);
    const span = { from_date: input.from, until_date: input.until };
    const all = await repo.chairs(trx);
    const ended: number[] = [];
    for (const c of all) {
      if (!overlaps(c, span)) continue;
      // The chair in office when the new one begins hands over the day before.
      if (c.from_date < input.from && (c.until_date === null || c.until_date >= input.from)) {
        await repo.updateChair(trx, c.id, { until_date: dayBefore(input.from) });
        ended.push(c.id);
        if (c.until_date === null || input.until === null || c.until_date <= input.until) continue;
      }
      throw new Conflict(messages.chairOverlap);
    }
    const id = await repo.insertChair(trx, { organisation_id: org.id, representative_user_id: input.representative_user_id, ...span, created_at: clock.now().toISOString() });
    await appendAudit(trx, clock, {
      actor_id: actor.id, action: 'board.chair_set', subject_type: 'board_chair', subject_id: id,
      data: { organisation_id: org.id, organisation: org.name, representative_user_id: input.representative_user_id, from: input.from, until: input.until, ended_chair_ids: ended },
    });
    return id;
  });
}

async function checkRepresentative(trx: Knex.Transaction, org: OrganisationRow, userId: number): Promise<void> {
  const u = await repo.userById(trx, userId);
  if (!u || u.closed_at) throw new Validation(messages.noUser, { representative_user_id: messages.noUser });
  if (u.organisation_id !== org.id) throw new Validation(messages.notOfOrganisation(u.name, org.name), { representative_user_id: messages.notOfOrganisation(u.name, org.name) });
}

export async function updateChair(db: Knex, clock: Clock, actor: Viewer, id: number, input: ChairUpdate): Promise<void> {
  await db.transaction(async (trx) => {
    const [c] = await repo.chairs(trx, { id });
    if (!c) throw new NotFound(messages.noChair);
    const org = (await repo.organisationById(trx, c.organisation_id))!;
    if (input.representative_user_id !== null) await checkRepresentative(trx, org, input.representative_user_id);
    const span = { from_date: input.from, until_date: input.until };
    if ((await repo.chairs(trx)).some((x) => x.id !== id && overlaps(x, span))) throw new Conflict(messages.chairOverlap);
    await repo.updateChair(trx, id, { representative_user_id: input.representative_user_id, ...span });
    await appendAudit(trx, clock, {
      actor_id: actor.id, action: 'board.chair_changed', subject_type: 'board_chair', subject_id: id,
      data: { organisation_id: org.id, organisation: org.name, from: { representative_user_id: c.representative_user_id, from: c.from_date, until: c.until_date }, to: { representative_user_id: input.representative_user_id, from: input.from, until: input.until } },
    });
  });
}

/** Accounts of an organisation, for the voter choices on the Board page. */
export const usersOf = (db: Q, organisationId: number) => repo.usersOf(db, organisationId);

// — an organisation's public page —

export interface RecordEntry {
  ballot_id: number;
  ref: string;
  designation: string;
  title: string;
  n: number;
  label: string;
  closes_at: string;
  result: string | null;
  /** null: the organisation was in the electorate and did not vote */
  position: string | null;
  reason: string | null;
  outdated: boolean;
}

/** Positions on closed ballots only: while a ballot is open they are the Board's business. */
export async function votingRecord(db: Q, clock: Clock, organisationId: number): Promise<RecordEntry[]> {
  const now = clock.now();
  const rows = await repo.votingRecord(db, organisationId, now.toISOString());
  return rows
    .filter((r) => ballotState({ opens_at: r.opens_at, closes_at: r.closes_at, cancelled_at: r.cancelled_at }, now) === 'closed')
    .map((r) => ({
      ballot_id: Number(r.ballot_id),
      ref: r.ref,
      designation: `${r.type} ${r.number}`,
      title: r.title,
      n: Number(r.n),
      label: r.label,
      closes_at: r.closes_at,
      result: r.result,
      position: r.position,
      reason: r.reason,
      outdated: r.vote_version_id !== null && Number(r.vote_version_id) !== Number(r.ballot_version_id),
    }));
}

export async function organisationPage(db: Q, clock: Clock, id: number, all: boolean) {
  const o = await getOrganisation(db, id, all);
  const day = today(clock);
  const ms = await repo.memberships(db, { organisationId: id });
  const cs = await repo.chairs(db, { organisationId: id });
  return {
    organisation: organisationView(o),
    board: {
      memberships: ms.map((m) => ({ id: m.id, status: m.status, from: m.from_date, until: m.until_date, current: m.from_date <= day && (m.until_date === null || m.until_date >= day) })),
      chairs: cs.map((c) => ({ id: c.id, from: c.from_date, until: c.until_date, representative: c.representative_name, current: c.from_date <= day && (c.until_date === null || c.until_date >= day) })),
    },
    voting_record: await votingRecord(db, clock, id),
  };
}
