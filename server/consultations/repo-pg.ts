import type pg from 'pg';
import { arrayLiteral, pipeline, type ArrayElement, type Step } from '../pg-pipeline.ts';
import { auditRows, toTail, type AuditInput } from '../audit/rows.ts';
import type { LinkedRow, Tail } from '../audit/chain.ts';
import { jobsByConsultation, refusedBy, storedComment, type BatchJob, type BatchOutcome } from './batch.ts';
import type { CommentRow } from './repo.ts';
import { acceptsComments, type ConsultationTimes } from './state.ts';

// The batch's statements, prepared once per connection (pg-pipeline.ts).
const BEGIN = { name: 'imas_comments_begin', text: 'begin' };
const COMMIT = { name: 'imas_comments_commit', text: 'commit' };
/** Each consultation's row held, in the order of the ids (other processes' batches wait), with its window. */
const LOCK_WINDOWS = {
  name: 'imas_comments_lock_w',
  // w: the window as PostgreSQL prints it, every digit kept: what the one-round-trip batch's guard compares
  text: 'select id, opens_at, closes_at, cancelled_at, row(opens_at, closes_at, cancelled_at)::text as w from consultations where id = any($1::int[]) order by id for update',
};
/**
 * The last receipt number, one consultation's max(seq) at a time: PostgreSQL reads it from the end of
 * the (consultation_id, seq) index. `max(seq) … group by consultation_id` read every comment of the
 * consultation (a bitmap scan and an aggregate) in every batch: most of the server's CPU per batch
 * once a consultation held a few thousand comments. After the lock, so it sees the last batch's comments.
 */
const LAST_SEQS = { name: 'imas_comments_seqs', text: 'select c.id as consultation_id, (select max(seq) from comments where consultation_id = c.id) as seq from unnest($1::int[]) as c(id)' };
const AUDIT_LOCK = { name: 'imas_comments_audit_lock', text: "select pg_advisory_xact_lock(hashtext('audit_events'))" };
const AUDIT_TAIL = { name: 'imas_comments_audit_tail', text: 'select hash, keyed from audit_events order by id desc limit 1' };
const NEW_IDS = { name: 'imas_comments_ids', text: "select nextval(pg_get_serial_sequence('comments', 'id')) as id from generate_series(1, $1::int)" };
const COMMENT_COLUMNS = 'id, consultation_id, seq, author_id, author_name, organisation, entered_by, clause_key, clause_ref, paragraph, line_number, type, comment, proposed_change, submitted_at';
const AUDIT_COLUMNS = 'at, actor_id, action, subject_type, subject_id, data, prev_hash, hash, keyed';
/** The comments' rows ($1–$15) and their audit rows ($16–$24) as rowValues gives them. */
const COMMENT_ROWS = 'select * from unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::timestamptz[])';
const AUDIT_ROWS = 'select * from unnest($16::text[], $17::int[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[], $24::bool[])';
/** The comments and their audit events, one statement whatever the batch's size. */
const INSERT = {
  name: 'imas_comments_insert',
  text: `with c as (insert into comments (${COMMENT_COLUMNS}) ${COMMENT_ROWS})
         insert into audit_events (${AUDIT_COLUMNS}) ${AUDIT_ROWS}`,
};
/**
 * INSERT's rows ($1–$24) only if, under the batch's locks, the database is exactly as this process
 * left it: the audit chain's last hash is $25, and for each consultation $26 its max(seq) is $27 and
 * its window (printed as LOCK_WINDOWS's w) $28, the consultation still there. Else nothing is inserted.
 * Answers whether it inserted. Its snapshot is taken after the locks were granted (pg-pipeline.ts), so
 * it sees whatever another batch or process committed before.
 */
const GUARDED_INSERT = {
  name: 'imas_comments_guarded_insert',
  text: `with ok as (
           select (select hash from audit_events order by id desc limit 1) = $25::text
             and not exists (
               select 1 from unnest($26::int[], $27::int[], $28::text[]) as g(id, seq, w)
               left join consultations k on k.id = g.id
               where k.id is null
                  or row(k.opens_at, k.closes_at, k.cancelled_at)::text <> g.w
                  or coalesce((select max(seq) from comments where consultation_id = g.id), 0) <> g.seq
             ) as ok
         ), c as (
           insert into comments (${COMMENT_COLUMNS}) ${COMMENT_ROWS} where (select ok from ok)
         ), a as (
           insert into audit_events (${AUDIT_COLUMNS}) ${AUDIT_ROWS} where (select ok from ok)
         )
         select coalesce((select ok from ok), false) as ok`,
};

type Window = ConsultationTimes & { id: number; w: string };

