/**
 * A ballot's tally as bars against its own thresholds (server/ballots/tally.ts): the votes cast
 * (approve + disapprove) with the rule's lines — two thirds approving and at most one quarter
 * disapproving for the ISO rule, one half for a majority, none for consensus — and the quorum:
 * positions cast (approve, disapprove, abstain) of the electorate after recusals, with its line.
 * Pure: the ballot's figures in, the SVG out.
 */
import type { Rule } from '../ballots/tally.ts';
import { join, picture, tag, text, wordsFrom, type Markup, type Words } from './svg.ts';

export interface TallyInput {
  id: string;
  name: string;
  rule: Rule;
  /** the share of the electorate the quorum asks for, 0–1 */
  quorum: number;
  tally: { approve: number; disapprove: number; abstain: number };
  counts: { electorate: number; positions: number; votes_cast: number; quorum_required: number };
  closed: boolean;
}

export interface Threshold {
  /** where the line is, as a fraction of the bar from its left end */
  at: number;
  label: string;
}

/** The picture's words in English (locales/en/pictures.json `tally` holds the same). */
export const TALLY_WORDS = {
  twoThirds: '⅔ approve',
  quarter: '¼ disapprove',
  rule_iso: 'the ISO rule asks at least two thirds of the votes cast to approve and at most one quarter to disapprove',
  rule_majority: 'the majority rule asks more than one half of the votes cast to approve',
  rule_consensus: 'the consensus rule asks at least one approval and no disapproval',
  votes_one: '{{count}} vote',
  votes_other: '{{count}} votes',
  describe: '{{votes}} cast: {{approve}} approve, {{disapprove}} disapprove; {{rule}}. Quorum: {{positions}} of {{electorate}} organisations have cast a position ({{abstain}} abstaining); {{required}} required.',
  votesCast: 'Votes cast',
  forAgainst: '{{approve}} for, {{disapprove}} against',
  noneYet: 'none yet',
  quorum: 'Quorum',
  quorumLine: 'quorum {{required}}',
  positions: '{{positions}} of {{electorate}}',
  approve: 'approve',
  disapprove: 'disapprove',
  abstain: 'abstain',
  notCast: 'not cast',
  titleResult: 'Result of {{name}} against the {{rule}} rule and the quorum',
  titleLive: 'Live tally of {{name}} against the {{rule}} rule and the quorum',
  /** what the ballot's page names the picture's ballot */
  ballotName: 'ballot {{id}}',
} as const;

const english = wordsFrom(TALLY_WORDS);

/** The rule's lines on the bar of votes cast (approvals from the left, disapprovals from the right). */
export function ruleLines(rule: Rule, w: Words = english): Threshold[] {
  switch (rule) {
    case 'iso':
      return [
        { at: 2 / 3, label: w('twoThirds') },
        // at most a quarter disapproving: the disapprovals, drawn from the right, must stay right of ¾
        { at: 3 / 4, label: w('quarter') },
      ];
    case 'majority':
      return [{ at: 1 / 2, label: '½' }];
    case 'consensus':
      return [];
  }
}

export const WIDTH = 520;
const LEFT = 130;
const BAR = WIDTH - LEFT - 110;
const FILL = { approve: '#1a7f37', disapprove: '#cf222e', abstain: '#9a9a9a', none: '#ffffff' } as const;

function segments(parts: Array<{ kind: keyof typeof FILL; n: number }>, total: number, y: number, h: number): Markup[] {
  const out: Markup[] = [tag('rect', { class: 'bar-frame', x: LEFT, y, width: BAR, height: h, fill: '#ffffff', stroke: '#000', 'stroke-width': 1 })];
  if (total <= 0) return out;
  let x = LEFT;
  for (const p of parts) {
    if (p.n <= 0) continue;
    const w = (p.n / total) * BAR;
    out.push(tag('rect', { class: `seg seg-${p.kind}`, 'data-n': p.n, x, y, width: w, height: h, fill: FILL[p.kind], stroke: '#000', 'stroke-width': 1 }));
    x += w;
  }
  return out;
}

