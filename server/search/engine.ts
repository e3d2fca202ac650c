/**
 * The full-text index of clauses behind one interface (design.md §10, issue 15 item 1): SQLite FTS5
 * (table `clause_search`, porter stemmer over unicode61) or PostgreSQL (column `clauses.search_vector`,
 * tsvector 'english' with a GIN index), chosen from the Knex client. A version's text never changes once
 * saved, so a version is indexed once, in the transaction that inserts its clauses
 * (server/versions/repo.ts insertVersion); which versions a search may see is decided by the caller.
 * On SQLite, searches of plain words rank over an impact-ordered index kept beside FTS5's (postings.ts,
 * table `clause_postings`), their hits marked by FTS5.
 */
import type { Knex } from 'knex';
import type BetterSqlite3 from 'better-sqlite3';
import { busyWaitOf, isSqlite } from '../db.ts';
import { START, STOP } from './snippet.ts';
import { toFts5, toPgTsquery, type TextQuery } from './query.ts';
import { preparedPerConnection } from '../prepared.ts';
import { decode, HEADING_WEIGHT, idf, postingRows, topK, type PostingList } from './postings.ts';
import { stemOf } from './porter.ts';

type Q = Knex | Knex.Transaction;

/** A matching clause: `*_marked` hold the text with hits between START and STOP (see snippet.ts). */
export interface ClauseHit {
  clause_id: number;
  version_id: number;
  ref: string;
  heading: string;
  rank: number;
  heading_marked: string;
  snippet_marked: string;
}

export interface SearchEngine {
  readonly name: 'fts5' | 'postgresql';
  /** Adds a version's clauses to the index; call in the transaction that inserted them. */
  indexVersion(db: Q, versionId: number): Promise<void>;
  /**
   * The best-ranked clauses of the given versions matching `q` (heading hits weigh most). Only the first
   * `marked` hits (all by default) get their marks: a page asks for one hit more than it shows, to know
   * whether there is a next page, and needs no snippet for it (that one's `*_marked` are its heading and '').
   */
  search(db: Q, q: TextQuery, versionIds: number[], limit: number, offset?: number, marked?: number): Promise<ClauseHit[]>;
  /** After a bulk load (the loader, a backfill): compacts the index, which one version at a time leaves in pieces. */
  optimize(db: Q): Promise<void>;
}

/** Heading hits weigh HEADING_WEIGHT times more than hits in the body (FTS5 bm25 column weights; postings.ts). */
const SNIPPET_TOKENS = 24;
/** Beyond this many ranked hits without enough in scope, rank inside the join instead. */
const FTS5_WINDOW_MAX = 4096;

const fts5: SearchEngine = {
  name: 'fts5',
  async optimize(db) {
    // FTS5 keeps each write as a segment and merges some of them as it goes; a query reads every segment.
    // Merged into one after the loader's 60 standards, a ranked query of two frequent words took half as long.
    await db.raw(`insert into clause_search (clause_search) values ('optimize')`);
  },
  async indexVersion(db, versionId) {
    // Control characters would be read as hit marks: they are spaces in the index.
    await db.raw(
      `insert into clause_search (rowid, heading, body)
       select id, replace(replace(heading, char(2), ' '), char(3), ' '), replace(replace(text, char(2), ' '), char(3), ' ')
       from clauses where version_id = ?`,
      [versionId],
    );
    // The impact-ordered lists (postings.ts) of plain word searches with their lengths, and the version's
    // number of clauses under the empty term (migrations/20261201150000_create_clause_postings.ts). A few hundred rows, 500
    // a statement (Knex inserts rows as a compound SELECT, which SQLite limits to 500 terms).
    const clauses: { id: number; heading: string; text: string }[] = await db('clauses').where({ version_id: versionId }).orderBy('id').select('id', 'heading', 'text');
    const rows = postingRows(versionId, clauses);
    for (let i = 0; i < rows.length; i += 500) await db('clause_postings').insert(rows.slice(i, i + 500));
  },
  async search(db, q, versionIds, limit, offset = 0, marked = limit) {
    if (!versionIds.length) return [];
    const match = toFts5(q);
    const words = plainWords(q);
    // On the pool's connection (a transaction's own inside one), with statements prepared once per
    // connection: through the query builder every search prepared its statements again (about 0.3 ms,
    // beside some 5 ms for two frequent words over 60 standards). A read that finds the database
    // locked is run again as the query builder's would be (db-busy.ts). Most of what is left is ranking:
    // bm25 for every matching clause. Counted with callgrind over the bench's 40 heaviest queries (10–18k
    // matches each), the ranked statement is some 90 % of a search; of it, 41 % is FTS5 reading each
    // match's length (a lookup statement per row in its _docsize table), 28 % walking the matches, 15 %
    // bm25 counting each word's matches for its IDF, 11 % its positions. No FTS5 option gives the same
    // order cheaper: with columnsize=0 bm25 tokenizes the text for its length (8× slower), detail=column
    // is 10× slower; a window of 21 rather than 64 saves 2 %, and the marks (5 %) cost the same as one
    // statement or twenty. So the common case, plain words, is ranked over lists of precomputed impacts
    // instead (postings.ts), walked only as far as the best hits need: over the bench's 200 queries, CPU
    // time p95 2.3–2.9 ms against 8.1–10.2 ms through bm25 in the same runs (bench/search.ts's corpus,
    // each query's least of three rounds, a loaded machine). Phrases, prefixes, OR and NOT stay with FTS5.
    const client = db.client as unknown as { acquireConnection(): Promise<BetterSqlite3.Database>; releaseConnection(c: BetterSqlite3.Database): Promise<unknown> };
    const attempt = async () => {
      const conn = await client.acquireConnection();
      try {
        const s = fts5Statements(conn);
        return words ? postingsSearch(s, words, match, versionIds, limit, offset, marked) : fts5Search(s, match, versionIds, limit, offset, marked);
      } finally {
        await client.releaseConnection(conn);
      }
    };
    const busy = db.isTransaction ? undefined : busyWaitOf(db as Knex);
    return busy ? busy.run(attempt) : attempt();
  },
};

