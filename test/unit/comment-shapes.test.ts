import v8 from 'node:v8';
import { expect } from 'chai';
import { storedComment } from '../../server/consultations/batch.ts';
import { commentView } from '../../server/consultations/views.ts';
import type { CommentRow, NewComment } from '../../server/consultations/repo.ts';

/**
 * A comment written, and its view, are objects with fast properties and one hidden class (V8's own
 * tests, %HasFastProperties and %HaveSameMap, enabled for this process): they are made for every
 * comment submitted and read field by field afterwards (the insert's columns, the audit event, the
 * JSON). Copies made with Object.assign({}, row, more) of a row this wide were dictionary-mode objects.
 */
v8.setFlagsFromString('--allow-natives-syntax');
const fast = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;
const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

const newComment = (i: number): NewComment => ({
  consultation_id: 2, author_id: i, author_name: `Author ${i}`, organisation: 'Org', entered_by: null, clause_key: i % 2 ? 'k1' : null, clause_ref: i % 2 ? '4.1' : null,
  paragraph: null, line_number: null, type: 'technical', comment: `Comment ${i}`, proposed_change: null, submitted_at: '',
});

describe('comment objects keep fast properties (batch.ts storedComment, views.ts commentView)', () => {
  it('a stored comment and its view have fast properties and one hidden class each, whatever the row', () => {
    const a = storedComment(newComment(1), 10, 1, '2026-12-02T08:00:00.000Z');
    const b = storedComment(newComment(2), 11, 2, '2026-12-02T08:00:00.001Z');
    expect(fast(a) && fast(b) && sameMap(a, b)).to.equal(true);
    const [va, vb] = [commentView(a), commentView(b)];
    expect(fast(va) && fast(vb) && sameMap(va, vb)).to.equal(true);
    expect(va).to.include({ id: 10, seq: 1, reference: 'C-2-1', withdrawn: false, on_behalf: false, submitted_at: '2026-12-02T08:00:00.000Z', disposition: null });
  });

  it('a row read from the database (a dictionary-mode object here) gives a view like any other', () => {
    const row = Object.assign({}, storedComment(newComment(3), 12, 3, '2026-12-02T08:00:00.002Z'), { withdrawn_at: '2026-12-02T09:00:00.000Z' }) as CommentRow;
    const view = commentView(row);
    expect(fast(view)).to.equal(true);
    expect(sameMap(view, commentView(storedComment(newComment(4), 13, 4, '')))).to.equal(true);
    expect(view.withdrawn).to.equal(true);
  });
});
