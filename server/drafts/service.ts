import type { Knex } from 'knex';
import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import type { Viewer } from '../auth/viewer.ts';
import { Conflict, NotFound, Validation } from '../errors.ts';
import { appendAudit } from '../audit/service.ts';
import * as repo from '../standards/repo.ts';
import type { StandardRow } from '../standards/repo.ts';
import * as versionsRepo from '../versions/repo.ts';
import type { VersionMeta } from '../versions/repo.ts';
import { canonicalRef, designation, refFor, seriesOf } from '../standards/refs.ts';
import { clauseNumber, countWords, parseClauses, type ParseProblem } from '../versions/parse.ts';
import { createVersion, sha256 } from '../versions/service.ts';
import { renderClauses } from '../versions/render.ts';
import { diffVersions, type DiffSummary } from '../diff/index.ts';
import type { DraftInput, StandardInput, WithdrawInput } from './validation.ts';

/**
 * The secretariat's side of the catalogue and of drafts: add a standard, withdraw one, check a draft's
 * text (the preview) and save it as a new version. A version's text never changes once saved.
 */
export const messages = {
  noStandard: (ref: string) => `There is no standard "${ref}" in the catalogue.`,
  exists: (d: string) => `${d} is already in the catalogue.`,
  alreadyWithdrawn: (d: string, on: string) => `${d} was already withdrawn on ${on}.`,
  noReplacement: (ref: string) => `There is no standard "${ref}" in the catalogue to replace it.`,
  notItself: 'A standard cannot be replaced by itself.',
  withdrawnNoDrafts: (d: string) => `${d} is withdrawn: it takes no new drafts.`,
  noBase: (d: string, n: number) => `${d} has no version ${n}.`,
  sameText: (n: number) => `This text is the same as version ${n}: there is nothing new to save.`,
  defaultLabel: (n: number) => `Draft version ${n}`,
} as const;

/**
 * Runs `fn` in the caller's transaction when there is one (a draft made from a proposal, with the
 * proposal's own writes), else in a new one. Not a nested transaction: a savepoint's handle does not
 * carry the audit key of the database handle.
 */