/**
 * What this process's last batch left in the database, as far as it knows (the chain's last hash, each
 * consultation's last receipt number and window as read under its lock) and comment ids it has taken
 * from the sequence ahead of use: true as long as no other process or writer has written since. Held by
 * the writer from batch to batch (writer.ts); a batch that finds it no longer true is written the slow way.
 */
export interface PgKnown {
  tail: Tail | undefined;
  seqs: Map<number, number>;
  windows: Map<number, Window>;
  /** ids from nextval not yet used, in order: taken ahead, so that a batch can be hashed before it is sent */
  ids: number[];
  /** batches to write the slow way (the retry of the batch that missed among them) after a guard found another writer's rows */
  skip: number;
  backoff: number;
  /** batches written in one round trip, in two, and one-round-trip tries that found another writer's rows */
  counts: { one: number; two: number; missed: number };
}
export const pgKnown = (): PgKnown => ({ tail: undefined, seqs: new Map(), windows: new Map(), ids: [], skip: 0, backoff: 0, counts: { one: 0, two: 0, missed: 0 } });

/** Ids to hold ahead after a batch of n: enough for a batch twice as big. */
const idsAhead = (n: number) => Math.min(1000, Math.max(64, 2 * n));

type Built = { out: BatchOutcome[]; saved: CommentRow[]; audit: LinkedRow[]; seqs: Map<number, number> };

/**
 * The batch's rows from what was read (or is known): each consultation's window checked at `now`, the
 * accepted comments numbered on from its last receipt and given the next of `ids` in turn, their audit
 * rows linked onto `tail`. The same for both ways of writing a batch.
 */
function build(jobs: BatchJob[], now: Date, key: string | null, eventOf: (actor: number, c: CommentRow) => AuditInput, windows: Map<number, ConsultationTimes>, lastSeqs: Map<number, number>, tail: Tail | undefined, ids: number[]): Built {
  const at = now.toISOString();
  const out: BatchOutcome[] = new Array(jobs.length);
  const saved: CommentRow[] = [];
  const events: AuditInput[] = [];
  const seqs = new Map<number, number>();
  // Consultation by consultation, in the order they first come in the batch, as batch.ts does on SQLite.
  for (const [cid, ks] of jobsByConsultation(jobs)) {
    const w = windows.get(cid);
    if (!w || !acceptsComments(w, now)) {
      for (const k of ks) out[k] = refusedBy(w);
      continue;
    }
    let seq = lastSeqs.get(cid) ?? 0;
    for (const k of ks) {
      const c = storedComment(jobs[k]!.row, ids[saved.length]!, ++seq, at);
      saved.push(c);
      events.push(eventOf(jobs[k]!.actor, c));
      out[k] = { saved: c };
    }
    seqs.set(cid, seq);
  }
  return { out, saved, audit: saved.length ? auditRows(at, events, tail, key) : [], seqs };
}

/** INSERT's and GUARDED_INSERT's first 24 parameters: the comments' and audit rows' columns. */
function rowValues(saved: CommentRow[], audit: LinkedRow[]): unknown[] {
  const col = <T>(rows: T[], f: (r: T) => ArrayElement) => arrayLiteral(rows.map(f));
  return [
    col(saved, (c) => c.id), col(saved, (c) => c.consultation_id), col(saved, (c) => c.seq), col(saved, (c) => c.author_id), col(saved, (c) => c.author_name),
    col(saved, (c) => c.organisation), col(saved, (c) => c.entered_by), col(saved, (c) => c.clause_key), col(saved, (c) => c.clause_ref), col(saved, (c) => c.paragraph),
    col(saved, (c) => c.line_number), col(saved, (c) => c.type), col(saved, (c) => c.comment), col(saved, (c) => c.proposed_change), col(saved, (c) => c.submitted_at),
    col(audit, (r) => r.at), col(audit, (r) => r.actor_id), col(audit, (r) => r.action), col(audit, (r) => r.subject_type), col(audit, (r) => r.subject_id),
    col(audit, (r) => r.data), col(audit, (r) => r.prev_hash), col(audit, (r) => r.hash), col(audit, (r) => r.keyed),
  ];
}

/** After a committed batch: what it left (its last audit row, its receipt numbers), the ids it used gone. */
function remember(known: PgKnown, b: Built, tail: Tail | undefined): void {
  const last = b.audit.at(-1);
  known.tail = last ? { hash: last.hash, keyed: last.keyed } : tail;
  for (const [cid, seq] of b.seqs) known.seqs.set(cid, seq);
  known.ids.splice(0, b.saved.length);
}

