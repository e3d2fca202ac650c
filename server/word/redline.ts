/**
 * A redline in Word: the newer version of a standard with every change of the diff engine's output as a
 * real tracked change (w:ins / w:del runs, and inserted or deleted paragraph marks), so that Word's and
 * LibreOffice's review pane can accept or reject each one. Built from `diffVersions`' clause entries
 * (server/diff/index.ts) without changing them.
 *
 * The text is the clause bodies' Markdown source, one Word paragraph per line, as the diff sees it:
 * accepting every change gives the newer version's text and rejecting every one the older's (each clause
 * is its heading line, "4.2 Marking", then its body lines). A clause that moved stays where it is now
 * (the engine diffs it in place) with a Word comment saying where it was; renumbered, split and merged
 * clauses are noted in comments too. The first page holds the engine's summary of changes.
 *
 *   redlineParagraphs(diff, depths) → RedlinePara[]   pure: which runs and paragraph marks are tracked
 *   buildRedline(input) → Promise<Buffer>              the .docx
 */
import type * as D from 'docx';
import { changeAnchor, diffText, englishWords, type ClauseDiff, type DiffWords, type TermChange, type VersionDiff } from '../diff/index.ts';
import { changedTermSpans, type TermSpan } from '../diff/summary.ts';
import { AUTHOR, shown, titleOf, xmlSafe } from './common.ts';
import { headingLevel, loadDocx, pack } from './pack.ts';

export type Op = 'equal' | 'insert' | 'delete';

export interface RedlineRun {
  op: Op;
  text: string;
  /** a changed requirement verb or number (bold, as the diff page marks them) */
  strong?: true;
}

/** One Word paragraph of the redline: its runs, and whether its paragraph mark was inserted or deleted. */
export interface RedlinePara {
  runs: RedlineRun[];
  mark: Op;
  /** set on a clause's heading line: its depth (1 for `# 4`) and the notes its Word comment carries */
  heading?: { depth: number; notes: string[]; anchor: string };
}

/** Heading depth of each clause ref, on each side (from the versions' clauses). */
export interface Depths {
  from: ReadonlyMap<string, number>;
  to: ReadonlyMap<string, number>;
}

/**
 * The paragraphs of the redline's clauses. The document is read as two texts, the old and the new, each
 * the clauses' heading lines and body lines joined by newlines; every newline of either is a paragraph
 * mark, tracked as inserted when only the new text has it and deleted when only the old one does.
 */
/**
 * The redline's own words (its first page and the notes on moved clauses), English here; the summary's
 * are the diff page's (DiffWords). Another language reads the same keys from locales/<lng>/diff.json
 * `redline.<key>` (service.ts).
 */
export const REDLINE_WORDS = {
  changesFrom: 'Changes from {{from}} to {{to}}',
  draft: 'DRAFT — not for use. One side of this comparison is a draft.',
  intro: 'The text below is the newer version with every change as a tracked change: accept or reject them in the Review pane. Moved, renumbered, split and merged clauses are noted in comments. The clause bodies are shown as written (Markdown source), one paragraph per line.',
  online: 'Online: {{url}}',
  partOfSplit: 'Part of {{from}}, which was split into {{list}}.',
  merged: '{{list}} were merged into {{to}}.',
  movedWas: 'Moved: this clause was {{from}}.',
  moved: 'Moved: this clause is now in another place among its neighbours.',
  renumbered: 'Renumbered: this clause was {{from}}.',
  headingWas: 'Heading was "{{heading}}".',
} as const;

export interface RedlineWords {
  /** the summary's words, as on the diff page */
  diff: DiffWords;
  r: (key: keyof typeof REDLINE_WORDS, values?: Record<string, string>) => string;
}

export const ENGLISH_REDLINE: RedlineWords = {
  diff: englishWords,
  r: (key, values = {}) => REDLINE_WORDS[key].replace(/\{\{(\w+)\}\}/g, (m, k: string) => (k in values ? values[k]! : m)),
};