function line(at: number, label: string, y: number, h: number, cls: string, below = false): Markup[] {
  const x = LEFT + at * BAR;
  return [
    // a white halo under the dashes: the line stays visible over a dark bar, on screen and on paper
    tag('line', { x1: x, x2: x, y1: y - 5, y2: y + h + 5, stroke: '#fff', 'stroke-width': 4 }),
    tag('line', { class: cls, 'data-at': at.toFixed(4), x1: x, x2: x, y1: y - 5, y2: y + h + 5, stroke: '#000', 'stroke-width': 2, 'stroke-dasharray': '5 2' }),
    tag('text', { x, y: below ? y + h + 16 : y - 8, 'text-anchor': 'middle', 'font-size': 11, fill: '#000' }, text(label)),
  ];
}

export function describeTally(i: TallyInput, w: Words = english): string {
  const { approve, disapprove, abstain } = i.tally;
  const c = i.counts;
  return w('describe', { votes: w('votes', { count: c.votes_cast }), approve, disapprove, rule: w(`rule_${i.rule}`), positions: c.positions, electorate: c.electorate, abstain, required: c.quorum_required });
}

/** `w`: the words in the reader's language (English by default). */
export function tallySvg(i: TallyInput, w: Words = english): string {
  const { approve, disapprove, abstain } = i.tally;
  const c = i.counts;
  const h = 22;
  const y1 = 28;
  const y2 = 98;
  const body: Markup[] = [];
  // the votes cast, against the rule
  body.push(tag('text', { x: 4, y: y1 + 15, 'font-size': 12, fill: '#000' }, text(w('votesCast'))));
  body.push(...segments([{ kind: 'approve', n: approve }, { kind: 'disapprove', n: disapprove }], c.votes_cast, y1, h));
  for (const t of ruleLines(i.rule, w)) body.push(...line(t.at, t.label, y1, h, 'threshold', t.at === 3 / 4));
  body.push(tag('text', { x: LEFT + BAR + 8, y: y1 + 15, 'font-size': 12, fill: '#000' }, text(c.votes_cast ? w('forAgainst', { approve, disapprove }) : w('noneYet'))));
  // the quorum: positions of the electorate
  body.push(tag('text', { x: 4, y: y2 + 15, 'font-size': 12, fill: '#000' }, text(w('quorum'))));
  body.push(...segments([{ kind: 'approve', n: approve }, { kind: 'disapprove', n: disapprove }, { kind: 'abstain', n: abstain }], c.electorate, y2, h));
  if (c.electorate > 0) body.push(...line(Math.min(1, c.quorum_required / c.electorate), w('quorumLine', { required: c.quorum_required }), y2, h, 'quorum-line'));
  body.push(tag('text', { x: LEFT + BAR + 8, y: y2 + 15, 'font-size': 12, fill: '#000' }, text(w('positions', { positions: c.positions, electorate: c.electorate }))));
  // the legend: the kinds by name, so that the bars read without colour
  const legend: Array<[keyof typeof FILL, string]> = [['approve', w('approve')], ['disapprove', w('disapprove')], ['abstain', w('abstain')], ['none', w('notCast')]];
  legend.forEach(([k, name], n) => {
    const x = LEFT + n * 95;
    body.push(tag('rect', { class: `seg-${k}`, x, y: 140, width: 12, height: 12, fill: FILL[k], stroke: '#000', 'stroke-width': 1 }));
    body.push(tag('text', { x: x + 16, y: 150, 'font-size': 11, fill: '#000' }, text(name)));
  });
  return picture(
    { id: i.id, title: w(i.closed ? 'titleResult' : 'titleLive', { name: i.name, rule: i.rule }), desc: describeTally(i, w), width: WIDTH, height: 160, className: 'tally-picture', linked: false },
    join(body),
  );
}
