/**
 * A standard's life on one time axis: editions and amendments, drafts, consultations and ballots, each
 * mark a link to its page, and today. Pure: the marks in, the SVG out. Kinds differ by shape and lane,
 * not only by colour, so the printed page reads in black and white.
 */
import { dayNumber, join, link, picture, tag, text, wordsFrom, type Markup, type Words } from './svg.ts';

export type MarkKind = 'edition' | 'amendment' | 'draft' | 'consultation' | 'ballot';

export interface TimelineMark {
  kind: MarkKind;
  /** what the mark is called: "Edition 2", "Consultation C-3 on version 4" */
  label: string;
  /** a UTC day (YYYY-MM-DD) or time (ISO 8601) */
  start: string;
  /** for consultations and ballots: when the window closes */
  end?: string | null;
  /** its page; null for the page being read (a page never links to itself): drawn heavier instead */
  href: string | null;
}

export interface TimelineInput {
  id: string;
  /** the standard's designation, e.g. "IMAS 07.11" */
  name: string;
  marks: TimelineMark[];
  /** YYYY-MM-DD */
  today: string;
}

/** The picture's words in English (locales/en/pictures.json `timeline` holds the same). */
export const TIMELINE_WORDS = {
  editions: 'Editions',
  drafts: 'Drafts',
  consultations: 'Consultations',
  ballots: 'Ballots',
  edition: 'edition',
  amendment: 'amendment',
  draft: 'draft',
  consultation: 'consultation',
  ballot: 'ballot',
  nothing: 'Nothing of {{name}} is dated yet.',
  mark: '{{label}} ({{kind}}, {{date}})',
  markRange: '{{label}} ({{kind}}, {{from}} to {{to}})',
  describe: 'In date order: {{marks}}. Today is {{today}}.',
  separator: '; ',
  name: '{{label}}: {{date}}',
  nameRange: '{{label}}: {{from}} to {{to}}',
  thisPage: '{{name}} (this page)',
  today: 'today',
  title: 'Timeline of {{name}}',
} as const;

const english = wordsFrom(TIMELINE_WORDS);

const LANES: Array<{ name: 'editions' | 'drafts' | 'consultations' | 'ballots'; kinds: MarkKind[] }> = [
  { name: 'editions', kinds: ['edition', 'amendment'] },
  { name: 'drafts', kinds: ['draft'] },
  { name: 'consultations', kinds: ['consultation'] },
  { name: 'ballots', kinds: ['ballot'] },
];

export const WIDTH = 720;
const LEFT = 110;
const RIGHT = 16;
const TOP = 16;
const LANE = 28;
const AXIS = 26;

const shortDay = (d: string) => d.slice(0, 10);

/** The x of each day: the axis runs from a little before the first mark to a little after today or the last one. */
export function axis(marks: readonly TimelineMark[], today: string): { from: number; to: number; x: (day: string) => number } {
  const points = [dayNumber(today), ...marks.flatMap((m) => [dayNumber(m.start), ...(m.end ? [dayNumber(m.end)] : [])])];
  let from = Math.min(...points);
  let to = Math.max(...points);
  // at least a year shown, and a margin either side so the first and last marks are not on the edge
  if (to - from < 365) from = to - 365;
  const pad = (to - from) * 0.03;
  from -= pad;
  to += pad;
  const x = (day: string) => LEFT + ((dayNumber(day) - from) / (to - from)) * (WIDTH - LEFT - RIGHT);
  return { from, to, x };
}

const yearOf = (days: number) => new Date(days * 86_400_000).getUTCFullYear();

