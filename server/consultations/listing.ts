import type { Viewer } from '../auth/viewer.ts';
import { BadRequest } from '../errors.ts';
import { clausesOf } from '../versions/repo.ts';
import { byKey, locate } from './anchors.ts';
import { checkCanRead, laterVersion } from './comments.ts';
import { getConsultation, type Ctx } from './lifecycle.ts';
import { CursorError, decodeCursor, encodeCursor, facetCounts, PAGE_SIZE, parseLimit, queryDigest, type FacetCounts, type Keyset } from './matrix.ts';
import * as repo from './repo.ts';
import type { MatrixFilter, MatrixSort } from './validation.ts';
import { commentView, type CommentView, type ConsultationView } from './views.ts';

/**
 * Reading the comment matrix of a consultation with thousands of comments (issue 18): a page at a time
 * after a cursor, or the whole of it in batches that the caller writes out as they come (the JSON list,
 * the CSV and XLSX exports), so that no single step holds the event loop for long.
 */

/** Rows read per query when the whole matrix is streamed: a few milliseconds of SQL and JSON each. */
export const STREAM_BATCH = 200;

export interface MatrixHead {
  consultation: ConsultationView;
  /** the later draft the comments were followed onto */
  mappedTo: { n: number; label: string; diff: string } | null;
}

export interface MatrixPage extends MatrixHead {
  comments: CommentView[];
  /** the cursor of the page after this one; null on the last page */
  next: string | null;
  limit: number;
  /** counts beside each filter (when asked for) */
  counts: FacetCounts | null;
}

/** `limit` and `cursor` of a query, checked: 400 with a message when they are not what a page takes. */
export function pagingOf(q: Record<string, unknown>): { limit?: number; cursor?: string } {
  try {
    const limit = parseLimit(q.limit);
    const c = q.cursor;
    if (c !== undefined && typeof c !== 'string') throw new CursorError('Send one cursor, as the `next` link gives it.');
    return { limit, cursor: c === undefined || c === '' ? undefined : c };
  } catch (err) {
    if (err instanceof CursorError) throw new BadRequest(err.message, { [err.message.startsWith('limit') ? 'limit' : 'cursor']: err.message });
    throw err;
  }
}

/** The consultation, if the viewer may read its comments; with what follows them onto a later draft (`version`). */
async function open(ctx: Ctx, viewer: Viewer | null, id: number, version?: number) {
  const c = await getConsultation(ctx, viewer, id);
  checkCanRead(c, viewer);
  let mappedTo: MatrixHead['mappedTo'] = null;
  let place = (cm: CommentView) => cm;
  if (version !== undefined && version !== c.n) {
    const later = await laterVersion(ctx, viewer, c, version);
    const [from, to] = await Promise.all([clausesOf(ctx.db, c.version_id), clausesOf(ctx.db, later.id)]);
    const before = byKey(from);
    const after = byKey(to);
    place = (cm) => {
      cm.location = locate(cm, before, after);
      return cm;
    };
    mappedTo = { n: later.n, label: later.label, diff: `/standards/${encodeURIComponent(c.standard_ref)}/diff/${c.n}..${later.n}` };
  }
  return { consultation: c, mappedTo, place };
}

/** The filter as the repository takes it: "mine" is the viewer's id (nothing of anyone's for the public). */
function repoFilter(filter: MatrixFilter, viewer: Viewer | null): MatrixFilter & { authorId?: number } {
  const { mine, ...rest } = filter;
  return mine ? { ...rest, authorId: viewer ? viewer.id : -1 } : rest;
}

/**
 * One page of the matrix: `limit` rows (PAGE_SIZE by default) in `sort` order after `cursor`, the cursor
 * of the next page, and (`counts`) the counts beside each filter from one grouped query.
 */
export async function matrixPage(
  ctx: Ctx, viewer: Viewer | null, id: number,
  q: { filter: MatrixFilter; sort: MatrixSort; limit?: number; cursor?: string; version?: number; counts?: boolean },
): Promise<MatrixPage> {
  const { consultation: c, mappedTo, place } = await open(ctx, viewer, id, q.version);
  const digest = queryDigest(q.filter, q.sort);
  let after: Keyset | null = null;
  if (q.cursor) {
    try {
      after = decodeCursor(q.cursor, digest, q.sort);
    } catch (err) {
      if (err instanceof CursorError) throw new BadRequest(err.message, { cursor: err.message });
      throw err;
    }
  }
  const limit = q.limit ?? PAGE_SIZE;
  const f = repoFilter(q.filter, viewer);
  const [rows, cube] = await Promise.all([
    repo.commentsPage(ctx.db, c, f, q.sort, after, limit + 1),
    q.counts ? repo.commentCube(ctx.db, c.id, f) : null,
  ]);
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  return {
    consultation: c,
    mappedTo,
    comments: shown.map((r) => place(commentView(r))),
    next: more && last ? encodeCursor({ key: last.sort_key, seq: last.seq }, digest) : null,
    limit,
    counts: cube ? facetCounts(cube, q.filter) : null,
  };
}

/**
 * The whole matrix, read in batches of STREAM_BATCH after one another (the same keyset as the pages):
 * the caller writes each batch out before the next is read.
 */
export async function matrixStream(ctx: Ctx, viewer: Viewer | null, id: number, q: { filter: MatrixFilter; sort: MatrixSort; version?: number }): Promise<MatrixHead & { batches: () => AsyncGenerator<CommentView[]> }> {
  const { consultation: c, mappedTo, place } = await open(ctx, viewer, id, q.version);
  const f = repoFilter(q.filter, viewer);
  async function* batches(): AsyncGenerator<CommentView[]> {
    let after: Keyset | null = null;
    for (;;) {
      const rows = await repo.commentsPage(ctx.db, c, f, q.sort, after, STREAM_BATCH);
      if (rows.length) yield rows.map((r) => place(commentView(r)));
      if (rows.length < STREAM_BATCH) return;
      const last = rows.at(-1)!;
      after = { key: last.sort_key, seq: last.seq };
    }
  }
  return { consultation: c, mappedTo, batches };
}
