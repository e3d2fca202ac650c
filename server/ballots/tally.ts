/**
 * The count of a Review Board ballot (design.md §4). Pure: votes in, tally, result and what is still
 * needed out. All comparisons are made in integers so that "exactly two thirds" and "exactly one
 * quarter" fall on the right side.
 */
export type Result = 'approved' | 'rejected' | 'no_quorum';

export const RULES = ['iso', 'majority', 'consensus'] as const;
export const POSITIONS = ['approve', 'disapprove', 'abstain', 'recuse'] as const;
export type Rule = (typeof RULES)[number];
export type Position = (typeof POSITIONS)[number];

/** Quorum fractions are kept to this many parts (4 decimal places), so 0.7 × 10 is exactly 7. */
const PARTS = 10_000;
export const quorumParts = (quorum: number): number => Math.round(quorum * PARTS);

/** `organisation`: the organisation's key in the electorate (its id). */
export interface TallyVote<K = string | number> {
  organisation: K;
  position: Position;
  /** cast on the version now under ballot; an outdated vote (cast before a move) is shown, not counted */
  current: boolean;
}

export interface Tally {
  approve: number;
  disapprove: number;
  abstain: number;
  recuse: number;
  /** organisations of the electorate with no vote (an outdated vote is counted under outdated) */
  not_voted: number;
  outdated: number;
}

export interface Count {
  tally: Tally;
  /** the electorate less recused organisations */
  electorate: number;
  /** approve + disapprove + abstain: what the quorum counts */
  positions: number;
  /** approve + disapprove: what the rules count */
  votes_cast: number;
  quorum_required: number;
  quorum_met: boolean;
  rule_met: boolean;
  result: Result;
}

export interface Needed {
  /** more positions (approve, disapprove or abstain) needed for the quorum */
  quorum: number;
  /** more approvals that would carry the rule with nothing else changing; null when they cannot */
  approvals: number | null;
  messages: string[];
}

/** Whether approvals a and disapprovals d pass the rule. Votes cast = a + d. */
export function passes(rule: Rule, a: number, d: number): boolean {
  switch (rule) {
    case 'iso': {
      const cast = a + d;
      // ≥ 2/3 of votes cast approve and ≤ 1/4 disapprove; with no vote cast nothing was approved.
      return cast > 0 && 3 * a >= 2 * cast && 4 * d <= cast;
    }
    case 'majority':
      return a > d;
    case 'consensus':
      return a >= 1 && d === 0;
  }
}

/** How many positions the quorum requires of an electorate of n: the least k with k ≥ quorum × n. */
export function quorumRequired(quorum: number, n: number): number {
  return Math.ceil((quorumParts(quorum) * n) / PARTS);
}

/** Counts the votes of an electorate (organisation ids, or any key); votes of others are ignored. */
export function count<K extends string | number>(electorate: readonly K[], votes: readonly TallyVote<K>[], rule: Rule, quorum: number): Count {
  const members = new Set<K>(electorate);
  const tally: Tally = { approve: 0, disapprove: 0, abstain: 0, recuse: 0, not_voted: 0, outdated: 0 };
  const seen = new Set<K>();
  for (const v of votes) {
    if (!members.has(v.organisation) || seen.has(v.organisation)) continue;
    seen.add(v.organisation);
    if (v.current) tally[v.position]++;
    else tally.outdated++;
  }
  tally.not_voted = members.size - seen.size;
  // Recused organisations leave the electorate.
  const n = members.size - tally.recuse;
  const positions = tally.approve + tally.disapprove + tally.abstain;
  const required = quorumRequired(quorum, n);
  const quorumMet = positions * PARTS >= quorumParts(quorum) * n;
  const ruleMet = passes(rule, tally.approve, tally.disapprove);
  return {
    tally,
    electorate: n,
    positions,
    votes_cast: tally.approve + tally.disapprove,
    quorum_required: required,
    quorum_met: quorumMet,
    rule_met: ruleMet,
    result: !quorumMet ? 'no_quorum' : ruleMet ? 'approved' : 'rejected',
  };
}

const plural = (n: number, one: string, many: string) => `${n} more ${n === 1 ? one : many}`;

/**
 * What an open ballot still needs to be approved, if nothing already cast changes: more positions
 * for the quorum, and more approvals from those who have not voted (or whose vote is outdated).
 */