interface Fts5Statements {
  holding: BetterSqlite3.Statement<[string], number | null>;
  postings: BetterSqlite3.Statement<[string], [number, Buffer]>;
  postingsOf: BetterSqlite3.Statement<[string, string], [number, Buffer]>;
  details: BetterSqlite3.Statement<[string], { id: number; version_id: number; ref: string; heading: string }>;
  marksOf: BetterSqlite3.Statement<[number, string, string], { id: number; heading_marked: string; snippet_marked: string }>;
  ranked: BetterSqlite3.Statement<[number, string, number], { id: number; version_id: number | null; ref: string; heading: string; rank: number }>;
  joined: BetterSqlite3.Statement<[number, string, string, number], { id: number; version_id: number; ref: string; heading: string; rank: number }>;
  marks: BetterSqlite3.Statement<[number, string, number], { heading_marked: string; snippet_marked: string }>;
}
const fts5Statements = preparedPerConnection(
  (conn): Fts5Statements => ({
    // from the index on (term, clauses) alone; the empty term's rows count every clause indexed
    holding: conn.prepare<[string], number | null>(`select sum(clauses) from clause_postings where term = ?`).pluck(),
    postings: conn.prepare<[string], [number, Buffer]>(`select version_id, postings from clause_postings where term = ?`).raw(),
    postingsOf: conn.prepare<[string, string], [number, Buffer]>(`select version_id, postings from clause_postings where term = ? and version_id in (select value from json_each(?))`).raw(),
    details: conn.prepare(`select id, version_id, ref, heading from clauses where id in (select value from json_each(?))`),
    // the marks of several hits in one statement (a third less time than one each: 0.5 against 0.8 ms for 20)
    marksOf: conn.prepare(
      `select rowid as id, highlight(clause_search, 0, char(2), char(3)) as heading_marked, snippet(clause_search, 1, char(2), char(3), '…', ?) as snippet_marked
       from clause_search where clause_search match ? and rowid in (select value from json_each(?))`,
    ),
    // The window a subquery with its LIMIT (never merged into the join), left-joined so that a short
    // answer still means the index had no more hits.
    ranked: conn.prepare(
      `select r.id, c.version_id, c.ref, c.heading, r.rank
       from (select rowid as id, bm25(clause_search, ?, 1.0) as rank from clause_search where clause_search match ? order by rank, rowid limit ?) r
       left join clauses c on c.id = r.id
       order by r.rank, r.id`,
    ),
    // the versions as one JSON array: one statement whatever their number
    joined: conn.prepare(
      `select c.id, c.version_id, c.ref, c.heading, bm25(clause_search, ?, 1.0) as rank
       from clause_search join clauses c on c.id = clause_search.rowid
       where clause_search match ? and c.version_id in (select value from json_each(?))
       order by rank, c.id limit ?`,
    ),
    marks: conn.prepare(
      `select highlight(clause_search, 0, char(2), char(3)) as heading_marked, snippet(clause_search, 1, char(2), char(3), '…', ?) as snippet_marked
       from clause_search where clause_search match ? and rowid = cast(? as integer)`,
    ),
  }),
);

