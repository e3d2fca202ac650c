import type { Knex } from 'knex';

/**
 * Indexes for consultations with thousands of comments (issue 18). Every count of the consultation page
 * and the comment matrix is read from an index alone, not from the rows of 20,000 comments:
 * - per clause, not withdrawn (the consultation page; the lists' counts): (consultation_id, clause_key,
 *   withdrawn_at), which takes the place of (consultation_id, clause_key), a prefix of it;
 * - the counts beside the matrix's filters and its list of organisations: (consultation_id, organisation,
 *   type, disposition, clause_ref), in the order of the grouped query;
 * - a page ordered by clause finds each comment's clause in the draft by (version_id, key), not by
 *   reading every clause of the version for each comment.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('comments', (t) => {
    t.dropIndex(['consultation_id', 'clause_key']);
    t.index(['consultation_id', 'clause_key', 'withdrawn_at'], 'comments_by_clause');
    t.index(['consultation_id', 'organisation', 'type', 'disposition', 'clause_ref'], 'comments_matrix_counts');
  });
  await knex.schema.alterTable('clauses', (t) => {
    t.index(['version_id', 'key'], 'clauses_by_version_key');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('clauses', (t) => {
    t.dropIndex([], 'clauses_by_version_key');
  });
  await knex.schema.alterTable('comments', (t) => {
    t.dropIndex([], 'comments_matrix_counts');
    t.dropIndex([], 'comments_by_clause');
    t.index(['consultation_id', 'clause_key']);
  });
}
