import type BetterSqlite3 from 'better-sqlite3';
import type { NewComment } from './repo.ts';
import type { ConsultationTimes } from './state.ts';

/**
 * The comment queue's statements on SQLite (consultations/writer.ts), prepared once per connection:
 * through the query builder each statement costs far more than SQLite takes to run it, and a batch
 * holds the single connection that every other request shares.
 */
interface CommentStatements {
  consultation: BetterSqlite3.Statement;
  maxSeq: BetterSqlite3.Statement;
  insertComment: BetterSqlite3.Statement;
}
const prepared = new WeakMap<BetterSqlite3.Database, CommentStatements>();
function statementsOf(conn: BetterSqlite3.Database): CommentStatements {
  let s = prepared.get(conn);
  if (!s) {
    s = {
      consultation: conn.prepare('select opens_at, closes_at, cancelled_at from consultations where id = ?'),
      maxSeq: conn.prepare('select max(seq) as seq from comments where consultation_id = ?'),
      insertComment: conn.prepare(
        'insert into comments (consultation_id, seq, author_id, author_name, organisation, entered_by, clause_key, clause_ref, paragraph, line_number, type, comment, proposed_change, submitted_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
    };
    prepared.set(conn, s);
  }
  return s;
}

/** A consultation's window, read on the connection of a synchronous SQLite transaction. */
export function consultationTimesSqlite(conn: BetterSqlite3.Database, id: number): ConsultationTimes | undefined {
  return statementsOf(conn).consultation.get(id) as ConsultationTimes | undefined;
}

/** insertComments on the connection of a synchronous SQLite transaction: the same receipt numbers. */
export function insertCommentsSqlite(conn: BetterSqlite3.Database, consultationId: number, rows: NewComment[]): Array<{ id: number; seq: number }> {
  const s = statementsOf(conn);
  let seq = Number((s.maxSeq.get(consultationId) as { seq: number | null } | undefined)?.seq ?? 0);
  return rows.map((r) => {
    const n = ++seq;
    const id = s.insertComment.run(r.consultation_id, n, r.author_id, r.author_name, r.organisation, r.entered_by, r.clause_key, r.clause_ref, r.paragraph, r.line_number, r.type, r.comment, r.proposed_change, r.submitted_at).lastInsertRowid;
    return { id: Number(id), seq: n };
  });
}
