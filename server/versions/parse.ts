/**
 * Markdown → clauses. Pure: takes the text of a version, returns its clauses or the problems found,
 * each with its line number, so the preview and the loader can point at them.
 *
 * Headings are clauses (standards/README.md): `# 4 Title` (depth = parts of the number), `## 4.2`,
 * `# Annex A (normative) Title` and `## A.1`, and named level-1 headings (`# Foreword`).
 */

export interface ParsedClause {
  ref: string;
  heading: string;
  text: string;
  depth: number;
  position: number;
  /** 1-based line of the heading in the text given (plus lineOffset) */
  line: number;
}

export interface ParseProblem {
  line: number;
  message: string;
}

export interface ParseResult {
  clauses: ParsedClause[];
  problems: ParseProblem[];
}

export class ParseError extends Error {
  constructor(readonly problems: ParseProblem[]) {
    super(problems.map((p) => `line ${p.line}: ${p.message}`).join('\n'));
  }
}

const ATX = /^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const NUMBERED = /^(\d+(?:\.\d+)*)\.?(?:[ \t]+(.*))?$/;
const ANNEX = /^Annex[ \t]+([A-Z])\b[ \t]*(.*)$/;
const ANNEX_CLAUSE = /^([A-Z])\.(\d+(?:\.\d+)*)\.?(?:[ \t]+(.*))?$/;
const MAX_HEADING = 500;

export interface HeadingInfo {
  ref: string;
  heading: string;
  depth: number;
  /** ref of the clause this one must sit under, if any */
  parent: string | null;
}

/** Reads a heading's title: what clause it names, or a problem. */
export function readHeading(title: string, level: number): HeadingInfo | string {
  let m = NUMBERED.exec(title);
  if (m) {
    const parts = m[1]!.split('.');
    if (parts.some((p) => /^0\d/.test(p))) return `Clause number ${m[1]} has a leading zero.`;
    return { ref: m[1]!, heading: (m[2] ?? '').trim(), depth: parts.length, parent: parts.length > 1 ? parts.slice(0, -1).join('.') : null };
  }
  m = ANNEX.exec(title);
  if (m) return { ref: `annex-${m[1]!.toLowerCase()}`, heading: m[2]!.trim(), depth: 1, parent: null };
  m = ANNEX_CLAUSE.exec(title);
  if (m) {
    const letter = m[1]!.toLowerCase();
    const parts = m[2]!.split('.');
    const parent = parts.length > 1 ? `annex-${letter}.${parts.slice(0, -1).join('.')}` : `annex-${letter}`;
    return { ref: `annex-${letter}.${m[2]}`, heading: (m[3] ?? '').trim(), depth: parts.length + 1, parent };
  }
  if (level > 1) {
    return `A level-${level} heading needs a clause number, e.g. "${'#'.repeat(level)} 4.${'1.'.repeat(level - 2)}1 ${title}".`;
  }
  const ref = slug(title);
  if (!ref) return `The heading "${title}" has no letters or digits to name the clause.`;
  return { ref, heading: title.trim(), depth: 1, parent: null };
}

