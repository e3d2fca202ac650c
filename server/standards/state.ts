import Database from 'better-sqlite3';
import type { Db } from '../db.ts';
import { isSqlite } from '../db.ts';
import * as repo from './repo.ts';
import { versionMetas } from '../versions/repo.ts';
import { standardDetail, type StandardDetail } from './service.ts';
import type { SnapshotSource, StandardKey, StandardSnapshot } from './snapshot.ts';

/**
 * The bound on what another instance's writes take to show on this one's pages: a standard's revision
 * (a cheap indexed read, the generation of all its cached pages) is read again at most this long after
 * it was last read. This process's own writes show at once (see `keys`).
 */
export const KEY_TTL_MS = 100;

/**
 * Reads a standard's state for its pages with one indexed lookup per request. Everything else is kept
 * in memory per (standard, revision): every write to a standard, its versions or its consultations
 * bumps the standard's revision (in the repository function that writes it: server/versions/repo.ts), so a stale snapshot is never used. States that
 * depend on time (current edition, open consultations) are derived from the snapshot and the clock.
 *
 * On SQLite the lookup uses a prepared statement on a read-only connection of its own (through the
 * query builder it costs about 0.2 ms, more than serving a cached page), and is remembered briefly.
 */
export class StandardStates implements SnapshotSource {
  private snapshots = new Map<number, StandardSnapshot>();
  private publicDetails = new WeakMap<StandardSnapshot, { from: number; until: number; detail: StandardDetail }>();
  private stmt: Database.Statement<[string], StandardKey> | null = null;
  private conn: Database.Database | null = null;

  /**
   * Lookups are remembered until this process writes anything through Knex (counted from its query
   * events, before and after each statement, COMMIT included) and for at most KEY_TTL_MS, which
   * bounds what another process's writes (a CLI, a second instance) take to show. Reading the
   * revision on every request cost about a sixth of a cached answer on SQLite, and a round trip to
   * the server on PostgreSQL.
   */
  private keys = new Map<string, { key: StandardKey | null; generation: number; at: number }>();
  private writes = 0;

  constructor(private readonly db: Db) {
    const countWrite = (q: { sql?: string }) => {
      if (!q.sql || !/^\s*select\b/i.test(q.sql)) this.writes++;
    };
    db.on('query', countWrite);
    db.on('query-response', (_r: unknown, q: { sql?: string }) => countWrite(q));
    const filename = (db.client.config.connection as { filename?: string } | undefined)?.filename;
    if (isSqlite(db) && filename && filename !== ':memory:') {
      this.conn = new Database(filename, { readonly: true, fileMustExist: true });
      this.conn.pragma('busy_timeout = 5000');
      this.stmt = this.conn.prepare('select id, ref, revision from standards where ref = ?');
    }
  }

  /** The remembered lookup of a ref, if still good; undefined when it must be read again. */
  cachedKey(ref: string): StandardKey | null | undefined {
    const cached = this.keys.get(ref);
    // Date.now(), not the app's clock: this bounds staleness in real time.
    if (cached && cached.generation === this.writes && Date.now() - cached.at < KEY_TTL_MS) return cached.key;
    return undefined;
  }

  async key(ref: string): Promise<StandardKey | null> {
    const cached = this.cachedKey(ref);
    if (cached !== undefined) return cached;
    // Counted before the read: a write of this process during it makes the answer stale at once.
    const generation = this.writes;
    if (this.stmt) return this.remember(ref, this.stmt.get(ref) ?? null, generation, Date.now());
    // Through Knex (PostgreSQL): the requests that find the lookup expired at the same moment share
    // one read, rather than each sending its own (50 at once under load, every KEY_TTL_MS) — unless
    // this process wrote since that read began.
    const pending = this.reading.get(ref);
    if (pending && pending.generation === generation) return pending.read;
    const now = Date.now();
    const entry = { generation, read: this.db('standards').where({ ref }).first('id', 'ref', 'revision').then((row: StandardKey | undefined) => this.remember(ref, row ?? null, generation, now)) };
    const forget = () => {
      if (this.reading.get(ref) === entry) this.reading.delete(ref);
    };
    entry.read.then(forget, forget);
    this.reading.set(ref, entry);
    return entry.read;
  }

  private reading = new Map<string, { generation: number; read: Promise<StandardKey | null> }>();

  private remember(ref: string, key: StandardKey | null, generation: number, at: number): StandardKey | null {
    if (this.keys.size > 10_000) this.keys.clear();
    this.keys.set(ref, { key, generation, at });
    return key;
  }

  async snapshot(key: StandardKey): Promise<StandardSnapshot | null> {
    const cached = this.snapshots.get(key.id);
    if (cached && cached.standard.revision === key.revision) return cached;
    const standard = await repo.standardById(this.db, key.id);
    if (!standard) return null;
    const [versions, consultations, replacedBy] = await Promise.all([
      versionMetas(this.db, standard.id),
      repo.consultationsOfStandard(this.db, standard.id),
      standard.replaced_by ? repo.standardById(this.db, standard.replaced_by) : null,
    ]);
    const snap = { standard, versions, consultations, replacedBy };
    // Read after the standard row: a write in between bumps the revision again and the next request reloads.
    if (standard.revision === key.revision || !cached || cached.standard.revision < standard.revision) this.snapshots.set(standard.id, snap);
    return snap;
  }

  /**
   * The public view of a snapshot at an instant, reused until the next instant at which any of it can
   * change (see stableUntil).
   */
  publicDetail(snap: StandardSnapshot, now: Date): { detail: StandardDetail; until: number } {
    const t = now.getTime();
    const memo = this.publicDetails.get(snap);
    if (memo && memo.from <= t && t < memo.until) return memo;
    const entry = { from: t, until: stableUntil(snap, now), detail: standardDetail(snap, null, now) };
    this.publicDetails.set(snap, entry);
    return entry;
  }

  close(): void {
    this.conn?.close();
  }
}

/**
 * The next instant at which a snapshot's pages can change by the clock alone: the next UTC midnight
 * (current edition, announcements) or a consultation's opening, close or cancellation.
 */
export function stableUntil(snap: StandardSnapshot, now: Date): number {
  const t = now.getTime();
  let until = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  for (const c of snap.consultations) {
    for (const at of [c.opens_at, c.closes_at, c.cancelled_at]) {
      const x = at ? Date.parse(at) : NaN;
      if (x > t && x < until) until = x;
    }
  }
  return until;
}
