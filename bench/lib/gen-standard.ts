/**
 * Deterministic IMAS-like standards for the benchmarks: numbered clauses (`# 4 …`, `## 4.2 …`,
 * `### 4.2.1 …`) whose bodies are sentences with requirement verbs and numbers with units, and an edited
 * copy of a standard the way a revision edits one (about 3 % of sentences reworded, clauses inserted,
 * deleted, moved, split and merged, a new section that renumbers all that follow).
 *
 *   generatePair(words, seed) → { from: Standard, to: Standard }   both as Markdown and as Clause[]
 */
import type { Clause } from '../../server/versions/clause.ts';

export interface Standard {
  markdown: string;
  clauses: Clause[];
  words: number;
}

/** A clause before numbering: numbers come from its place in the tree when rendered. */
interface Node {
  key: string;
  heading: string;
  paragraphs: string[][]; // sentences
  children: Node[];
}

/** mulberry32: small, fast, and the same sequence on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = ReturnType<typeof rng>;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

const SUBJECTS = ['The national mine action authority', 'Each clearance organisation', 'The survey team leader', 'The quality management team', 'Every deminer', 'The operations officer', 'The site supervisor', 'The medical support team', 'The data manager', 'The accredited organisation', 'The community liaison officer', 'The explosive ordnance disposal team'];
const VERBS = ['shall', 'shall not', 'should', 'should not', 'may', 'must', 'can'];
const ACTIONS = ['record', 'mark', 'inspect', 'verify', 'report', 'survey', 'clear', 'review', 'document', 'approve', 'sample', 'monitor', 'check', 'hand over', 'fence', 'photograph'];
const OBJECTS = ['the boundary of the hazardous area', 'each confirmed hazardous area', 'all cleared land', 'the reference points', 'the technical survey findings', 'the clearance records', 'the safety distances', 'every demolition site', 'the marking system', 'the handover documents', 'the evidence points', 'the access lanes', 'the medical evacuation plan', 'the detector test results'];
const QUALIFIERS: ((r: Rand) => string)[] = [
  (r) => `within ${int(r, 1, 60) * 5} m of the nearest road`,
  (r) => `at least ${int(r, 1, 30)} days before the task starts`,
  (r) => `to a depth of ${int(r, 5, 40) * 5} cm`,
  (r) => `every ${int(r, 2, 24)} hours while work continues`,
  (r) => `for not less than ${int(r, 2, 15)} years`,
  (r) => `when more than ${int(r, 1, 20) * 5} % of the area is affected`,
  (r) => `using charges of no more than ${int(r, 1, 20) / 2} kg`,
  (r) => `in accordance with the national standards`,
  (r) => `before the land is released to the community`,
  (r) => `after consultation with the local authorities`,
  (r) => `as described in clause ${int(r, 3, 9)}.${int(r, 1, 6)}`,
  (r) => `in a form that can be audited`,
];
const TOPICS = ['General', 'Marking', 'Records', 'Survey', 'Clearance', 'Quality management', 'Safety distances', 'Medical support', 'Handover', 'Training', 'Equipment', 'Reporting', 'Sampling', 'Inspection', 'Demolition', 'Community liaison', 'Accreditation', 'Monitoring'];

function sentence(r: Rand): string {
  const q = pick(r, QUALIFIERS)(r);
  return `${pick(r, SUBJECTS)} ${pick(r, VERBS)} ${pick(r, ACTIONS)} ${pick(r, OBJECTS)} ${q}.`;
}

function paragraphs(r: Rand): string[][] {
  return Array.from({ length: int(r, 1, 3) }, () => Array.from({ length: int(r, 2, 5) }, () => sentence(r)));
}

function countWords(s: string): number {
  return s.split(/\s+/).filter(Boolean).length;
}

function nodeWords(n: Node): number {
  return countWords(n.heading) + n.paragraphs.flat().reduce((k, s) => k + countWords(s), 0) + n.children.reduce((k, c) => k + nodeWords(c), 0);
}

/** A tree of sections of about `words` words. */
function generate(words: number, r: Rand, nextKey: () => string): Node[] {
  const node = (depth: number): Node => ({
    key: nextKey(),
    heading: `${pick(r, TOPICS)} ${pick(r, ['requirements', 'procedures', 'responsibilities', 'planning', 'records'])}`,
    paragraphs: depth === 1 && r() < 0.5 ? [] : paragraphs(r),
    children: depth < 3 && (depth === 1 || r() < 0.3) ? Array.from({ length: int(r, depth === 1 ? 4 : 2, depth === 1 ? 8 : 4) }, () => node(depth + 1)) : [],
  });
  const sections: Node[] = [];
  let total = 0;
  while (total < words) {
    const s = node(1);
    sections.push(s);
    total += nodeWords(s);
  }
  return sections;
}

