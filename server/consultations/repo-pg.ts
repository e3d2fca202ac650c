import type pg from 'pg';
import { pipeline } from '../pg-pipeline.ts';
import { auditRows, toTail, type AuditInput } from '../audit/rows.ts';
import { jobsByConsultation, refusedBy, type BatchJob, type BatchOutcome } from './batch.ts';
import type { CommentRow } from './repo.ts';
import { acceptsComments, type ConsultationTimes } from './state.ts';

// The batch's statements, prepared once per connection (pg-pipeline.ts).
const BEGIN = { name: 'imas_comments_begin', text: 'begin' };
const COMMIT = { name: 'imas_comments_commit', text: 'commit' };
/** Each consultation's row held, in the order of the ids (other processes' batches wait), with its window. */
const LOCK_WINDOWS = { name: 'imas_comments_lock', text: 'select id, opens_at, closes_at, cancelled_at from consultations where id = any($1::int[]) order by id for update' };
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
/** The comments and their audit events, one statement whatever the batch's size. */
const INSERT = {
  name: 'imas_comments_insert',
  text: `with c as (
           insert into comments (id, consultation_id, seq, author_id, author_name, organisation, entered_by, clause_key, clause_ref, paragraph, line_number, type, comment, proposed_change, submitted_at)
           select * from unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::timestamptz[])
         )
         insert into audit_events (at, actor_id, action, subject_type, subject_id, data, prev_hash, hash, keyed)
         select * from unnest($16::text[], $17::int[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[], $24::bool[])`,
};

/**
 * The comment queue's batch on PostgreSQL (writer.ts) in two round trips whatever its size, on a
 * connection of the pool, each a pipeline of prepared statements (pg-pipeline.ts): (1) BEGIN, each
 * consultation's row locked with its window, the last receipt numbers, the audit chain's lock and
 * tail, and the comments' ids; (2) the comments and their audit events in one statement, and COMMIT.
 * Through the query builder the same batch took ten statements, each a round trip and its CPU; as
 * three simple queries, each of its statements was parsed and planned in every batch. The same rows,
 * receipt numbers, locks (in the same order) and chain as before; the same outcomes as batch.ts gives
 * on SQLite.
 */
export async function writeBatchPg(client: pg.ClientBase, jobs: BatchJob[], now: Date, key: string | null, eventOf: (actor: number, c: CommentRow) => AuditInput): Promise<BatchOutcome[]> {
  const at = now.toISOString();
  const cids = [...new Set(jobs.map((j) => j.row.consultation_id))].sort((x, y) => x - y);
  let open = false;
  try {
    open = true;
    const first = await pipeline(client, [
      BEGIN,
      { ...LOCK_WINDOWS, values: [cids] },
      { ...LAST_SEQS, values: [cids] },
      AUDIT_LOCK,
      AUDIT_TAIL,
      { ...NEW_IDS, values: [jobs.length] },
    ]);
    const windows = new Map((first[1]!.rows as Array<ConsultationTimes & { id: number }>).map((r) => [Number(r.id), r]));
    const seqs = new Map((first[2]!.rows as Array<{ consultation_id: number; seq: number | null }>).map((r) => [Number(r.consultation_id), Number(r.seq ?? 0)]));
    const tail = toTail(first[4]!.rows[0] as { hash: string; keyed: unknown } | undefined);
    const newIds = (first[5]!.rows as Array<{ id: number }>).map((r) => Number(r.id));

    const out: BatchOutcome[] = new Array(jobs.length);
    const saved: CommentRow[] = [];
    const events: AuditInput[] = [];
    // Consultation by consultation, in the order they first come in the batch, as batch.ts does on SQLite.
    for (const [cid, ks] of jobsByConsultation(jobs)) {
      const w = windows.get(cid);
      if (!w || !acceptsComments(w, now)) {
        for (const k of ks) out[k] = refusedBy(w);
        continue;
      }
      let seq = seqs.get(cid) ?? 0;
      for (const k of ks) {
        // Object.assign rather than a spread with more fields (views.ts consultationView).
        const c: CommentRow = Object.assign({}, jobs[k]!.row, { id: newIds[k]!, seq: ++seq, submitted_at: at, disposition: null, response: null, disposed_by: null, disposed_at: null, withdrawn_at: null, updated_at: null, edited_at: null });
        saved.push(c);
        events.push(eventOf(jobs[k]!.actor, c));
        out[k] = { saved: c };
      }
    }
    if (saved.length) {
      const audit = auditRows(at, events, tail, key);
      const col = <T, V>(rows: T[], f: (r: T) => V) => rows.map(f);
      await pipeline(client, [
        {
          ...INSERT,
          values: [
            col(saved, (c) => c.id), col(saved, (c) => c.consultation_id), col(saved, (c) => c.seq), col(saved, (c) => c.author_id), col(saved, (c) => c.author_name),
            col(saved, (c) => c.organisation), col(saved, (c) => c.entered_by), col(saved, (c) => c.clause_key), col(saved, (c) => c.clause_ref), col(saved, (c) => c.paragraph),
            col(saved, (c) => c.line_number), col(saved, (c) => c.type), col(saved, (c) => c.comment), col(saved, (c) => c.proposed_change), col(saved, (c) => c.submitted_at),
            col(audit, (r) => r.at), col(audit, (r) => r.actor_id), col(audit, (r) => r.action), col(audit, (r) => r.subject_type), col(audit, (r) => r.subject_id),
            col(audit, (r) => r.data), col(audit, (r) => r.prev_hash), col(audit, (r) => r.hash), col(audit, (r) => r.keyed),
          ],
        },
        COMMIT,
      ]);
    } else {
      await pipeline(client, [COMMIT]);
    }
    open = false;
    return out;
  } catch (err) {
    if (open) await client.query('rollback').catch(() => undefined);
    throw err;
  }
}