export function redlineParagraphs(diff: VersionDiff, depths: Depths, w = ENGLISH_REDLINE): RedlinePara[] {
  const out: RedlinePara[] = [];
  let cur: RedlinePara = { runs: [], mark: 'equal' };
  const started = { old: false, new: false };
  // after a heading line, the newline before the body is owed on a side until body text arrives there
  const owed = { old: false, new: false };
  const splits = new Map((diff.summary.splits ?? []).map((s) => [s.from_ref, s.to_refs]));
  const merges = new Map((diff.summary.merges ?? []).map((m) => [m.to_ref, m.from_refs]));

  const breakOn = (old: boolean, nu: boolean) => {
    if (!old && !nu) return;
    cur.mark = old && nu ? 'equal' : old ? 'delete' : 'insert';
    out.push(cur);
    cur = { runs: [], mark: 'equal' };
  };
  const text = (op: Op, s: string, strong = false) => {
    const lines = s.split('\n');
    lines.forEach((line, i) => {
      if (i > 0) breakOn(op !== 'insert', op !== 'delete');
      if (line) cur.runs.push(strong ? { op, text: line, strong: true } : { op, text: line });
    });
  };
  /** `s` starts at `offset` in its side's text: the pieces of it inside a span are strong. */
  const marked = (op: Op, s: string, offset: number, spans: readonly TermSpan[]) => {
    let at = 0;
    for (const t of spans) {
      const start = Math.max(t.start - offset, at);
      const end = Math.min(t.end - offset, s.length);
      if (end <= start) continue;
      text(op, s.slice(at, start));
      text(op, s.slice(start, end), true);
      at = end;
    }
    text(op, s.slice(at));
  };
  const body = (op: Op, s: string, offset: number, spans: readonly TermSpan[]) => {
    if (!s) return;
    const old = op !== 'insert';
    const nu = op !== 'delete';
    breakOn(old && owed.old, nu && owed.new);
    if (old) owed.old = false;
    if (nu) owed.new = false;
    marked(op, s, offset, spans);
    if (old) started.old = true;
    if (nu) started.new = true;
  };

  const seenFrom = new Set<string>();
  const seenTo = new Set<string>();
  for (const c of diff.clauses) {
    // the first piece of a split keeps the old heading line, the first clause of a merge the new one
    const hasOld = c.from_ref !== null && !seenFrom.has(c.from_ref);
    const hasNew = c.to_ref !== null && !seenTo.has(c.to_ref);
    if (c.from_ref !== null) seenFrom.add(c.from_ref);
    if (c.to_ref !== null) seenTo.add(c.to_ref);
    if (hasOld || hasNew) {
      breakOn(hasOld && started.old, hasNew && started.new);
      const depth = (hasNew ? depths.to.get(c.to_ref!) : undefined) ?? depths.from.get(c.from_ref ?? '') ?? 1;
      cur.heading = { depth, notes: notesOf(c, splits, merges, w), anchor: changeAnchor(c) };
      const oldTitle = titleOf(c.from_ref, c.from_heading ?? c.heading);
      const newTitle = titleOf(c.to_ref, c.heading);
      if (hasOld && hasNew) for (const p of diffText(oldTitle, newTitle)) cur.runs.push(p);
      else if (hasOld) cur.runs.push({ op: 'delete', text: oldTitle });
      else cur.runs.push({ op: 'insert', text: newTitle });
      if (hasOld) started.old = owed.old = true;
      if (hasNew) started.new = owed.new = true;
    }
    // as on the diff page: verbs and numbers are marked in changed clauses, not in whole added or removed ones
    const terms = c.status === 'changed' ? changedTermSpans(c.parts) : { old: [], new: [] };
    let o = 0; // offsets in the old and the new body
    let n = 0;
    for (const p of c.parts) {
      body(p.op, p.text, p.op === 'insert' ? n : o, p.op === 'delete' ? terms.old : p.op === 'insert' ? terms.new : []);
      if (p.op !== 'insert') o += p.text.length;
      if (p.op !== 'delete') n += p.text.length;
    }
  }
  out.push(cur);
  return out;
}

/** What the heading's Word comment says: moved, renumbered, split, merged (as the diff page's notes). */
function notesOf(c: ClauseDiff, splits: Map<string, string[]>, merges: Map<string, string[]>, { diff: d, r }: RedlineWords): string[] {
  const notes: string[] = [];
  const renumbered = c.from_ref !== null && c.to_ref !== null && c.from_ref !== c.to_ref;
  const into = c.from_ref !== null && c.to_ref !== null ? splits.get(c.from_ref) : undefined;
  const from = c.from_ref !== null && c.to_ref !== null ? merges.get(c.to_ref) : undefined;
  if (into) notes.push(r('partOfSplit', { from: shown(c.from_ref), list: d.list(into.map(shown)) }));
  else if (from) notes.push(r('merged', { list: d.list(from.map(shown)), to: shown(c.to_ref) }));
  else if (c.moved) notes.push(renumbered ? r('movedWas', { from: shown(c.from_ref) }) : r('moved'));
  else if (renumbered) notes.push(r('renumbered', { from: shown(c.from_ref) }));
  if (c.from_heading !== undefined && (into || from || c.moved || renumbered)) notes.push(r('headingWas', { heading: c.from_heading }));
  return notes;
}