/** Rewords a sentence the ways revisions do: a verb, a number, a phrase added or dropped. */
function reword(s: string, r: Rand): string {
  switch (int(r, 0, 3)) {
    case 0:
      return s.replace(/\b(shall not|should not|shall|should|may|must|can)\b/, (v) => pick(r, VERBS.filter((x) => x !== v)));
    case 1:
      return s.replace(/\d+(?:\.\d+)?/, (n) => String(Number(n) * 2));
    case 2:
      return s.replace(/\.$/, ' and keep a copy in the national database.');
    default:
      return s.replace(/ (?:the |each |all |every )/, ' ');
  }
}

function leaves(sections: Node[]): { node: Node; parent: Node[] }[] {
  const out: { node: Node; parent: Node[] }[] = [];
  const walk = (list: Node[]) => {
    for (const n of list) {
      if (n.children.length) walk(n.children);
      else if (list !== sections) out.push({ node: n, parent: list });
    }
  };
  walk(sections);
  return out;
}

/** A revised copy: the edits of a typical new edition. */
function edit(original: Node[], r: Rand, nextKey: () => string): Node[] {
  const sections: Node[] = structuredClone(original);
  for (const n of leaves(sections).map((l) => l.node)) {
    n.paragraphs = n.paragraphs.map((p) => p.map((s) => (r() < 0.03 ? reword(s, r) : s)));
  }
  const take = () => {
    const all = leaves(sections);
    const { node, parent } = all[int(r, 0, all.length - 1)]!;
    parent.splice(parent.indexOf(node), 1);
    return node;
  };
  const place = (n: Node) => {
    const { node, parent } = pick(r, leaves(sections));
    parent.splice(parent.indexOf(node) + 1, 0, n);
  };
  for (let k = 0; k < 3; k++) take(); // deleted
  for (let k = 0; k < 3; k++) place({ key: nextKey(), heading: 'Additional requirements', paragraphs: paragraphs(r), children: [] });
  for (let k = 0; k < 2; k++) place(take()); // moved
  // split, a third of the way in: the second half of a clause's paragraphs becomes a new clause after it
  const all = leaves(sections);
  const split = all.slice(Math.floor(all.length / 3)).find((l) => l.node.paragraphs.length >= 2)!;
  const half = Math.ceil(split.node.paragraphs.length / 2);
  split.parent.splice(split.parent.indexOf(split.node) + 1, 0, { key: nextKey(), heading: `${split.node.heading} (continued)`, paragraphs: split.node.paragraphs.splice(half), children: [] });
  // merge, two thirds of the way in: a clause's text joins the clause before it
  const merge = all.slice(Math.floor((all.length * 2) / 3)).find((l) => l.parent.indexOf(l.node) > 0)!;
  const into = merge.parent[merge.parent.indexOf(merge.node) - 1]!;
  into.paragraphs.push(...merge.node.paragraphs);
  merge.parent.splice(merge.parent.indexOf(merge.node), 1);
  // a new section in the middle renumbers every section after it
  sections.splice(Math.floor(sections.length / 2), 0, { key: nextKey(), heading: 'Environmental management', paragraphs: paragraphs(r), children: [] });
  return sections;
}

/** Numbers the tree and writes it as Markdown and as the clauses the parser would give. */
function render(sections: Node[]): Standard {
  const clauses: Clause[] = [];
  const md: string[] = [];
  const walk = (list: Node[], prefix: string, depth: number) => {
    list.forEach((n, k) => {
      const ref = `${prefix}${k + 1}`;
      const text = n.paragraphs.map((p) => p.join(' ')).join('\n\n');
      md.push(`${'#'.repeat(depth)} ${ref} ${n.heading}\n\n${text ? `${text}\n\n` : ''}`);
      clauses.push({ ref, heading: n.heading, text, depth, position: clauses.length, key: n.key });
      walk(n.children, `${ref}.`, depth + 1);
    });
  };
  walk(sections, '', 1);
  const markdown = md.join('');
  return { markdown, clauses, words: countWords(markdown) };
}

/** A standard of at least `words` words and its revision; the revision keeps the keys of what it kept. */
export function generatePair(words: number, seed = 1): { from: Standard; to: Standard } {
  const r = rng(seed);
  let n = 0;
  const oldKey = () => `k${++n}`;
  const newKey = () => `new${++n}`;
  const original = generate(words, r, oldKey);
  return { from: render(original), to: render(edit(original, r, newKey)) };
}
