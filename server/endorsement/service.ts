import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import { utcDay } from '../clock.ts';
import type { Viewer } from '../auth/viewer.ts';
import { Conflict, Validation } from '../errors.ts';
import { appendAudit } from '../audit/service.ts';
import * as versions from '../versions/repo.ts';
import type { VersionMeta } from '../versions/repo.ts';
import { ballotsOfVersion } from '../ballots/repo.ts';
import { resolveVersion, settleBallotsOf } from '../ballots/service.ts';
import { canRecordStep, endorsementStatus, nextStep, STEP_NAMES, type Step } from './rules.ts';
import type { StepInput } from './validation.ts';

/**
 * After the Board (issue 12 item 6): the Steering Group's acceptance and the UN endorsement (IACG-MA) are
 * dated steps of an approved version, recorded by the secretariat in that order. The rules are pure
 * (./rules.ts); the dates live on the version (server/versions/repo.ts recordStep).
 */
export const messages = {
  raceLost: 'This step was recorded meanwhile. Reload and check.',
} as const;

export interface StepRecord {
  on: string;
  note: string | null;
}

export interface AfterBoard {
  ref: string;
  n: number;
  label: string;
  state: VersionMeta['state'];
  /** the day the Review Board's ballot closed approved (null for an edition imported as published) */
  approved_on: string | null;
  approving_ballot_id: number | null;
  steering_group: StepRecord | null;
  endorsement: StepRecord | null;
  /** published "with immediate effect, awaiting endorsement", the endorsement not yet recorded */
  awaiting_endorsement: boolean;
  /** the step the secretariat can record next, if any */
  next: Step | null;
}

const AUDIT_ACTIONS: Record<Step, string> = { steering_group: 'version.steering_group_accept', endorsement: 'version.endorse' };

/** The steps after the Board of one version, for its page and the API. */
export async function afterBoard(db: Db, clock: Clock, ref: string, n: number): Promise<AfterBoard> {
  const v = await resolveVersion(db, ref, n);
  await settleBallotsOf(db, clock, v.id);
  const meta = (await versions.versionByN(db, v.standard_id, v.n))!;
  const approving = (await ballotsOfVersion(db, v.id)).reverse().find((b) => b.result === 'approved') ?? null;
  return {
    ref: v.ref,
    n: v.n,
    label: v.label,
    state: meta.state,
    approved_on: approving ? approving.closes_at.slice(0, 10) : null,
    approving_ballot_id: approving?.id ?? null,
    steering_group: meta.sg_accepted_on ? { on: meta.sg_accepted_on, note: meta.sg_note } : null,
    endorsement: meta.endorsed_on ? { on: meta.endorsed_on, note: meta.endorsement_note } : null,
    awaiting_endorsement: endorsementStatus(meta) === 'awaiting',
    next: nextStep(meta),
  };
}

/** Whether a step could be recorded now with this date: the same rule the write applies, for the confirmation page. */
export async function checkStep(db: Db, clock: Clock, ref: string, n: number, input: StepInput): Promise<AfterBoard> {
  const a = await afterBoard(db, clock, ref, n);
  refuse(canRecordStep(input.step, { n: a.n, state: a.state, sg_accepted_on: a.steering_group?.on ?? null, endorsed_on: a.endorsement?.on ?? null }, a.approved_on, input.date, utcDay(clock.now())));
  return a;
}

function refuse(verdict: ReturnType<typeof canRecordStep>): void {
  if (verdict.ok) return;
  if (verdict.kind === 'date') throw new Validation(verdict.reason, { date: verdict.reason });
  throw new Conflict(verdict.reason);
}

/** Records the Steering Group's acceptance or the UN endorsement of an approved version (secretariat). */
export async function recordStep(db: Db, clock: Clock, actor: Viewer, ref: string, n: number, input: StepInput): Promise<AfterBoard> {
  const before = await afterBoard(db, clock, ref, n);
  await db.transaction(async (trx) => {
    const v = (await versions.versionByRef(trx, before.ref, before.n))!;
    const meta = (await versions.versionByN(trx, v.standard_id, v.n))!;
    refuse(canRecordStep(input.step, meta, before.approved_on, input.date, utcDay(clock.now())));
    const note = input.note ?? null;
    if (!(await versions.recordStep(trx, v.id, input.step, input.date, note))) throw new Conflict(messages.raceLost);
    await appendAudit(trx, clock, {
      actor_id: actor.id, action: AUDIT_ACTIONS[input.step], subject_type: 'version', subject_id: v.id,
      data: { ref: v.ref, n: v.n, step: input.step, on: input.date, note, text_sha256: v.sha256, approved_on: before.approved_on, ballot_id: before.approving_ballot_id },
    });
  });
  return afterBoard(db, clock, ref, n);
}

/** "the Steering Group's acceptance" / "the UN endorsement (IACG-MA)". */
export const stepName = (s: Step): string => STEP_NAMES[s];
