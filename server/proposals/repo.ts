import type { Knex } from 'knex';
import { isSqlite } from '../db.ts';
import { day, iso } from '../time.ts';
import type { Decision, ProposalKind, ResponsePosition } from './rules.ts';

/** All SQL of proposals and the Board's responses to them. Functions take the db or a transaction. */
type Q = Knex | Knex.Transaction;

export interface ElectorateMember {
  id: number;
  name: string;
}

export interface DecisionTally {
  electorate: number;
  supports: number;
  no_support: number;
  not_responded: number;
  needed: number;
  percent: number;
}

export interface ProposalRow {
  id: number;
  kind: ProposalKind;
  standard_id: number | null;
  standard_ref: string | null;
  standard_type: string | null;
  standard_number: string | null;
  standard_title: string | null;
  proposed_number: string | null;
  title: string;
  rationale: string;
  scope: string;
  substantial: boolean;
  proposer_id: number | null;
  proposer_name: string | null;
  organisation_id: number | null;
  organisation_name: string | null;
  submitted_at: string;
  edited_at: string | null;
  circulated_at: string | null;
  circulated_by: number | null;
  response_due_at: string | null;
  electorate: ElectorateMember[] | null;
  support_percent: number | null;
  decision: Decision | null;
  decided_at: string | null;
  decided_by: number | null;
  decision_tally: DecisionTally | null;
  sg_approved_on: string | null;
  sg_recorded_at: string | null;
  dropped_at: string | null;
  dropped_by: number | null;
  drop_reason: string | null;
}

export interface ResponseRow {
  id: number;
  proposal_id: number;
  organisation_id: number;
  organisation_name: string;
  position: ResponsePosition;
  comment: string | null;
  responded_by: number;
  responded_by_name: string;
  responded_at: string;
}

/** A version carrying a proposal's id, with where it went: its consultations and ballots. */
export interface ProposalVersionRow {
  id: number;
  proposal_id: number;
  ref: string;
  type: string;
  number: string;
  n: number;
  label: string;
  state: string;
  edition: number | null;
  amendment: number | null;
  published_at: string | null;
  created_at: string;
}

const SELECT = [
  'p.*',
  's.ref as standard_ref',
  's.type as standard_type',
  's.number as standard_number',
  's.title as standard_title',
];

const withNames = (db: Q) =>
  db('proposals as p')
    .leftJoin('standards as s', 's.id', 'p.standard_id')
    .leftJoin('organisations as o', 'o.id', 'p.organisation_id')
    // a record merged into another (server/organisations) is shown by the name it was merged into
    .leftJoin('organisations as om', 'om.id', 'o.merged_into_id')
    .leftJoin('users as u', 'u.id', 'p.proposer_id')
    // A closed account is not named (server/privacy): its organisation still shows as the initiator.
    .select([...SELECT, db.raw('coalesce(om.name, o.name) as organisation_name'), db.raw("case when u.id is null then null when u.closed_at is null then u.name else 'a former member' end as proposer_name")]);

const json = <T>(v: unknown): T | null => (v == null || v === '' ? null : (JSON.parse(String(v)) as T));

function toProposal(r: Record<string, unknown>): ProposalRow {
  return {
    ...(r as unknown as ProposalRow),
    substantial: Boolean(r.substantial),
    submitted_at: iso(r.submitted_at)!,
    edited_at: iso(r.edited_at),
    circulated_at: iso(r.circulated_at),
    response_due_at: iso(r.response_due_at),
    decided_at: iso(r.decided_at),
    sg_approved_on: day(r.sg_approved_on),
    sg_recorded_at: iso(r.sg_recorded_at),
    dropped_at: iso(r.dropped_at),
    support_percent: r.support_percent == null ? null : Number(r.support_percent),
    electorate: json<ElectorateMember[]>(r.electorate),
    decision_tally: json<DecisionTally>(r.decision_tally),
  };
}