/**
 * The comment queue's batch on PostgreSQL (writer.ts), on a connection of the pool, each round trip a
 * pipeline of prepared statements (pg-pipeline.ts). With `known` (what this process's last batch left),
 * in one round trip: the rows made and hashed beforehand from it, then BEGIN, the consultations' rows
 * and the chain's lock (the same locks in the same order), GUARDED_INSERT, COMMIT — the locks held for
 * the server's work and the commit only, no round trip to us in between. If the guard finds the
 * database otherwise (another process or writer wrote since, a consultation changed), nothing is
 * inserted and the batch is written the slow way, in two round trips: (1) BEGIN, each consultation's
 * row locked with its window, the last receipt numbers, the chain's lock and tail, and ids; (2) the
 * comments and their audit events in one statement, and COMMIT. Either way the same rows, receipt
 * numbers, chain and outcomes as batch.ts gives on SQLite.
 */
export async function writeBatchPg(client: pg.ClientBase, jobs: BatchJob[], now: Date, key: string | null, eventOf: (actor: number, c: CommentRow) => AuditInput, known: PgKnown = pgKnown()): Promise<BatchOutcome[]> {
  return (await writeOne(client, jobs, now, key, eventOf, known)) ?? writeTwo(client, jobs, now, key, eventOf, known);
}

/** The batch's consultations, in the order their rows are locked. */
const consultationIds = (jobs: BatchJob[]): number[] => [...new Set(jobs.map((j) => j.row.consultation_id))].sort((x, y) => x - y);

/** Whether a batch can be tried in one round trip: the chain's tail known, ids in hand, no pause after a miss. */
export const oneRoundTrip = (known: PgKnown): boolean => known.skip === 0 && known.tail !== undefined && known.ids.length > 0;

/** The one-round-trip pipeline of a batch made from `known`. */
function oneSteps(b: Built, cids: number[], jobs: number, known: PgKnown, tail: Tail) {
  const more = Math.max(0, idsAhead(jobs) - (known.ids.length - b.saved.length));
  return [
    BEGIN,
    { ...LOCK_WINDOWS, values: [cids] },
    AUDIT_LOCK,
    { ...GUARDED_INSERT, values: [...rowValues(b.saved, b.audit), tail.hash, cids, cids.map((cid) => known.seqs.get(cid)!), cids.map((cid) => known.windows.get(cid)!.w)] },
    // Ids for the batches to come (taken whatever the guard found: a sequence is never rolled back).
    // Inside the transaction: nextval logs the sequence every 32 values, and that needs a WAL flush
    // at commit — after COMMIT, it was a second fdatasync in most batches.
    { ...NEW_IDS, values: [more] },
    COMMIT,
  ];
}

/** `known` after a one-round-trip batch was answered: true if its rows went in (the guard held). */
function afterOne(known: PgKnown, b: Built, tail: Tail, r: pg.QueryResult[]): boolean {
  const ok = Boolean((r[3]!.rows[0] as { ok: boolean | number }).ok);
  const ids = (r[4]!.rows as Array<{ id: number }>).map((x) => Number(x.id));
  if (ok) {
    remember(known, b, tail);
    known.ids.push(...ids);
    known.backoff = 0;
    known.counts.one++;
    return true;
  }
  // Another writer was there first: nothing inserted, the ids still ours. The slow way, and for a
  // while (doubling while it goes on) straight away, so that two busy instances do not pay twice.
  known.ids.push(...ids);
  known.tail = undefined;
  known.backoff = Math.min(32, Math.max(1, known.backoff * 2));
  known.skip = known.backoff;
  known.counts.missed++;
  return false;
}

/**
 * The one-round-trip batch of `jobs` made from `known` (its rows, the chain's tail it links onto, its
 * pipeline), or null when `known` does not cover them — the chain's tail, ids for each, every
 * consultation — or it would write nothing (every comment refused).
 */
function makeOne(jobs: BatchJob[], now: Date, key: string | null, eventOf: (actor: number, c: CommentRow) => AuditInput, known: PgKnown): { b: Built; tail: Tail; steps: Step[] } | null {
  const tail = known.tail;
  if (!oneRoundTrip(known) || !tail || known.ids.length < jobs.length) return null;
  const cids = consultationIds(jobs);
  if (!cids.every((cid) => known.windows.has(cid) && known.seqs.has(cid))) return null;
  const b = build(jobs, now, key, eventOf, known.windows, known.seqs, tail, known.ids);
  return b.saved.length ? { b, tail, steps: oneSteps(b, cids, jobs.length, known, tail) } : null;
}

/** The batch in one round trip if `known` covers it and is still true; null if it was written by neither. */
async function writeOne(client: pg.ClientBase, jobs: BatchJob[], now: Date, key: string | null, eventOf: (actor: number, c: CommentRow) => AuditInput, known: PgKnown): Promise<BatchOutcome[] | null> {
  const one = makeOne(jobs, now, key, eventOf, known);
  if (!one) return null;
  let r: pg.QueryResult[];
  try {
    r = await pipeline(client, one.steps);
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    forget(known);
    throw err;
  }
  return afterOne(known, one.b, one.tail, r) ? one.b.out : null;
}

