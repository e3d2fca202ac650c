/**
 * The catalogue's picture: each document's age since its last edition or amendment against its review
 * period (config.reviewYears; the rule is server/mywork/review.ts), overdue ones marked by a solid
 * bar and the word, due ones by the word. One row per document, each a link to it. Pure: the rows
 * and today in, the SVG out.
 */
import { reviewStatus, type ReviewStatus } from '../mywork/review.ts';
import { dayNumber, link, picture, tag, text, wordsFrom, type Markup, type Words } from './svg.ts';

export interface AgeRow {
  /** "IMAS 07.11" */
  label: string;
  href: string;
  /** the day of its last edition or amendment (YYYY-MM-DD), or null when nothing is published */
  lastEdition: string | null;
  /** its review period in years */
  years: number;
}

export interface AgeInput {
  id: string;
  /** the group, e.g. "07 Management of mine action programmes" */
  name: string;
  rows: AgeRow[];
  /** YYYY-MM-DD */
  today: string;
}

export const WIDTH = 560;
const LEFT = 136;
const RIGHT = 90;
const ROW = 18;
const TOP = 4;

export interface AgeFigure {
  row: AgeRow;
  /** age in years (fractional); null without an edition */
  age: number | null;
  status: ReviewStatus | null;
}

export const ageYears = (from: string, today: string): number => Math.max(0, (dayNumber(today) - dayNumber(from)) / 365.2425);

export function figures(i: AgeInput): AgeFigure[] {
  return i.rows.map((row) => ({
    row,
    age: row.lastEdition ? ageYears(row.lastEdition, i.today) : null,
    status: row.lastEdition ? reviewStatus(row.lastEdition, row.years, i.today)?.status ?? null : null,
  }));
}

/** The picture's words in English (locales/en/pictures.json `age` holds the same). */
export const AGE_WORDS = {
  years: '{{years}} years',
  nothingPublished: 'nothing published',
  rowNothing: '{{label}}: nothing published',
  row_one: '{{label}}: {{age}} since its last edition or amendment, review every {{count}} year',
  row_other: '{{label}}: {{age}} since its last edition or amendment, review every {{count}} years',
  rowOverdue_one: '{{label}}: {{age}} since its last edition or amendment, review every {{count}} year, overdue',
  rowOverdue_other: '{{label}}: {{age}} since its last edition or amendment, review every {{count}} years, overdue',
  rowDue_one: '{{label}}: {{age}} since its last edition or amendment, review every {{count}} year, due',
  rowDue_other: '{{label}}: {{age}} since its last edition or amendment, review every {{count}} years, due',
  describe: 'As of {{today}}. {{rows}}.',
  separator: '; ',
  overdue: 'overdue',
  reviewDue: 'review due',
  link: '{{label}}: {{age}} (review every {{period}})',
  linkOverdue: '{{label}}: {{age}} (review every {{period}}), overdue',
  title: 'Age of the documents of {{name}} against their review period',
} as const;

const english = wordsFrom(AGE_WORDS);

const fmt = (y: number, w: Words) => w('years', { years: y.toFixed(1) });

export function describeAges(i: AgeInput, w: Words = english): string {
  const parts = figures(i).map((f) =>
    f.age === null ? w('rowNothing', { label: f.row.label })
      : w(f.status === 'overdue' ? 'rowOverdue' : f.status === 'due' ? 'rowDue' : 'row', { label: f.row.label, age: fmt(f.age, w), count: f.row.years }));
  return w('describe', { today: i.today, rows: parts.join(w('separator')) });
}

/** `w`: the words in the reader's language (English by default). */
export function ageSvg(i: AgeInput, w: Words = english): string {
  const figs = figures(i);
  // the scale: whole years, wide enough for the oldest document and the longest period
  const span = Math.max(1, Math.ceil(Math.max(...figs.map((f) => Math.max(f.age ?? 0, f.row.years)))));
  const x = (years: number) => LEFT + (Math.min(years, span) / span) * (WIDTH - LEFT - RIGHT);
  const height = TOP + figs.length * ROW + 18;
  const body: Markup[] = [];
  const step = span > 20 ? 5 : span > 10 ? 2 : 1;
  for (let y = 0; y <= span; y += step) {
    body.push(tag('line', { x1: x(y), x2: x(y), y1: TOP, y2: TOP + figs.length * ROW, stroke: '#e0e0e0' }));
    body.push(tag('text', { x: x(y), y: height - 4, 'text-anchor': 'middle', 'font-size': 10 }, text(y === span ? w('years', { years: y }) : y)));
  }
  figs.forEach((f, n) => {
    const y = TOP + n * ROW;
    const marks: Markup[] = [tag('text', { x: 2, y: y + 13 }, text(f.row.label))];
    if (f.age === null) {
      marks.push(tag('text', { x: LEFT, y: y + 13, fill: '#555' }, text(w('nothingPublished'))));
    } else {
      const overdue = f.status === 'overdue';
      marks.push(tag('rect', { class: `age age-${f.status ?? 'ok'}`, 'data-age': f.age.toFixed(2), x: LEFT, y: y + 4, width: Math.max(1, x(f.age) - LEFT), height: ROW - 8, fill: overdue ? '#b3261e' : f.status === 'due' ? '#e0a030' : '#7a9cc6', stroke: '#000', 'stroke-width': overdue ? 1.5 : 0.5 }));
      // the review period: the line the bar may not pass
      marks.push(tag('line', { class: 'period', 'data-years': f.row.years, x1: x(f.row.years), x2: x(f.row.years), y1: y + 1, y2: y + ROW - 1, stroke: '#000', 'stroke-width': 2 }));
      if (f.status) marks.push(tag('text', { class: `status status-${f.status}`, x: WIDTH - RIGHT + 6, y: y + 13, 'font-weight': overdue ? 700 : false }, text(overdue ? w('overdue') : w('reviewDue'))));
    }
    body.push(link(f.row.href, f.age === null ? w('rowNothing', { label: f.row.label }) : w(f.status === 'overdue' ? 'linkOverdue' : 'link', { label: f.row.label, age: fmt(f.age, w), period: f.row.years }), ...marks));
  });
  return picture(
    { id: i.id, title: w('title', { name: i.name }), desc: describeAges(i, w), width: WIDTH, height, className: 'age-chart', linked: true },
    // what the texts share is said once
    tag('g', { 'font-size': 11, fill: '#000' }, ...body),
  );
}