export async function proposalById(db: Q, id: number, forUpdate = false): Promise<ProposalRow | null> {
  const q = withNames(db).where('p.id', id).first();
  // PostgreSQL: lock the proposal's row (not the joined ones) for the transaction.
  const r = await (forUpdate && !isSqlite(db as Knex) ? q.forUpdate('p') : q);
  return r ? toProposal(r) : null;
}

export async function allProposals(db: Q): Promise<ProposalRow[]> {
  return (await withNames(db).orderBy([{ column: 'p.submitted_at', order: 'desc' }, { column: 'p.id', order: 'desc' }])).map(toProposal);
}

export type NewProposal = Pick<ProposalRow, 'kind' | 'standard_id' | 'proposed_number' | 'title' | 'rationale' | 'scope' | 'substantial' | 'proposer_id' | 'organisation_id' | 'submitted_at'>;

export async function insertProposal(db: Q, row: NewProposal): Promise<number> {
  const [ins] = await db('proposals').insert(row).returning('id');
  return typeof ins === 'object' ? (ins as { id: number }).id : (ins as number);
}

export async function updateProposal(db: Q, id: number, changes: Partial<Omit<NewProposal, 'proposer_id' | 'submitted_at'>> & { edited_at: string }): Promise<void> {
  await db('proposals').where({ id }).update(changes);
}

/** Circulates only what has not been circulated: true when this call did it. */
export async function markCirculated(db: Q, id: number, c: { circulated_at: string; circulated_by: number; response_due_at: string; electorate: ElectorateMember[]; support_percent: number }): Promise<boolean> {
  const n = await db('proposals').where({ id }).whereNull('circulated_at').update({ ...c, electorate: JSON.stringify(c.electorate) });
  return n === 1;
}

/** Writes the decision once: true when this call did it (the first transaction that finds it decided). */
export async function freezeDecision(db: Q, id: number, d: { decision: Decision; decided_at: string; decided_by: number | null; tally: DecisionTally }): Promise<boolean> {
  const n = await db('proposals').where({ id }).whereNull('decision').update({ decision: d.decision, decided_at: d.decided_at, decided_by: d.decided_by, decision_tally: JSON.stringify(d.tally) });
  return n === 1;
}

export async function markSteeringGroup(db: Q, id: number, s: { sg_approved_on: string; sg_recorded_by: number; sg_recorded_at: string }): Promise<boolean> {
  return (await db('proposals').where({ id }).whereNull('sg_approved_on').update(s)) === 1;
}

export async function markDropped(db: Q, id: number, d: { dropped_at: string; dropped_by: number; drop_reason: string }): Promise<boolean> {
  return (await db('proposals').where({ id }).whereNull('dropped_at').update(d)) === 1;
}

export async function setStandard(db: Q, id: number, standardId: number): Promise<void> {
  await db('proposals').where({ id }).update({ standard_id: standardId });
}

// ---- responses ----

export async function responsesOf(db: Q, proposalId: number): Promise<ResponseRow[]> {
  const rows = await db('proposal_responses as r')
    .join('organisations as o', 'o.id', 'r.organisation_id')
    .join('users as u', 'u.id', 'r.responded_by')
    .where('r.proposal_id', proposalId)
    .select('r.*', 'o.name as organisation_name', db.raw("case when u.closed_at is null then u.name else 'a former member' end as responded_by_name"))
    .orderBy('o.name');
  return rows.map((r: Record<string, unknown>) => ({ ...(r as unknown as ResponseRow), responded_at: iso(r.responded_at)! }));
}

/** The response counts of many proposals at once, for the log: {proposal_id → {support, no_support}} by organisation id. */
export async function responsesOfMany(db: Q, ids: number[]): Promise<Map<number, { organisation_id: number; position: ResponsePosition }[]>> {
  const out = new Map<number, { organisation_id: number; position: ResponsePosition }[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = (await db('proposal_responses').whereIn('proposal_id', ids.slice(i, i + 500)).select('proposal_id', 'organisation_id', 'position')) as { proposal_id: number; organisation_id: number; position: ResponsePosition }[];
    for (const r of rows) out.set(r.proposal_id, [...(out.get(r.proposal_id) ?? []), { organisation_id: r.organisation_id, position: r.position }]);
  }
  return out;
}