/** A batch queued by queueOne, once answered. */
export interface Streamed<J extends BatchJob> {
  /** the jobs it took from the queue and must settle (none if it sent nothing, or its guard missed: then they are back at the queue's head) */
  jobs: J[];
  out: BatchOutcome[] | null;
  now: Date;
  /** false: nothing was sent (not known enough), or the guard missed — the next batch goes the slow way */
  went: boolean;
  err?: unknown;
}

/**
 * A one-round-trip batch queued on `client` behind what it is running, made only when the client
 * sends it — the moment the batch before is answered, in the driver's turn (pg-pipeline.ts): it takes
 * from `queue` whatever has arrived by then (up to `max` and the ids in hand), from what `known` says
 * after the batch before. So the next batch reaches the server right after the last one's commit, with
 * no wait for us. Sends nothing if `known` does not cover the queue's head. On a miss the jobs go back
 * to the head of the queue; on an error they are in the answer, to be failed, and the transaction is
 * rolled back. The writer queues at most one query behind the one running (node-postgres's own queue,
 * which pg 8 keeps; the rollback after an error, queued behind that one, makes pg 8.23 print its
 * deprecation notice for queues longer than one, once a process).
 */
export function queueOne<J extends BatchJob>(client: pg.ClientBase, queue: J[], max: number, clock: () => Date, key: string | null, eventOf: (actor: number, c: CommentRow) => AuditInput, known: PgKnown): Promise<Streamed<J>> {
  let taken: J[] = [];
  let made: ReturnType<typeof makeOne> = null;
  let now = clock();
  let ok = false;
  const steps = () => {
    const n = Math.min(queue.length, max, known.ids.length);
    if (!n) return null;
    now = clock();
    made = makeOne(queue.slice(0, n), now, key, eventOf, known);
    if (made) taken = queue.splice(0, n);
    return made?.steps ?? null;
  };
  const settled = (err: Error | null, r: pg.QueryResult[]) => {
    if (!made) return;
    if (err) return forget(known);
    ok = afterOne(known, made.b, made.tail, r);
    // before the next batch is made: these go first, the slow way
    if (!ok) queue.unshift(...taken.splice(0));
  };
  return pipeline(client, steps, settled).then(
    () => ({ jobs: taken, out: ok ? made!.b.out : null, now, went: ok }),
    async (err: unknown) => {
      if (made) await client.query('rollback').catch(() => undefined);
      return { jobs: taken, out: null, now, went: false, err };
    },
  );
}

/** After a failure: whether anything was committed is not known. */
function forget(known: PgKnown): void {
  known.tail = undefined;
  known.seqs.clear();
  known.ids.length = 0;
}

/** The batch in two round trips: what the rows depend on read under the locks, then the rows and COMMIT. */
async function writeTwo(client: pg.ClientBase, jobs: BatchJob[], now: Date, key: string | null, eventOf: (actor: number, c: CommentRow) => AuditInput, known: PgKnown): Promise<BatchOutcome[]> {
  if (known.skip > 0) known.skip--;
  const cids = consultationIds(jobs);
  let open = true;
  try {
    const first = await pipeline(client, [
      BEGIN,
      { ...LOCK_WINDOWS, values: [cids] },
      { ...LAST_SEQS, values: [cids] },
      AUDIT_LOCK,
      AUDIT_TAIL,
      { ...NEW_IDS, values: [Math.max(0, jobs.length + idsAhead(jobs.length) - known.ids.length)] },
    ]);
    const windows = new Map((first[1]!.rows as Window[]).map((r) => [Number(r.id), r]));
    const seqs = new Map((first[2]!.rows as Array<{ consultation_id: number; seq: number | null }>).map((r) => [Number(r.consultation_id), Number(r.seq ?? 0)]));
    const tail = toTail(first[4]!.rows[0] as { hash: string; keyed: unknown } | undefined);
    known.ids.push(...(first[5]!.rows as Array<{ id: number }>).map((r) => Number(r.id)));
    const b = build(jobs, now, key, eventOf, windows, seqs, tail, known.ids);
    await pipeline(client, b.saved.length ? [{ ...INSERT, values: rowValues(b.saved, b.audit) }, COMMIT] : [COMMIT]);
    open = false;
    for (const [cid, w] of windows) known.windows.set(cid, w);
    for (const [cid, seq] of seqs) known.seqs.set(cid, seq);
    for (const cid of cids) if (!windows.has(cid)) known.windows.delete(cid);
    remember(known, b, tail);
    known.counts.two++;
    return b.out;
  } catch (err) {
    if (open) await client.query('rollback').catch(() => undefined);
    forget(known);
    throw err;
  }
}
