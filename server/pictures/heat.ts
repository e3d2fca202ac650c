/**
 * Comments per clause as a heat strip along the document: one band per clause in the order of the
 * text, its width the clause's share of the text, its shade the number of comments, each band a link
 * to the clause. Pure: the clauses with their counts in, the SVG out. The shade is one colour at an
 * opacity, so in print (black) it is a grey scale.
 */
import { join, link, picture, tag, text, type Markup, wordsFrom, type Words } from './svg.ts';
import type { Clause } from '../versions/clause.ts';
import { clauseNumber } from '../versions/parse.ts';

export interface HeatBand {
  /** how the clause reads: "4.2 Marking" */
  label: string;
  count: number;
  /** the clause's length (characters or words): its share of the strip */
  weight: number;
  href: string;
  /** a top-level clause: its number is written under the strip when there is room */
  major?: boolean;
  /** the number written under the strip, e.g. "4" */
  short?: string;
}

export interface HeatInput {
  id: string;
  /** what is commented, e.g. "IMAS 07.11 version 4" */
  name: string;
  bands: HeatBand[];
  /** general comments (on no clause): said in words, not drawn */
  general?: number;
}

/**
 * The bands of a version's clauses, in document order: counts by clause key (comments follow a clause
 * by its key, as the consultation's page does), links made by `href` from the clause's ref.
 */
export function clauseBands(clauses: readonly Pick<Clause, 'ref' | 'heading' | 'text' | 'depth' | 'key'>[], counts: ReadonlyMap<string, number>, href: (ref: string) => string): HeatBand[] {
  return clauses.map((c) => {
    const n = clauseNumber(c.ref);
    return { label: n ? `${n} ${c.heading}` : c.heading, count: counts.get(c.key) ?? 0, weight: c.heading.length + c.text.length, href: href(c.ref), major: c.depth === 1, short: n || c.heading.slice(0, 3) };
  });
}

export const WIDTH = 720;
const STRIP_Y = 6;
const STRIP_H = 30;

/** Each band's x and width: proportional to its weight, with a floor so a short clause stays clickable. */
export function layout(bands: readonly Pick<HeatBand, 'weight'>[]): Array<{ x: number; w: number }> {
  if (!bands.length) return [];
  const raw = bands.map((b) => Math.max(0, b.weight));
  const sum = raw.reduce((a, b) => a + b, 0) || bands.length;
  const floor = sum / bands.length / 4;
  const weights = raw.map((w) => (sum === bands.length && w === 0 ? 1 : Math.max(w, floor)));
  const total = weights.reduce((a, b) => a + b, 0);
  let x = 0;
  return weights.map((w) => {
    const width = (w / total) * WIDTH;
    const out = { x, w: width };
    x += width;
    return out;
  });
}

/** The picture's words in English (locales/en/pictures.json `heat` holds the same). */
export const HEAT_WORDS = {
  comments_one: '{{count}} comment',
  comments_other: '{{count}} comments',
  clauses_one: '{{count}} clause',
  clauses_other: '{{count}} clauses',
  generalComments_one: '{{count}} general comment',
  generalComments_other: '{{count}} general comments',
  none: 'No comment on any of the {{clauses}} of {{name}}.',
  noneGeneral: 'No comment on any of the {{clauses}} of {{name}}, and {{general}}.',
  describe: '{{comments}} on {{clauses}} of {{total}}. Most commented: {{list}}.',
  describeGeneral: '{{comments}} on {{clauses}} of {{total}}, and {{general}}. Most commented: {{list}}.',
  item: '{{label}} ({{count}})',
  separator: '; ',
  band: '{{label}}: {{comments}}',
  legend: 'darker: more comments (most on one clause: {{max}})',
  legendNone: 'no comments yet',
  title: 'Comments per clause along {{name}}',
  /** what the diff page names the picture's version: "IMAS 07.11 Draft Edition 3 for consultation (consultation C-1)" */
  name: '{{designation}} {{label}} (consultation C-{{id}})',
} as const;

const english = wordsFrom(HEAT_WORDS);

export function describeHeat(i: HeatInput, w: Words = english): string {
  const total = i.bands.reduce((a, b) => a + b.count, 0);
  const commented = i.bands.filter((b) => b.count > 0).sort((a, b) => b.count - a.count);
  const general = i.general ? w('generalComments', { count: i.general }) : '';
  if (!commented.length) return w(general ? 'noneGeneral' : 'none', { clauses: w('clauses', { count: i.bands.length }), name: i.name, general });
  const list = commented.map((b) => w('item', { label: b.label, count: b.count })).join(w('separator'));
  return w(general ? 'describeGeneral' : 'describe', { comments: w('comments', { count: total }), clauses: w('clauses', { count: commented.length }), total: i.bands.length, general, list });
}

/** `w`: the words in the reader's language (English by default). */
export function heatSvg(i: HeatInput, w: Words = english): string {
  const max = Math.max(0, ...i.bands.map((b) => b.count));
  const boxes = layout(i.bands);
  const body: Markup[] = [];
  body.push(tag('rect', { class: 'strip-frame', x: 0, y: STRIP_Y, width: WIDTH, height: STRIP_H, fill: '#ffffff', stroke: '#000', 'stroke-width': 1 }));
  let lastLabel = -Infinity;
  const bands: Markup[] = [];
  const labels: Markup[] = [];
  i.bands.forEach((b, n) => {
    const { x, w: bandWidth } = boxes[n]!;
    // at least a faint shade for one comment, full for the most commented clause
    const opacity = b.count > 0 && max > 0 ? 0.15 + 0.85 * (b.count / max) : 0;
    bands.push(link(b.href, w('band', { label: b.label, comments: w('comments', { count: b.count }) }),
      tag('rect', { class: b.count ? 'band band-hot' : 'band', 'data-count': b.count, x, y: STRIP_Y, width: bandWidth, height: STRIP_H, fill: b.count ? '#b3261e' : '#fff', 'fill-opacity': b.count ? opacity.toFixed(2) : false })));
    // room for the number: not over the previous one, not past the right edge
    if (b.major && b.short && x - lastLabel >= 26 && x + 7 * b.short.length <= WIDTH) {
      labels.push(tag('text', { x: x + 2, y: STRIP_Y + STRIP_H + 13 }, text(b.short)));
      lastLabel = x;
    }
  });
  // what all bands and labels share is said once, on their group
  body.push(tag('g', { stroke: '#8c8c8c', 'stroke-width': 0.5 }, ...bands));
  body.push(tag('g', { 'font-size': 11, fill: '#000' }, ...labels));
  body.push(tag('text', { x: WIDTH, y: STRIP_Y + STRIP_H + 28, 'text-anchor': 'end', 'font-size': 11, fill: '#333' }, text(max ? w('legend', { max }) : w('legendNone'))));
  return picture(
    { id: i.id, title: w('title', { name: i.name }), desc: describeHeat(i, w), width: WIDTH, height: STRIP_Y + STRIP_H + 34, className: 'heat-strip', linked: true },
    join(body),
  );
}
