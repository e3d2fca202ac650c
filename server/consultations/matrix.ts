/**
 * The comment matrix in pages (issue 18): the orders it can be read in, the cursor that says where a page
 * ends, and the counts shown beside each filter. Pure: the SQL is in repo.ts, the reading in listing.ts.
 *
 * A page is read after the last row of the one before (keyset), never at an offset: a comment added or
 * disposed of meanwhile cannot make a row appear twice or be skipped.
 */
import crypto from 'node:crypto';
import type { MatrixFilter, MatrixSort } from './validation.ts';

export { MATRIX_SORTS, type MatrixSort } from './validation.ts';
export const SORT_LABELS: Record<MatrixSort, string> = { reference: 'Reference (order received)', clause: 'Clause (order in the draft)', organisation: 'Organisation', type: 'Type of comment' };

/** Rows a page of the matrix shows, and the most a client may ask for at once. */
export const PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

/** Where a page ends: the last row's sort key (the clause's position, the organisation, the type) and its receipt number. */
export interface Keyset {
  key: string | number | null;
  seq: number;
}

export const messages = {
  badCursor: 'The cursor is not one this server gave out: follow the `next` link of a page, or start again without a cursor.',
  otherCursor: 'The cursor belongs to other filters or another order: follow the `next` link of a page, or start again without a cursor.',
  badLimit: `limit takes a number of comments from 1 to ${MAX_PAGE_SIZE}.`,
} as const;

/** The cursor is not one we gave out, or not for this query (400). */
export class CursorError extends Error {}

/**
 * The filters and order a cursor was made for, as a short digest: a cursor taken to another query is
 * refused rather than read as a place in a list it does not belong to.
 */
export function queryDigest(filter: MatrixFilter, sort: MatrixSort, extra: Record<string, unknown> = {}): string {
  const keys = Object.keys(filter).sort() as Array<keyof MatrixFilter>;
  const canonical = JSON.stringify([sort, keys.map((k) => [k, filter[k]]), Object.entries(extra).sort()]);
  return crypto.createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}

export function encodeCursor(at: Keyset, digest: string): string {
  return Buffer.from(JSON.stringify({ d: digest, k: at.key, q: at.seq })).toString('base64url');
}

/** The place a cursor names, if it was made for `digest`; CursorError otherwise. */
export function decodeCursor(cursor: string, digest: string, sort: MatrixSort): Keyset {
  if (cursor.length > 600 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new CursorError(messages.badCursor);
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError(messages.badCursor);
  }
  if (!v || typeof v !== 'object') throw new CursorError(messages.badCursor);
  const { d, k, q } = v as Record<string, unknown>;
  if (typeof d !== 'string' || typeof q !== 'number' || !Number.isInteger(q) || q < 0) throw new CursorError(messages.badCursor);
  const keyOk = sort === 'reference' ? k === null : sort === 'clause' ? typeof k === 'number' && Number.isInteger(k) : typeof k === 'string';
  if (d !== digest) throw new CursorError(messages.otherCursor);
  if (!keyOk) throw new CursorError(messages.badCursor);
  return { key: k as Keyset['key'], seq: q };
}

/** `limit` as a query gives it: absent, or a whole number from 1 to MAX_PAGE_SIZE. */
export function parseLimit(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d{1,4}$/.test(v)) throw new CursorError(messages.badLimit);
  const n = Number(v);
  if (n < 1 || n > MAX_PAGE_SIZE) throw new CursorError(messages.badLimit);
  return n;
}

/** One cell of the grouped count: how many comments have this type, organisation and disposition. */
export interface CubeCell {
  type: string;
  organisation: string;
  disposition: string | null;
  n: number;
}

/** The counts beside each filter: for each value, the comments it would show with the other filters kept. */
export interface FacetCounts {
  /** comments matching every filter */
  matching: number;
  /** comments under the clause and text filters alone (the whole consultation without them) */
  all: number;
  types: Map<string, number>;
  organisations: Map<string, number>;
  /** by disposition; 'none' for those without one yet */
  dispositions: Map<string, number>;
}

/**
 * Counts per filter value from one grouped query (type × organisation × disposition, already narrowed by
 * clause and text): a value's count keeps the other filters, as a person choosing it would see.
 */
export function facetCounts(cube: readonly CubeCell[], f: MatrixFilter): FacetCounts {
  const typeOk = (c: CubeCell) => !f.type || c.type === f.type;
  const orgOk = (c: CubeCell) => !f.organisation || c.organisation === f.organisation;
  const dispOk = (c: CubeCell) => !f.disposition || (f.disposition === 'none' ? c.disposition === null : c.disposition === f.disposition);
  const out: FacetCounts = { matching: 0, all: 0, types: new Map(), organisations: new Map(), dispositions: new Map() };
  const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  for (const c of cube) {
    out.all += c.n;
    const t = typeOk(c);
    const o = orgOk(c);
    const d = dispOk(c);
    if (t && o && d) out.matching += c.n;
    if (o && d) add(out.types, c.type, c.n);
    if (t && d) add(out.organisations, c.organisation, c.n);
    if (t && o) add(out.dispositions, c.disposition ?? 'none', c.n);
  }
  return out;
}
