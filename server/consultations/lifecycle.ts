import type { Knex } from 'knex';
import { isUniqueViolation, type Db } from '../db.ts';
import type { Logger } from '../logger.ts';
import type { Deps } from '../deps.ts';
import type { Viewer } from '../auth/viewer.ts';
import { Conflict, NotFound, Validation } from '../errors.ts';
import { appendAudit } from '../audit/service.ts';
import { clausesOf, versionByN, versionMetas, type ClauseRow } from '../versions/repo.ts';
import { canonicalRef, designation } from '../standards/refs.ts';
import { messages } from './messages.ts';
import { checkChange, consultationState, type ConsultationChange } from './state.ts';
import * as repo from './repo.ts';
import { queueConsultationOpened } from '../notifications/service.ts';
import type { ConsultationCreate, ConsultationPatch } from './validation.ts';
import { consultationView, type ConsultationView } from './views.ts';

/** The consultation's lifecycle: open (or schedule), extend, close early, cancel; and reading consultations. */

/** What the consultations' services take from the app's Deps. */
export type Ctx = Pick<Deps, 'db' | 'clock' | 'states' | 'caches'> & { logger?: Logger };

/** All consultations as the viewer may see them: a consultation on a draft still unreleased is for the Board and the secretariat. */
export async function listConsultations(ctx: Ctx, viewer: Viewer | null): Promise<ConsultationView[]> {
  const rows = await repo.listConsultations(ctx.db);
  const counts = await repo.commentCounts(ctx.db, rows.map((r) => r.id));
  const now = ctx.clock.now();
  return rows.map((r) => consultationView(r, viewer, now, counts.get(r.id) ?? 0)).filter((c) => c.draftVisible || c.state === 'scheduled');
}

export async function getConsultation(ctx: Ctx, viewer: Viewer | null, id: number): Promise<ConsultationView> {
  const c = Number.isInteger(id) && id > 0 ? await repo.consultationById(ctx.db, id) : null;
  if (!c) throw new NotFound(messages.noConsultation);
  const v = consultationView(c, viewer, ctx.clock.now(), (await repo.commentCounts(ctx.db, [c.id])).get(c.id) ?? 0);
  // A scheduled consultation is announced; one cancelled before it opened stays with those who see drafts.
  if (!v.draftVisible && v.state !== 'scheduled') throw new NotFound(messages.noConsultation);
  return v;
}

async function versionFor(db: Db | Knex.Transaction, ref: string, n: number) {
  const canonical = canonicalRef(ref) ?? ref;
  const s = await db('standards').where({ ref }).orWhere({ ref: canonical }).first('id', 'ref', 'type', 'number', 'title');
  if (!s) throw new NotFound(messages.noStandard(ref));
  const v = Number.isInteger(n) && n > 0 ? await versionByN(db, s.id, n) : null;
  if (!v) throw new NotFound(messages.noVersion(designation(s.type, s.number), n));
  return { standard: s as { id: number; ref: string; type: 'IMAS'; number: string; title: string }, version: v as { id: number; n: number; label: string; state: string; standard_id: number } };
}

/** Opens (or schedules) a consultation on a draft: one at a time per draft. */
export async function openConsultation(ctx: Ctx, actor: Viewer, ref: string, n: number, input: ConsultationCreate): Promise<ConsultationView> {
  const now = ctx.clock.now();
  const opens = input.opens_at ?? now.toISOString();
  if (input.closes_at <= opens) throw new Validation(messages.closesBeforeOpens, { closes_at: messages.closesBeforeOpens });
  if (input.closes_at <= now.toISOString()) throw new Validation(messages.closesInPast, { closes_at: messages.closesInPast });
  let versionId = 0;
  const id = await ctx.db.transaction(async (trx) => {
    const { standard, version } = await versionFor(trx, ref, n);
    versionId = version.id;
    if (version.state !== 'draft') throw new Conflict(messages.notDraft(version.label));
    const live = (await repo.consultationsOfVersion(trx, version.id)).find((c) => ['scheduled', 'open'].includes(consultationState(c, now)));
    if (live) throw new Conflict(messages.oneAtATime(live.id));
    const newId = await repo.insertConsultation(trx, { version_id: version.id, opens_at: opens, closes_at: input.closes_at, instructions: input.instructions ?? null, created_by: actor.id, created_at: now.toISOString() });
    await appendAudit(trx, ctx.clock, { actor_id: actor.id, action: 'consultation.opened', subject_type: 'consultation', subject_id: newId, data: { ref: standard.ref, n: version.n, opens_at: opens, closes_at: input.closes_at } }, ctx.logger);
    // The standard's watchers are told by mail, queued in this transaction (issue 16 item 3).
    await queueConsultationOpened(trx, ctx.clock, standard.id, { consultation_id: newId, designation: designation(standard.type, standard.number), title: standard.title, label: version.label, opens_at: opens, closes_at: input.closes_at });
    return newId;
  }).catch(async (err: unknown) => {
    // Another process opened one on this draft between the check and the insert: the index refused ours.
    if (!isUniqueViolation(err, repo.ONE_LIVE_PER_VERSION)) throw err;
    const live = (await repo.consultationsOfVersion(ctx.db, versionId)).find((c) => ['scheduled', 'open'].includes(consultationState(c, ctx.clock.now())));
    throw new Conflict(messages.oneAtATime(live?.id ?? 0));
  });
  return getConsultation(ctx, actor, id);
}