const within = <T>(db: Db, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> =>
  (db as unknown as Knex.Transaction).isTransaction ? fn(db as unknown as Knex.Transaction) : db.transaction(fn);

async function standardOrThrow(db: Db, ref: string): Promise<StandardRow> {
  const s = (await repo.standardByRef(db, ref)) ?? (canonicalRef(ref) ? await repo.standardByRef(db, canonicalRef(ref)!) : null);
  if (!s) throw new NotFound(messages.noStandard(ref));
  return s;
}

/** Adds a standard to the catalogue (no versions yet: its first draft comes next). */
export async function addStandard(db: Db, clock: Clock, actor: Viewer, input: StandardInput): Promise<StandardRow> {
  const ref = refFor(input.type, input.number);
  const id = await within(db, async (trx) => {
    if (await repo.standardClash(trx, ref, input.type, input.number)) throw new Conflict(messages.exists(designation(input.type, input.number)));
    const newId = await repo.insertStandard(trx, { type: input.type, number: input.number, ref, title: input.title, title_unconfirmed: false, series: seriesOf(input.number), created_at: clock.now().toISOString() });
    await appendAudit(trx, clock, { actor_id: actor.id, action: 'standard.added', subject_type: 'standard', subject_id: newId, data: { ref, type: input.type, number: input.number, title: input.title } });
    return newId;
  });
  return (await repo.standardById(db, id))!;
}

/** Withdraws a standard from a date, optionally naming the standard that replaces it. */
/** The standard to withdraw and its replacement, or the refusal: asked before the confirmation page and again on the act. */
export async function checkWithdrawal(db: Db, ref: string, input: WithdrawInput): Promise<{ standard: StandardRow; replacement: StandardRow | null }> {
  const s = await standardOrThrow(db, ref);
  if (s.withdrawn_on) throw new Conflict(messages.alreadyWithdrawn(designation(s.type, s.number), s.withdrawn_on));
  let replacement: StandardRow | null = null;
  if (input.replaced_by) {
    const canonical = canonicalRef(input.replaced_by) ?? input.replaced_by;
    replacement = await repo.standardByRef(db, canonical);
    if (!replacement) throw new Validation(messages.noReplacement(input.replaced_by), { replaced_by: messages.noReplacement(input.replaced_by) });
    if (replacement.id === s.id) throw new Validation(messages.notItself, { replaced_by: messages.notItself });
  }
  return { standard: s, replacement };
}

export async function withdrawStandard(db: Db, clock: Clock, actor: Viewer, ref: string, input: WithdrawInput): Promise<StandardRow> {
  const { standard: s, replacement } = await checkWithdrawal(db, ref, input);
  await db.transaction(async (trx) => {
    await repo.withdraw(trx, s.id, input.date, replacement?.id ?? null);
    await appendAudit(trx, clock, {
      actor_id: actor.id,
      action: 'standard.withdrawn',
      subject_type: 'standard',
      subject_id: s.id,
      data: { ref: s.ref, withdrawn_on: input.date, replaced_by: replacement?.ref ?? null },
    });
  });
  return (await repo.standardById(db, s.id))!;
}

export interface PreviewClause {
  ref: string;
  number: string;
  heading: string;
  depth: number;
  words: number;
  line: number;
  /** against the version it is based on: new, changed, unchanged; with the old ref when renumbered */
  status: 'added' | 'changed' | 'unchanged' | null;
  from_ref: string | null;
}

export interface DraftPreview {
  standard: StandardRow;
  basedOn: VersionMeta | null;
  versions: VersionMeta[];
  clauses: PreviewClause[];
  problems: ParseProblem[];
  words: number;
  /** what changed against based_on, when there is one and the text parses */
  changes: DiffSummary | null;
  /** the text rendered as on a version page (HTML we produced and escaped); null when it has problems */
  html: string | null;
}

/** The version a draft is based on: the one named, none (null), or by default the latest. */
function baseOf(s: StandardRow, versions: VersionMeta[], basedOn: number | null | undefined): VersionMeta | null {
  if (basedOn === null) return null;
  if (basedOn === undefined) return versions.at(-1) ?? null;
  const v = versions.find((x) => x.n === basedOn);
  if (!v) throw new Validation(messages.noBase(designation(s.type, s.number), basedOn), { based_on: messages.noBase(designation(s.type, s.number), basedOn) });
  return v;
}

/** The version a new draft starts from and its source Markdown, or null for a text of its own. */
export async function baseText(db: Db, ref: string, basedOn: number | null | undefined): Promise<{ n: number; text: string } | null> {
  const standard = await standardOrThrow(db, ref);
  const base = baseOf(standard, await versionsRepo.versionMetas(db, standard.id), basedOn);
  return base ? { n: base.n, text: await versionsRepo.versionSource(db, base.id) } : null;
}

/** Parses a draft's text without saving anything: its clause tree, its problems by line, what changed. */
export async function previewDraft(db: Db, ref: string, input: Pick<DraftInput, 'text' | 'based_on'>): Promise<DraftPreview> {
  const standard = await standardOrThrow(db, ref);
  const versions = await versionsRepo.versionMetas(db, standard.id);
  const basedOn = baseOf(standard, versions, input.based_on);
  const { clauses, problems } = parseClauses(input.text);
  let changes: DiffSummary | null = null;
  const status = new Map<string, { status: PreviewClause['status']; from_ref: string | null }>();
  if (basedOn && !problems.length) {
    const diff = diffVersions(await versionsRepo.clausesOf(db, basedOn.id), clauses);
    changes = diff.summary;
    for (const e of diff.clauses) {
      if (e.to_ref && !status.has(e.to_ref)) status.set(e.to_ref, { status: e.status === 'removed' ? null : e.status, from_ref: e.from_ref });
    }
  }
  return {
    standard,
    basedOn,
    versions,
    clauses: clauses.map((c) => ({
      ref: c.ref,
      number: clauseNumber(c.ref),
      heading: c.heading,
      depth: c.depth,
      words: countWords(c.text),
      line: c.line,
      status: status.get(c.ref)?.status ?? null,
      from_ref: status.get(c.ref)?.from_ref ?? null,
    })),
    problems,
    words: countWords(input.text),
    changes,
    html: problems.length ? null : renderClauses(clauses),
  };
}

/**
 * Saves a draft as the standard's next version, its clauses keyed through the version it is based on,
 * with its audit event in the same transaction. Problems in the text → 422 listing them by line.
 */
export async function createDraft(db: Db, clock: Clock, actor: Viewer, ref: string, input: DraftInput, opts: { proposalId?: number } = {}): Promise<{ standard: StandardRow; id: number; n: number }> {
  const standard = await standardOrThrow(db, ref);
  if (standard.withdrawn_on) throw new Conflict(messages.withdrawnNoDrafts(designation(standard.type, standard.number)));
  const versions = await versionsRepo.versionMetas(db, standard.id);
  const basedOn = baseOf(standard, versions, input.based_on);
  if (basedOn && basedOn.sha256 === sha256(input.text)) throw new Validation(messages.sameText(basedOn.n), { text: messages.sameText(basedOn.n) });
  // The traceable line (issue 12 item 4): a draft made from a proposal carries its id (server/proposals
  // checks the proposal first), and so does a draft based on a not yet published version that carries one.
  const proposalId = opts.proposalId ?? (basedOn && basedOn.state !== 'published' ? basedOn.proposal_id : null);
  const saved = await within(db, async (trx) => {
    const label = input.label ?? messages.defaultLabel((await versionsRepo.lastN(trx, standard.id)) + 1);
    // createVersion parses (SourceProblems, 422 with fields.text by line), inherits keys and bumps the revision.
    const v = await createVersion(trx, clock, { standardId: standard.id, source: input.text, label, basedOn: basedOn?.id ?? null, createdBy: actor.id, proposalId });
    await appendAudit(trx, clock, {
      actor_id: actor.id,
      action: 'draft.created',
      subject_type: 'version',
      subject_id: v.id,
      data: { ref: standard.ref, n: v.n, label, based_on: basedOn?.n ?? null, sha256: sha256(input.text), ...(proposalId ? { proposal_id: proposalId } : {}) },
    });
    return v;
  });
  return { standard, ...saved };
}