/** One row per organisation: the latest answer replaces the earlier one, whoever of its voters gave it. */
export async function upsertResponse(db: Q, r: { proposal_id: number; organisation_id: number; position: ResponsePosition; comment: string | null; responded_by: number; responded_at: string }): Promise<'created' | 'changed'> {
  const existing = await db('proposal_responses').where({ proposal_id: r.proposal_id, organisation_id: r.organisation_id }).first('id');
  if (existing) {
    await db('proposal_responses').where({ id: existing.id }).update({ position: r.position, comment: r.comment, responded_by: r.responded_by, responded_at: r.responded_at });
    return 'changed';
  }
  await db('proposal_responses').insert(r);
  return 'created';
}

// ---- the traceable line ----

export async function versionsOfProposals(db: Q, ids: number[]): Promise<ProposalVersionRow[]> {
  const out: ProposalVersionRow[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db('versions as v')
      .join('standards as s', 's.id', 'v.standard_id')
      .whereIn('v.proposal_id', ids.slice(i, i + 500))
      .select('v.id', 'v.proposal_id', 's.ref', 's.type', 's.number', 'v.n', 'v.label', 'v.state', 'v.edition', 'v.amendment', 'v.published_at', 'v.created_at')
      .orderBy([{ column: 's.ref' }, { column: 'v.n' }]);
    out.push(...rows.map((r: Record<string, unknown>) => ({ ...(r as unknown as ProposalVersionRow), published_at: iso(r.published_at), created_at: iso(r.created_at)! })));
  }
  return out;
}

export async function consultationsOfVersions(db: Q, versionIds: number[]): Promise<{ id: number; version_id: number; opens_at: string; closes_at: string; cancelled_at: string | null }[]> {
  if (!versionIds.length) return [];
  const rows = await db('consultations').whereIn('version_id', versionIds).select('id', 'version_id', 'opens_at', 'closes_at', 'cancelled_at').orderBy('id');
  return rows.map((r: Record<string, unknown>) => ({ id: Number(r.id), version_id: Number(r.version_id), opens_at: iso(r.opens_at)!, closes_at: iso(r.closes_at)!, cancelled_at: iso(r.cancelled_at) }));
}

export async function ballotsOfVersions(db: Q, versionIds: number[]): Promise<{ id: number; version_id: number; opens_at: string; closes_at: string; cancelled_at: string | null; result: string | null }[]> {
  if (!versionIds.length) return [];
  const rows = await db('ballots').whereIn('version_id', versionIds).select('id', 'version_id', 'opens_at', 'closes_at', 'cancelled_at', 'result').orderBy('id');
  return rows.map((r: Record<string, unknown>) => ({ id: Number(r.id), version_id: Number(r.version_id), opens_at: iso(r.opens_at)!, closes_at: iso(r.closes_at)!, cancelled_at: iso(r.cancelled_at), result: (r.result as string | null) ?? null }));
}

/** The record each of these organisations was merged into (server/organisations), where it was. */
export async function mergedInto(db: Q, ids: number[]): Promise<Map<number, number>> {
  if (!ids.length) return new Map();
  const rows = (await db('organisations').whereIn('id', ids).whereNotNull('merged_into_id').select('id', 'merged_into_id')) as { id: number; merged_into_id: number }[];
  return new Map(rows.map((r) => [Number(r.id), Number(r.merged_into_id)]));
}

/** The organisation record of a user (users.organisation_id, from the organisations register). */
export async function organisationOfUser(db: Q, userId: number): Promise<number | null> {
  const r = await db('users').where({ id: userId }).first('organisation_id');
  return r?.organisation_id == null ? null : Number(r.organisation_id);
}