export function needed(c: Count, rule: Rule): Needed {
  const open = c.tally.not_voted + c.tally.outdated;
  const quorum = Math.max(0, c.quorum_required - c.positions);
  let approvals: number | null = null;
  for (let k = 0; k <= open; k++) {
    if (passes(rule, c.tally.approve + k, c.tally.disapprove)) {
      approvals = k;
      break;
    }
  }
  const messages: string[] = [];
  // With everyone voted there are no "votes still to come": only a changed vote can carry it.
  if (approvals === null) messages.push(open > 0 ? `cannot be approved under the ${rule} rule with the votes still to come, unless votes change` : `cannot be approved under the ${rule} rule: everyone has voted; only a changed vote can carry it`);
  else if (approvals > 0) messages.push(`needs ${plural(approvals, 'approval', 'approvals')}`);
  else messages.push(`the ${rule} rule is met`);
  messages.push(`quorum: ${c.positions} of ${c.electorate} have voted${quorum > 0 ? `, ${quorum} more needed (${c.quorum_required} required)` : ' (met)'}`);
  return { quorum, approvals, messages };
}

/** One test of a rule, stated with its figures: "approve 4 of 5 votes cast = 80 % ≥ 66.7 %". */
export interface Test {
  text: string;
  met: boolean;
}

export interface Explanation {
  /** the rule in words, e.g. "at least two thirds of the votes cast approve, at most one quarter disapprove" */
  rule: string;
  /** each test of the rule, in order */
  tests: Test[];
  rule_met: boolean;
  /** the share of the electorate the quorum asks for, e.g. "50 %" */
  quorum_share: string;
  quorum: Test;
}

export const RULE_WORDING: Record<Rule, string> = {
  iso: 'at least two thirds of the votes cast (approve + disapprove) approve, and at most one quarter disapprove',
  majority: 'more approvals than disapprovals',
  consensus: 'at least one approval and no disapproval',
};

/** The sign of n/d − p/q in integers (d, q > 0), so that equality is exact. */
const cmp = (n: number, d: number, p: number, q: number) => Math.sign(n * q - p * d);

/** A percentage with the fewest decimals (0 to 2) that keeps its comparison with the threshold honest. */
function percents(n: number, d: number, p: number, q: number): [string, string] {
  const exact = cmp(n, d, p, q);
  // a no-break space: "20 %" never splits across lines on a phone
  const fmt = (x: number, k: number) => `${Number((100 * x).toFixed(k))}\u00a0%`;
  const thr = (k: number) => fmt(p / q, Math.max(k, 1));
  for (let k = 0; k <= 2; k++) {
    const shown = Number((100 * (n / d)).toFixed(k));
    const shownThr = Number((100 * (p / q)).toFixed(Math.max(k, 1)));
    if (Math.sign(shown - shownThr) === exact) return [fmt(n / d, k), thr(k)];
  }
  return [fmt(n / d, 4), thr(4)];
}

/** "x of n = 80 % ≥ 66.7 %": `atLeast` for a lower bound (≥ / <), otherwise an upper bound (≤ / >). */
function share(what: string, x: number, n: number, of: string, p: number, q: number, atLeast: boolean): Test {
  const c = cmp(x, n, p, q);
  const met = atLeast ? c >= 0 : c <= 0;
  const [got, needed] = percents(x, n, p, q);
  const sign = atLeast ? (met ? '≥' : '<') : met ? '≤' : '>';
  return { text: `${what} ${x} of ${n}${of ? ` ${of}` : ''} = ${got} ${sign} ${needed}`, met };
}

/**
 * The rule and the quorum of a ballot stated with its figures, for the page (design.md §4): the same
 * integer comparisons as count(), so the words never disagree with the result.
 */
export function explain(c: { approve: number; disapprove: number; positions: number; electorate: number }, rule: Rule, quorum: number): Explanation {
  const { approve: a, disapprove: d } = c;
  const cast = a + d;
  let tests: Test[];
  switch (rule) {
    case 'iso':
      tests =
        cast === 0
          ? [{ text: 'no votes cast (approve + disapprove = 0): nothing is approved', met: false }]
          : [share('approve', a, cast, 'votes cast', 2, 3, true), share('disapprove', d, cast, '', 1, 4, false)];
      break;
    case 'majority':
      tests = [{ text: `approve ${a} ${a > d ? '>' : '≤'} disapprove ${d}`, met: a > d }];
      break;
    case 'consensus':
      tests = [
        { text: `approve ${a} ${a >= 1 ? '≥' : '<'} 1`, met: a >= 1 },
        { text: `disapprove ${d} ${d === 0 ? '=' : '>'} 0`, met: d === 0 },
      ];
      break;
  }
  const parts = quorumParts(quorum);
  const q =
    c.electorate === 0
      ? { text: `cast ${c.positions} of an electorate of 0 (everyone recused)`, met: true }
      : share('cast', c.positions, c.electorate, '', parts, PARTS, true);
  return { rule: RULE_WORDING[rule], tests, rule_met: passes(rule, a, d), quorum_share: `${Number(((100 * parts) / PARTS).toFixed(2))}\u00a0%`, quorum: q };
}