function fts5Search(s: Fts5Statements, match: string, versionIds: number[], limit: number, offset: number, marked: number): ClauseHit[] {
  const allowed = new Set(versionIds);
  const need = offset + limit;
  // Rank in the index alone, then keep the hits of the versions asked for: bm25 is computed for every
  // clause that matches, and the join to clauses only for the window. Joining clauses inside the ranked
  // query (to filter before ranking) cost three times the ranking itself (29 ms against 9 ms for two
  // frequent words over 60 standards of 40,000 words). The search usually covers most of the index
  // (current editions and live drafts): a few times the hits wanted suffice; a narrow scope widens the
  // window as far as the share in scope so far suggests, then falls back to the join.
  type Kept = { id: number; version_id: number; ref: string; heading: string; rank: number };
  let kept: Kept[] = [];
  let window = Math.max(64, need * 3);
  for (;;) {
    const ranked = s.ranked.all(HEADING_WEIGHT, match, window);
    kept = ranked.filter((r): r is Kept => r.version_id !== null && allowed.has(r.version_id));
    if (kept.length >= need || ranked.length < window) break;
    window = Math.max(window * 4, kept.length ? Math.ceil((need * window * 1.5) / kept.length) : window * 16);
    if (window > FTS5_WINDOW_MAX) {
      kept = s.joined.all(HEADING_WEIGHT, match, JSON.stringify(versionIds), need);
      break;
    }
  }
  // Snippets only for the hits shown, each its own lookup (the index seeks the clause's row). The id is
  // cast: better-sqlite3 binds a JS number as a REAL, and FTS5 ignores a rowid constraint that is not an
  // INTEGER — every matching row would come back.
  return kept.slice(offset, need).map((r, i) => {
    const m = i < marked ? s.marks.get(SNIPPET_TOKENS, match, r.id) : undefined;
    return {
      clause_id: r.id,
      version_id: r.version_id,
      ref: r.ref,
      heading: r.heading,
      rank: -r.rank,
      heading_marked: m?.heading_marked ?? r.heading,
      snippet_marked: m?.snippet_marked ?? '',
    };
  });
}

/**
 * The words of a query that only ANDs plain words, as FTS5 indexes them (stemmed), or null: phrases,
 * prefixes, OR and NOT go to FTS5 itself, and so does a word beyond ASCII (porter.ts tokenizes such text
 * close to, not exactly as, FTS5). A word given twice counts twice, as in bm25.
 */
export function plainWords(q: TextQuery): string[] | null {
  if (q.none.length) return null;
  const out: string[] = [];
  for (const alts of q.all) {
    if (alts.length !== 1) return null;
    const [t] = alts;
    if (t.prefix || t.tokens.length !== 1 || !/^[a-z0-9]+$/.test(t.tokens[0])) return null;
    out.push(stemOf(t.tokens[0]));
  }
  return out.length ? out : null;
}

/**
 * A plain word search ranked over the impact-ordered lists (postings.ts): only the versions searched are
 * read into the walk (so a narrow scope costs less, not more), and the walk stops at the k-th best. The
 * hits then get their clause and, for those shown, FTS5's marks.
 */
function postingsSearch(s: Fts5Statements, words: string[], match: string, versionIds: number[], limit: number, offset: number, marked: number): ClauseHit[] {
  const need = offset + limit;
  const clauses = s.holding.get('') ?? 0;
  // the rarest term first: the lists of the others are read only in the versions that hold it
  const terms = [...new Set(words)].map((term) => ({ term, holding: s.holding.get(term) ?? 0 })).sort((a, b) => a.holding - b.holding);
  if (!terms[0]?.holding) return [];
  const weight = terms.map((t) => idf(clauses, t.holding) * words.filter((w) => w === t.term).length);
  const allowed = new Set(versionIds);
  const inScope: Map<number, Buffer>[] = [];
  for (const { term } of terms) {
    const rows = inScope.length ? s.postingsOf.all(term, JSON.stringify([...inScope[inScope.length - 1]!.keys()])) : s.postings.all(term);
    const lists = new Map<number, Buffer>();
    for (const [version, postings] of rows) if (allowed.has(version) && (!inScope.length || inScope[inScope.length - 1]!.has(version))) lists.set(version, postings);
    if (!lists.size) return [];
    inScope.push(lists);
  }
  // only the versions holding every term can hold a clause that does
  const versions = [...inScope[inScope.length - 1]!.keys()];
  const lists: PostingList[][] = inScope.map((byVersion) => versions.map((v) => decode(byVersion.get(v)!)));
  const hits = topK(lists, weight, need).slice(offset);
  if (!hits.length) return [];
  const rows = new Map(s.details.all(JSON.stringify(hits.map((h) => h.id))).map((r) => [r.id, r]));
  const marks = marked > 0 ? new Map(s.marksOf.all(SNIPPET_TOKENS, match, JSON.stringify(hits.slice(0, marked).map((h) => h.id))).map((m) => [m.id, m])) : undefined;
  return hits.flatMap((h) => {
    const r = rows.get(h.id);
    if (!r) return [];
    const m = marks?.get(h.id);
    return [{
      clause_id: r.id,
      version_id: r.version_id,
      ref: r.ref,
      heading: r.heading,
      rank: h.score,
      heading_marked: m?.heading_marked ?? r.heading,
      snippet_marked: m?.snippet_marked ?? '',
    }];
  });
}