/** The summary of changes as lines: the diff engine's summary, worded as on the diff page. */
export function summaryLines(diff: VersionDiff, w: DiffWords = englishWords): { title: string; items: { text: string; anchor: string }[] }[] {
  const s = diff.summary;
  const key = (l: { from_ref: string | null; to_ref: string | null }) => `${l.from_ref}\u0000${l.to_ref}`;
  const moved = new Set(s.moved.map(key));
  const merged = new Set(s.merged.map(key));
  const pieces = new Set([...s.split, ...s.merged].map(key));
  const term = (t: TermChange) => ({ text: termText(t), anchor: t.anchor });
  const termText = (t: TermChange) => {
    const what = t.from !== null && t.to !== null ? w.t('termChanged', { from: t.from, to: t.to }) : t.to !== null ? w.t('termAdded', { term: t.to }) : w.t('termRemoved', { term: t.from ?? '' });
    if (!t.moved) return w.t('termIn', { what, ref: shown(t.to_ref ?? t.from_ref) });
    if (merged.has(key(t))) return w.t('termInWas', { what, to: shown(t.to_ref), from: shown(t.from_ref) });
    return w.t('termMoved', { what, from: shown(t.from_ref), to: shown(t.to_ref) });
  };
  const titleText = (l: ClauseLink) => titleOf(l.to_ref ?? l.from_ref, l.heading);
  const titled = (l: ClauseLink) => ({ text: titleText(l), anchor: l.anchor });
  const was = (l: ClauseLink) => ({ text: l.from_ref === l.to_ref || l.from_ref === null ? titleText(l) : w.t('wasRef', { title: titleText(l), from: shown(l.from_ref) }), anchor: l.anchor });
  const note = (n: { text: string; anchor: string }) => ({ text: n.text, anchor: n.anchor });
  return [
    { title: w.t('verbs'), items: s.verbs.map(term) },
    { title: w.t('numbers'), items: s.numbers.map(term) },
    { title: w.t('clausesAdded'), items: s.added.map(titled) },
    { title: w.t('clausesRemoved'), items: s.removed.map(titled) },
    { title: w.t('clausesMoved'), items: s.moved.filter((l) => !pieces.has(key(l))).map(was) },
    { title: w.t('clausesRenumbered'), items: s.renumbered.filter((l) => !moved.has(key(l)) && !pieces.has(key(l))).map(was) },
    { title: w.t('clausesSplit'), items: (s.splits ?? []).map(note) },
    { title: w.t('clausesMerged'), items: (s.merges ?? []).map(note) },
    { title: w.t('sentencesMoved'), items: (s.moved_sentences ?? []).map((m) => ({ text: w.t(m.edited ? 'sentenceMovedEdited' : 'sentenceMoved', { text: m.text, from: shown(m.from_ref), to: shown(m.to_ref) }), anchor: m.anchor })) },
  ].filter((x) => x.items.length);
}

type ClauseLink = { anchor: string; from_ref: string | null; to_ref: string | null; heading: string };

/** A Word bookmark name for a diff anchor: a letter first, then letters, digits and underscores (Word's rule), at most 40. */
export function bookmarkOf(anchor: string): string {
  return `c_${anchor.replace(/^change-/, '').replace(/[^A-Za-z0-9]/g, '_')}`.slice(0, 40);
}

export interface RedlineInput {
  designation: string;
  title: string;
  /** "Edition 2", "Draft 3 for Edition 3" */
  fromLabel: string;
  toLabel: string;
  /** the newer version's date: the tracked changes carry it (ISO 8601) */
  date: string;
  /** "DRAFT — not for use" when either side is a draft */
  draft: boolean;
  /** the diff page's address, printed on the first page */
  url: string;
  diff: VersionDiff;
  depths: Depths;
  /** the words of the document, in the reader's language (English when not given) */
  words?: RedlineWords;
}

