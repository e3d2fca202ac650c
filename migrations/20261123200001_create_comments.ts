import type { Knex } from 'knex';

/** Comments on a draft under consultation (design.md §3): the ISO/IEC commenting template, one row a comment. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('comments', (t) => {
    t.increments('id');
    t.integer('consultation_id').notNullable().references('id').inTable('consultations').onDelete('CASCADE');
    // The receipt number is C-{consultation}-{seq}: short, stable, unique per consultation.
    t.integer('seq').notNullable();
    // Null when the account is deleted or the comment came by e-mail: the name and organisation stay.
    t.integer('author_id').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.string('author_name', 200).notNullable();
    t.string('organisation', 200).notNullable(); // at the time of the comment
    t.integer('entered_by').nullable().references('id').inTable('users').onDelete('SET NULL');
    // Null key and ref: a general comment on the whole draft.
    t.string('clause_key', 32).nullable();
    t.string('clause_ref', 64).nullable();
    t.string('paragraph', 200).nullable();
    t.string('line_number', 50).nullable();
    t.string('type', 16).notNullable(); // general | technical | editorial
    t.text('comment').notNullable();
    t.text('proposed_change').nullable();
    t.string('disposition', 24).nullable(); // accepted | partially_accepted | rejected | noted
    t.text('response').nullable();
    t.integer('disposed_by').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('disposed_at', { useTz: true }).nullable();
    t.timestamp('withdrawn_at', { useTz: true }).nullable();
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).nullable();
    t.unique(['consultation_id', 'seq']);
    t.index(['consultation_id', 'clause_key']);
    t.index(['author_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('comments');
}
