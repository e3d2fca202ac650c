/**
 * After the Board (issue 12 item 6; domain.md §1 "Acceptance by RB → SG → UN endorsement (IACG-MA)"): the
 * Steering Group accepts what the Review Board approved, then the UN endorses it. Pure rules, each
 * answering {ok, reason} and whether the fault is the state (409) or the date given (422).
 */
export type Step = 'steering_group' | 'endorsement';
export const STEPS = ['steering_group', 'endorsement'] as const satisfies readonly Step[];

export const STEP_NAMES: Record<Step, string> = {
  steering_group: "the Steering Group's acceptance",
  endorsement: 'the UN endorsement (IACG-MA)',
};

export interface StepsLike {
  n: number;
  state: 'draft' | 'approved' | 'rejected' | 'published';
  sg_accepted_on: string | null;
  endorsed_on: string | null;
}

export type StepVerdict = { ok: true } | { ok: false; reason: string; kind: 'state' | 'date' };

const state = (reason: string): StepVerdict => ({ ok: false, reason, kind: 'state' });
const date = (reason: string): StepVerdict => ({ ok: false, reason, kind: 'date' });

/**
 * Whether `step` may be recorded on `on` (a valid UTC day): only after the Board's approval (`approvedOn`,
 * the day its ballot closed approved; null for an edition imported as published, approved before this
 * system), once, in order — the Steering Group before the endorsement — and never in the future.
 */
export function canRecordStep(step: Step, v: StepsLike, approvedOn: string | null, on: string, today: string): StepVerdict {
  if (v.state !== 'approved' && v.state !== 'published') return state(`Version ${v.n} is ${v.state}: only what the Review Board approved goes to the Steering Group and the UN.`);
  const recorded = step === 'steering_group' ? v.sg_accepted_on : v.endorsed_on;
  if (recorded) return state(`${capital(STEP_NAMES[step])} of version ${v.n} is already recorded, on ${recorded}.`);
  if (step === 'endorsement' && !v.sg_accepted_on) return state(`Record the Steering Group's acceptance first: agreed texts go through the Steering Group to the UN for endorsement.`);
  if (on > today) return date(`The date cannot be in the future (today is ${today}).`);
  if (approvedOn && on < approvedOn) return date(`The date cannot be before the Review Board approved version ${v.n}, on ${approvedOn}.`);
  if (step === 'endorsement' && v.sg_accepted_on && on < v.sg_accepted_on) return date(`The endorsement cannot be dated before the Steering Group's acceptance, on ${v.sg_accepted_on}.`);
  return { ok: true };
}

/** The step that comes next for a version, or null when both are recorded or it is not approved. */
export function nextStep(v: StepsLike): Step | null {
  if (v.state !== 'approved' && v.state !== 'published') return null;
  if (!v.sg_accepted_on) return 'steering_group';
  if (!v.endorsed_on) return 'endorsement';
  return null;
}

export { endorsementStatus } from '../versions/endorsement.ts';

const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);
