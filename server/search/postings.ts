/**
 * The impact-ordered index of clauses behind SQLite's ranked word searches (engine.ts, issue 15 item 5),
 * pure: building a version's posting lists and the exact top-k walk over them.
 *
 * Why: ranking with FTS5's bm25 computes the score of every matching clause, looking up each one's length
 * on the way; two frequent words over 60 standards match 10–18k clauses and took most of a search's time.
 * Here each term's contribution to a clause's BM25 score (its impact) is computed once, when the version is
 * indexed, with fixed parameters (k1, b, the heading weight as FTS5's bm25 is called with, and a fixed
 * average clause length instead of the index's moving one); the IDF is computed at query time from the
 * number of clauses holding the term. A query walks each term's list from its highest impact down
 * (Fagin's threshold algorithm) and stops once the k-th best full score beats the best any clause not yet
 * seen could still reach: on the bench's heaviest queries it reads a few hundred postings of 10–18 thousand.
 *
 * A posting list is one term in one version (a row of clause_postings, stored as a blob): its n clauses by
 * impact (highest first, then by clause id) for the walk, and their positions in ascending id order for
 * looking up a clause's impact (binary search). Clause ids are kept less the lowest (a version's clauses are
 * numbered together), in 16 bits when they fit, in the machine's byte order:
 *   [lowest id: int32][ids − lowest, by impact: n × uint16][positions by id: n × uint16][impacts: n × float32]
 * or, when the ids span more than 16 bits, [-1: int32][ids: n × int32][positions: n × uint32][impacts: n × float32].
 * Half the bytes of plain int32 ids twice: reading the lists is most of a search's time.
 */
import { stemOf, tokens } from './porter.ts';

/** BM25's parameters as FTS5's bm25 has them, and the column weight the engine gives headings. */
export const K1 = 1.2;
export const B = 0.75;
export const HEADING_WEIGHT = 10;
/** The clause length (in tokens) taken as average: a clause of the generated standards averages about 115. */
export const AVG_LENGTH = 100;

export interface ClauseText {
  id: number;
  heading: string;
  text: string;
}

/**
 * Impacts are kept to 2^-19 (below K1 + 1 = 2.2, so in 21 bits): exact as float32, and an impact and a
 * clause id pack into one float64 sort key (encode).
 */
const STEP = 2 ** 19;
const LEVELS = 2 ** 21;

/** A term's BM25 contribution to a clause before its IDF: f is its count, a heading hit counting HEADING_WEIGHT. */
export function impact(f: number, length: number): number {
  return Math.round(((f * (K1 + 1)) / (f + K1 * (1 - B + (B * length) / AVG_LENGTH))) * STEP) / STEP;
}

/** FTS5's IDF (bm25 in fts5_aux.c): never zero or negative, so a very common word still counts a little. */
export function idf(clauses: number, holding: number): number {
  const v = Math.log((clauses - holding + 0.5) / (holding + 0.5));
  return v <= 0 ? 1e-6 : v;
}

/**
 * The posting lists of a version's clauses (given in ascending id order), by term. Tokens and stems are
 * FTS5's (porter.ts); a clause's length counts every token of its heading and text, as bm25's does.
 */
export function buildPostings(clauses: ClauseText[]): Map<string, Buffer> {
  const acc = new Map<string, { ids: number[]; imps: number[] }>();
  const tf = new Map<string, number>();
  for (const c of clauses) {
    tf.clear();
    let length = 0;
    for (const t of tokens(c.heading)) {
      const s = stemOf(t);
      tf.set(s, (tf.get(s) ?? 0) + HEADING_WEIGHT);
      length++;
    }
    for (const t of tokens(c.text)) {
      const s = stemOf(t);
      tf.set(s, (tf.get(s) ?? 0) + 1);
      length++;
    }
    for (const [term, f] of tf) {
      let a = acc.get(term);
      if (!a) acc.set(term, (a = { ids: [], imps: [] }));
      a.ids.push(c.id);
      a.imps.push(impact(f, length));
    }
  }
  const out = new Map<string, Buffer>();
  for (const [term, { ids, imps }] of acc) out.set(term, encode(ids, imps));
  return out;
}

/**
 * The rows of table clause_postings for a version's clauses (in ascending id order): a list per term
 * with its length, and the empty term's row with the version's number of clauses (the IDF's totals).
 */
export function postingRows(versionId: number, clauses: ClauseText[]): { term: string; version_id: number; postings: Buffer; clauses: number }[] {
  const rows = [...buildPostings(clauses)].map(([term, postings]) => ({ term, version_id: versionId, postings, clauses: lengthOf(postings) }));
  rows.push({ term: '', version_id: versionId, postings: Buffer.alloc(0), clauses: clauses.length });
  return rows;
}

/** A posting list from its clauses in ascending id order (ids below 2^31, impacts from impact()). */
export function encode(ids: number[], imps: number[]): Buffer {
  const n = ids.length;
  const base = n ? ids[0]! : 0;
  const narrow = n === 0 || ids[n - 1]! - base < 2 ** 16;
  const width = narrow ? 2 : 4;
  const buf = Buffer.alloc(4 + n * (2 * width + 4));
  const list = view(buf, narrow ? base : -1, n);
  // highest impact first, then lowest id (the input's order): one key each, sorted as numbers
  const keys = new Float64Array(n);
  for (let k = 0; k < n; k++) keys[k] = (LEVELS - 1 - imps[k]! * STEP) * 2 ** 31 + k;
  keys.sort();
  for (let pos = 0; pos < n; pos++) {
    const k = keys[pos]! % 2 ** 31;
    list.ids[pos] = ids[k]! - list.base;
    list.imps[pos] = imps[k]!;
    list.byId[k] = pos;
  }
  new DataView(buf.buffer, buf.byteOffset, 4).setInt32(0, narrow ? base : -1, true);
  return buf;
}