export async function buildRedline(input: RedlineInput): Promise<Buffer> {
  const { AlignmentType, Bookmark, CommentRangeEnd, CommentRangeStart, CommentReference, DeletedTextRun, Document, Footer, Header, HeadingLevel, InsertedTextRun, InternalHyperlink, PageNumber, Paragraph, TextRun } = await loadDocx();
  const { diff } = input;
  let id = 0; // w:ins, w:del and paragraph-mark revisions share one id space
  const rev = () => ({ id: ++id, author: AUTHOR, date: input.date });
  const comments: D.ICommentOptions[] = [];
  const commentDate = new Date(input.date);

  const w = input.words ?? ENGLISH_REDLINE;
  const paras = redlineParagraphs(diff, input.depths, w);
  const anchors = new Set<string>();
  for (const p of paras) if (p.heading && !anchors.has(p.heading.anchor)) anchors.add(p.heading.anchor);
  const placed = new Set<string>();
  const front: D.Paragraph[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(xmlSafe(`${input.designation} ${input.title}`))] }),
    new Paragraph({ children: [new TextRun({ text: xmlSafe(w.r('changesFrom', { from: input.fromLabel, to: input.toLabel })), bold: true })] }),
  ];
  if (input.draft) front.push(new Paragraph({ children: [new TextRun({ text: w.r('draft'), bold: true })] }));
  const d = w.diff;
  front.push(
    new Paragraph(w.r('intro')),
    new Paragraph(xmlSafe(w.r('online', { url: input.url }))),
    new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(d.t('summaryTitle'))] }),
    new Paragraph(d.t('counts', { clauses: d.t('clausesChanged', { count: diff.summary.changed }), added: d.t('wordsAdded', { count: diff.summary.words_added }), removed: d.t('wordsRemoved', { count: diff.summary.words_removed }) })),
  );
  for (const section of summaryLines(diff, d)) {
    front.push(new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(section.title)] }));
    // each item links to its clause's heading (a bookmark), as the diff page's summary does
    for (const item of section.items) {
      const text = new TextRun({ text: xmlSafe(item.text), style: 'Hyperlink' });
      front.push(new Paragraph({ bullet: { level: 0 }, children: [anchors.has(item.anchor) ? new InternalHyperlink({ anchor: bookmarkOf(item.anchor), children: [text] }) : new TextRun(xmlSafe(item.text))] }));
    }
  }

  const body = paras.map((p, i) => {
    const children: D.ParagraphChild[] = p.runs.map((r) => {
      const text = xmlSafe(r.text);
      const bold = r.strong ? { bold: true } : {};
      if (r.op === 'insert') return new InsertedTextRun({ ...rev(), text, ...bold });
      if (r.op === 'delete') return new DeletedTextRun({ ...rev(), text, ...bold });
      return new TextRun({ text, ...bold });
    });
    if (p.heading && !placed.has(p.heading.anchor)) {
      placed.add(p.heading.anchor);
      children.unshift(new Bookmark({ id: bookmarkOf(p.heading.anchor), children: [] }));
    }
    if (p.heading?.notes.length) {
      const cid = comments.length;
      comments.push({ id: cid, author: AUTHOR, initials: 'IR', date: commentDate, children: p.heading.notes.map((n) => new Paragraph(xmlSafe(n))) });
      children.unshift(new CommentRangeStart(cid));
      children.push(new CommentRangeEnd(cid), new TextRun({ children: [new CommentReference(cid)] }));
    }
    const mark = p.mark === 'insert' ? { insertion: rev() } : p.mark === 'delete' ? { deletion: rev() } : undefined;
    return new Paragraph({
      children,
      ...(p.heading ? { heading: headingLevel(p.heading.depth) } : {}),
      ...(mark ? { run: mark } : {}),
      ...(i === 0 ? { pageBreakBefore: true } : {}),
    });
  });

  const doc = new Document({
    creator: AUTHOR,
    title: `${input.designation}: ${input.fromLabel} → ${input.toLabel}`,
    description: 'Redline with tracked changes',
    comments: { children: comments },
    sections: [
      {
        headers: { default: new Header({ children: [new Paragraph({ alignment: AlignmentType.RIGHT, children: [new TextRun(xmlSafe(`${input.designation}: ${input.fromLabel} → ${input.toLabel}${input.draft ? ' — DRAFT, not for use' : ''}`))] })] }) },
        footers: { default: new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: ['Page ', PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES] })] })] }) },
        children: [...front, ...body],
      },
    ],
  });
  return pack(doc);
}