function ticks(from: number, to: number, x: (day: string) => number, y: number): Markup[] {
  const first = yearOf(from) + 1;
  const last = yearOf(to);
  const span = last - first + 1;
  const step = span > 40 ? 10 : span > 20 ? 5 : span > 10 ? 2 : 1;
  const out: Markup[] = [];
  for (let year = Math.ceil(first / step) * step; year <= last; year += step) {
    const at = x(`${year}-01-01`);
    out.push(tag('line', { class: 'tick', x1: at, x2: at, y1: TOP, y2: y + 4, stroke: '#c8c8c8', 'stroke-width': 1 }));
    out.push(tag('text', { x: at, y: y + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#333' }, text(year)));
  }
  return out;
}

function shape(m: TimelineMark, x: (day: string) => number, cy: number): Markup {
  const cls = `mark mark-${m.kind}`;
  const x0 = x(m.start);
  switch (m.kind) {
    case 'edition':
      return tag('circle', { class: cls, cx: x0, cy, r: 7, fill: '#1f5f99', stroke: '#000', 'stroke-width': 1 });
    case 'amendment':
      return tag('path', { class: cls, d: `M${x0.toFixed(2)} ${cy - 7}l7 7l-7 7l-7 -7z`, fill: '#ffffff', stroke: '#1f5f99', 'stroke-width': 2 });
    case 'draft':
      return tag('rect', { class: cls, x: x0 - 5, y: cy - 5, width: 10, height: 10, fill: '#ffffff', stroke: '#8a5a00', 'stroke-width': 2 });
    default: {
      const x1 = Math.max(x(m.end ?? m.start), x0 + 6);
      const fill = m.kind === 'consultation' ? '#f0c36d' : '#7a9cc6';
      return tag('rect', { class: cls, x: x0, y: cy - 7, width: x1 - x0, height: 14, fill, stroke: '#000', 'stroke-width': 1 });
    }
  }
}

/** The text alternative: every mark in date order, with its dates. */
export function describe(input: TimelineInput, w: Words = english): string {
  const sorted = [...input.marks].sort((a, b) => a.start.localeCompare(b.start));
  if (!sorted.length) return w('nothing', { name: input.name });
  const parts = sorted.map((m) =>
    m.end ? w('markRange', { label: m.label, kind: w(m.kind), from: shortDay(m.start), to: shortDay(m.end) }) : w('mark', { label: m.label, kind: w(m.kind), date: shortDay(m.start) }));
  return w('describe', { marks: parts.join(w('separator')), today: input.today });
}

/** `w`: the words in the reader's language (English by default). */
export function timelineSvg(input: TimelineInput, w: Words = english): string {
  const lanes = LANES.filter((l) => input.marks.some((m) => l.kinds.includes(m.kind)));
  const height = TOP + Math.max(1, lanes.length) * LANE + AXIS;
  const axisY = TOP + Math.max(1, lanes.length) * LANE;
  const { from, to, x } = axis(input.marks, input.today);
  const body: Markup[] = [...ticks(from, to, x, axisY)];
  body.push(tag('line', { class: 'axis', x1: LEFT, x2: WIDTH - RIGHT, y1: axisY, y2: axisY, stroke: '#000', 'stroke-width': 1 }));
  lanes.forEach((lane, i) => {
    const cy = TOP + i * LANE + LANE / 2;
    body.push(tag('text', { class: 'lane', x: 4, y: cy + 4, 'font-size': 12, fill: '#000' }, text(w(lane.name))));
    body.push(tag('line', { x1: LEFT, x2: WIDTH - RIGHT, y1: cy, y2: cy, stroke: '#e2e2e2', 'stroke-width': 1 }));
    // date order: later marks are drawn over earlier ones, and read in that order
    const marks = input.marks.filter((m) => lane.kinds.includes(m.kind)).sort((a, b) => a.start.localeCompare(b.start));
    for (const m of marks) {
      const name = m.end ? w('nameRange', { label: m.label, from: shortDay(m.start), to: shortDay(m.end) }) : w('name', { label: m.label, date: shortDay(m.start) });
      body.push(m.href ? link(m.href, name, shape(m, x, cy)) : tag('g', { class: 'here' }, tag('title', {}, text(w('thisPage', { name }))), shape(m, x, cy)));
    }
  });
  const now = x(input.today);
  body.push(tag('line', { class: 'today', x1: now, x2: now, y1: TOP - 3, y2: axisY, stroke: '#b00020', 'stroke-width': 1.5, 'stroke-dasharray': '4 3' }));
  // above the lanes, so that it never covers a mark
  body.push(tag('text', { class: 'today-label', x: now, y: TOP - 5, 'text-anchor': now > WIDTH - RIGHT - 20 ? 'end' : 'middle', 'font-size': 10, fill: '#b00020' }, text(w('today'))));
  return picture(
    { id: input.id, title: w('title', { name: input.name }), desc: describe(input, w), width: WIDTH, height, className: 'timeline', linked: true },
    join(body),
  );
}