/** The tsvector of a clause: the heading weighs A, the body B (ts_rank's weights 1.0 and 0.4). */
export const PG_VECTOR = `setweight(to_tsvector('english', coalesce(heading, '')), 'A') || setweight(to_tsvector('english', coalesce(text, '')), 'B')`;
const PG_HEADLINE = `StartSel="${START}", StopSel="${STOP}", MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`;
const PG_HEADING = `StartSel="${START}", StopSel="${STOP}", HighlightAll=true`;

/**
 * ts_headline drops what its parser reads as HTML tags (`<b>`, `<script>`), so the text is escaped before
 * it (entities pass through whole) and unescaped after: snippet.ts escapes it once more, as for FTS5.
 * Control characters would be read as hit marks: they become spaces.
 */
const pgEscaped = (column: string) =>
  `replace(replace(replace(translate(${column}, chr(2) || chr(3), '  '), '&', '&amp;'), '<', '&lt;'), '>', '&gt;')`;
const PG_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };
const pgUnescaped = (s: string) => s.replace(/&(?:amp|lt|gt);/g, (e) => PG_ENTITIES[e]);

const postgres: SearchEngine = {
  name: 'postgresql',
  async optimize() {
    // a GIN index needs no compaction beyond what autovacuum does
  },
  async indexVersion(db, versionId) {
    await db.raw(`update clauses set search_vector = ${PG_VECTOR} where version_id = ?`, [versionId]);
  },
  async search(db, q, versionIds, limit, offset = 0, marked = limit) {
    if (!versionIds.length) return [];
    const tsq = toPgTsquery(q);
    const ranked: { id: number; version_id: number; ref: string; heading: string; rank: number }[] = (
      await db.raw(
        `select c.id, c.version_id, c.ref, c.heading, ts_rank(c.search_vector, x.q) as rank
         from clauses c, (select ${tsq.sql} as q) x
         where c.search_vector @@ x.q and c.version_id = any(?::int[])
         order by rank desc, c.id limit ? offset ?`,
        [...tsq.bindings, pgIntArray(versionIds), limit, offset],
      )
    ).rows;
    if (!ranked.length) return [];
    const marks: { id: number; heading_marked: string; snippet_marked: string }[] = (
      await db.raw(
        `select c.id,
           ts_headline('english', ${pgEscaped('c.heading')}, x.q, ?) as heading_marked,
           ts_headline('english', ${pgEscaped('c.text')}, x.q, ?) as snippet_marked
         from clauses c, (select ${tsq.sql} as q) x where c.id = any(?::int[])`,
        [PG_HEADING, PG_HEADLINE, ...tsq.bindings, pgIntArray(ranked.slice(0, marked).map((r) => r.id))],
      )
    ).rows;
    const byId = new Map(marks.map((m) => [m.id, { heading_marked: pgUnescaped(m.heading_marked), snippet_marked: pgUnescaped(m.snippet_marked) }]));
    return ranked.map((r) => ({
      clause_id: r.id,
      version_id: r.version_id,
      ref: r.ref,
      heading: r.heading,
      rank: Number(r.rank),
      heading_marked: byId.get(r.id)?.heading_marked ?? r.heading,
      snippet_marked: byId.get(r.id)?.snippet_marked ?? '',
    }));
  },
};

/** An int[] literal as one binding (Knex would spread an array binding into a list). */
const pgIntArray = (ids: number[]): string => `{${ids.map((id) => Math.trunc(Number(id))).join(',')}}`;

export function engineFor(db: Pick<Knex, 'client'>): SearchEngine {
  return isSqlite(db) ? fts5 : postgres;
}