export function slug(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * How a heading is read: readHeading by default; a translation (server/translations/) reads its
 * named and annex headings in its own language and names their English refs.
 */
export interface ParseOptions {
  readHeading?: (title: string, level: number) => HeadingInfo | string;
}

/** Reads every heading of the text as a clause; never throws. */
export function parseClauses(markdown: string, lineOffset = 0, opts: ParseOptions = {}): ParseResult {
  const read = opts.readHeading ?? readHeading;
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const clauses: ParsedClause[] = [];
  const problems: ParseProblem[] = [];
  const seen = new Map<string, number>();
  const open: string[] = []; // refs of the clauses enclosing the current one, by depth
  let body: string[] = [];
  let fence: string | null = null;

  const closeBody = () => {
    const last = clauses[clauses.length - 1];
    if (last) last.text = trimBlankLines(body).join('\n');
    body = [];
  };

  lines.forEach((raw, i) => {
    const line = i + 1 + lineOffset;
    const fenceMatch = FENCE.exec(raw);
    if (fence) {
      if (fenceMatch && fenceMatch[1]![0] === fence[0] && fenceMatch[1]!.length >= fence.length) fence = null;
      body.push(raw);
      return;
    }
    if (fenceMatch) fence = fenceMatch[1]!;
    const h = fenceMatch ? null : ATX.exec(raw);
    if (!h) {
      if (clauses.length === 0) {
        if (raw.trim() !== '' && !problems.some((p) => p.message.startsWith('Text before'))) {
          problems.push({ line, message: 'Text before the first heading: every paragraph must belong to a clause (start with e.g. "# Foreword").' });
        }
      } else body.push(raw);
      return;
    }
    const level = h[1]!.length;
    const title = h[2]!.trim();
    if (!title) {
      problems.push({ line, message: 'Empty heading: give it a clause number or a name.' });
      return;
    }
    if (title.length > MAX_HEADING) {
      problems.push({ line, message: `Heading longer than ${MAX_HEADING} characters.` });
      return;
    }
    const info = read(title, level);
    if (typeof info === 'string') {
      problems.push({ line, message: info });
      return;
    }
    if (info.depth !== level) {
      const name = info.ref.startsWith('annex-') ? title.split(/\s/)[0] : info.ref;
      problems.push({ line, message: `Clause ${name} needs a level-${info.depth} heading ("${'#'.repeat(info.depth)}"), not "${'#'.repeat(level)}".` });
      return;
    }
    if (info.depth > open.length + 1) {
      problems.push({ line, message: `Level skipped: clause ${info.ref} at level ${info.depth} follows a level-${open.length} heading.` });
      return;
    }
    if (info.parent && open[info.depth - 2] !== info.parent) {
      problems.push({ line, message: `Clause ${info.ref} must come under clause ${info.parent}, but it follows ${open[info.depth - 2] ?? 'no such clause'}.` });
      return;
    }
    const dup = seen.get(info.ref);
    if (dup !== undefined) {
      problems.push({ line, message: `Clause ${info.ref} appears twice (first at line ${dup}).` });
      return;
    }
    seen.set(info.ref, line);
    closeBody();
    open.length = info.depth - 1;
    open.push(info.ref);
    clauses.push({ ref: info.ref, heading: info.heading, text: '', depth: info.depth, position: clauses.length, line });
  });
  closeBody();
  if (fence) problems.push({ line: lines.length + lineOffset, message: `A code block opened with "${fence}" is never closed.` });
  if (markdown.trim() === '') problems.push({ line: 1 + lineOffset, message: 'The text is empty: paste or upload the standard.' });
  else if (clauses.length === 0 && problems.length === 0) {
    problems.push({ line: 1 + lineOffset, message: 'No headings found: clauses start with headings such as "# 1 Scope".' });
  }
  problems.sort((a, b) => a.line - b.line);
  return { clauses, problems };
}

/** Like parseClauses, but throws a ParseError listing every problem. */
export function parseClausesOrThrow(markdown: string, lineOffset = 0): ParsedClause[] {
  const { clauses, problems } = parseClauses(markdown, lineOffset);
  if (problems.length) throw new ParseError(problems);
  return clauses;
}

function trimBlankLines(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a]!.trim() === '') a++;
  while (b > a && lines[b - 1]!.trim() === '') b--;
  return lines.slice(a, b);
}

/** How a clause is numbered on the page: `4.2`, `Annex A`, `A.1`, or nothing for named clauses. */
export function clauseNumber(ref: string): string {
  if (/^\d/.test(ref)) return ref;
  const m = /^annex-([a-z])(?:\.(.+))?$/.exec(ref);
  if (m) return m[2] ? `${m[1]!.toUpperCase()}.${m[2]}` : `Annex ${m[1]!.toUpperCase()}`;
  return '';
}

export function countWords(text: string): number {
  const m = text.match(/[\p{L}\p{N}][\p{L}\p{N}'’.-]*/gu);
  return m ? m.length : 0;
}