export interface PostingList {
  n: number;
  /** what `ids` are less */
  base: number;
  /** the clause ids (less base) by impact, highest first */
  ids: Uint16Array | Int32Array;
  /** their impacts */
  imps: Float32Array;
  /** positions in `ids`, in ascending id order */
  byId: Uint16Array | Uint32Array;
}

function view(b: Uint8Array, header: number, n: number): PostingList {
  if (header >= 0) {
    return { n, base: header, ids: new Uint16Array(b.buffer, b.byteOffset + 4, n), byId: new Uint16Array(b.buffer, b.byteOffset + 4 + 2 * n, n), imps: new Float32Array(b.buffer, b.byteOffset + 4 + 4 * n, n) };
  }
  return { n, base: 0, ids: new Int32Array(b.buffer, b.byteOffset + 4, n), byId: new Uint32Array(b.buffer, b.byteOffset + 4 + 4 * n, n), imps: new Float32Array(b.buffer, b.byteOffset + 4 + 8 * n, n) };
}

const headerOf = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);

/** A stored posting list read back (copied when the driver's buffer is not aligned for the typed arrays). */
export function decode(buf: Uint8Array): PostingList {
  const b = buf.byteOffset % 4 ? new Uint8Array(buf) : buf;
  return view(b, headerOf(b), lengthOf(b));
}

/** The number of clauses a stored list holds, without decoding it. */
export const lengthOf = (buf: Uint8Array): number => (buf.byteLength - 4) / (headerOf(buf) >= 0 ? 8 : 12);

/** The list's clauses by impact, as [id, impact]. */
export function entries(p: PostingList): [number, number][] {
  return Array.from(p.ids, (id, k) => [p.base + id, p.imps[k]!]);
}

/** The clause's impact in the list, or -1 when the term is not in it. */
function impactIn(p: PostingList, id: number): number {
  const x = id - p.base;
  let lo = 0;
  let hi = p.n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const pos = p.byId[mid]!;
    const y = p.ids[pos]!;
    if (y === x) return p.imps[pos]!;
    if (y < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export interface Hit {
  id: number;
  score: number;
}

/** Best first: the higher score, then the lower clause id (the FTS5 path's order too). */
const better = (a: Hit, b: Hit) => a.score > b.score || (a.score === b.score && a.id < b.id);

/**
 * The k best clauses holding every term, best first, with their scores Σ weight[t] × impact: exactly what
 * scoring every such clause would give (test/unit/search-postings.test.ts checks it against that).
 * `lists[t][v]` is term t's list in the v-th version searched: every term has one per version (a version
 * lacking a term has no clause holding all of them and is left out by the caller). Scores are summed in
 * term order, so a clause's score and the threshold are computed alike and compare exactly.
 */
export function topK(lists: PostingList[][], weight: number[], k: number): Hit[] {
  const m = lists.length;
  const versions = lists[0]?.length ?? 0;
  if (k <= 0 || !versions) return [];
  // each term's lists merged by a heap of cursors, highest impact first
  type Cursor = { p: PostingList; v: number; pos: number };
  const imp = (c: Cursor) => c.p.imps[c.pos]!;
  const idOf = (c: Cursor) => c.p.base + c.p.ids[c.pos]!;
  const first = (a: Cursor, b: Cursor) => imp(a) > imp(b) || (imp(a) === imp(b) && idOf(a) < idOf(b));
  const down = (h: Cursor[], i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let b = i;
      if (l < h.length && first(h[l]!, h[b]!)) b = l;
      if (r < h.length && first(h[r]!, h[b]!)) b = r;
      if (b === i) return;
      [h[i], h[b]] = [h[b]!, h[i]!];
      i = b;
    }
  };
  const heaps = lists.map((perVersion) => {
    const h = perVersion.map((p, v) => ({ p, v, pos: 0 })).filter((c) => c.p.n > 0);
    for (let i = (h.length >> 1) - 1; i >= 0; i--) down(h, i);
    return h;
  });
  const last = new Float64Array(m);
  const seen = new Set<number>();
  const top: Hit[] = [];
  for (;;) {
    for (let t = 0; t < m; t++) {
      const h = heaps[t]!;
      // a list read to its end: every clause holding all the terms has been seen
      if (!h.length) return top;
      const c = h[0]!;
      const id = idOf(c);
      const own = imp(c);
      last[t] = own;
      if (++c.pos === c.p.n) h[0] = h[h.length - 1]!, h.pop();
      if (h.length) down(h, 0);
      if (seen.has(id)) continue;
      seen.add(id);
      let score = 0;
      let holds = true;
      for (let u = 0; u < m; u++) {
        const i = u === t ? own : impactIn(lists[u]![c.v]!, id);
        if (i < 0) {
          holds = false;
          break;
        }
        score += weight[u]! * i;
      }
      if (!holds) continue;
      const hit = { id, score };
      if (top.length < k || better(hit, top[k - 1]!)) {
        let i = top.length;
        while (i > 0 && better(hit, top[i - 1]!)) i--;
        top.splice(i, 0, hit);
        if (top.length > k) top.pop();
      }
    }
    if (top.length >= k) {
      // the best score a clause not yet seen could have: strictly below the k-th, or it might tie and come first by id
      let threshold = 0;
      for (let t = 0; t < m; t++) threshold += weight[t]! * last[t]!;
      if (top[k - 1]!.score > threshold) return top;
    }
  }
}