/** Extends (or otherwise moves the dates of), closes early or cancels a consultation. */
export async function changeConsultation(ctx: Ctx, actor: Viewer, id: number, patch: ConsultationPatch): Promise<ConsultationView> {
  await ctx.db.transaction(async (trx) => {
    const c = await repo.consultationById(trx, id);
    if (!c) throw new NotFound(messages.noConsultation);
    const now = ctx.clock.now();
    const t = now.toISOString();
    const change: ConsultationChange = patch.close ? { kind: 'close' } : patch.cancel ? { kind: 'cancel' } : { kind: 'reschedule', opens_at: patch.opens_at, closes_at: patch.closes_at };
    const verdict = checkChange(c, change, now);
    if (!verdict.ok) throw new Conflict(verdict.reason);
    let update: Parameters<typeof repo.updateConsultation>[2];
    let action: string;
    if (change.kind === 'close') {
      update = { closes_at: t }; // closing early is closes_at = now (design.md §2)
      action = 'consultation.closed';
    } else if (change.kind === 'cancel') {
      update = { cancelled_at: t };
      action = 'consultation.cancelled';
    } else {
      update = {};
      if (patch.opens_at) update.opens_at = patch.opens_at;
      if (patch.closes_at) update.closes_at = patch.closes_at;
      if (patch.instructions !== undefined) update.instructions = patch.instructions;
      action = patch.closes_at && patch.closes_at > c.closes_at ? 'consultation.extended' : 'consultation.changed';
    }
    await repo.updateConsultation(trx, id, update, { ends: change.kind !== 'reschedule' });
    ctx.caches.consultations.forgetConsultation(id);
    await appendAudit(trx, ctx.clock, { actor_id: actor.id, action, subject_type: 'consultation', subject_id: id, data: { before: { opens_at: c.opens_at, closes_at: c.closes_at }, ...update } }, ctx.logger);
  });
  return getConsultation(ctx, actor, id);
}

/** The draft's clauses, when the viewer may read them. */
export async function draftClauses(ctx: Ctx, c: ConsultationView): Promise<ClauseRow[]> {
  return c.draftVisible ? clausesOf(ctx.db, c.version_id) : [];
}

export const clauseCounts = (ctx: Ctx, c: ConsultationView) => repo.countsByClause(ctx.db, c.id);

/**
 * Consultations on the drafts this consultation's draft descends from: their comments can be shown
 * where their clauses are now (`/consultations/{id}/comments?version=n`).
 */
export async function earlierConsultations(ctx: Ctx, viewer: Viewer | null, c: ConsultationView): Promise<ConsultationView[]> {
  const metas = await versionMetas(ctx.db, c.standard_id);
  const byId = new Map(metas.map((m) => [m.id, m]));
  const ancestors = new Set<number>();
  for (let at = byId.get(c.version_id)?.based_on; at && !ancestors.has(at); at = byId.get(at)?.based_on ?? null) ancestors.add(at);
  if (!ancestors.size) return [];
  const now = ctx.clock.now();
  const rows = (await repo.listConsultations(ctx.db)).filter((x) => ancestors.has(x.version_id));
  return rows.map((x) => consultationView(x, viewer, now)).filter((x) => x.draftVisible && x.state !== 'scheduled');
}
