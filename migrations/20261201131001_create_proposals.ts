import type { Knex } from 'knex';

/**
 * Proposals (Justification Forms, domain.md §1): the first stage of the life of a standard. A proposal
 * is submitted by any account, circulated by the secretariat to the Board's member organisations on that
 * day (the electorate, frozen here with the support threshold of the day), decided when its response date
 * passes (or earlier by the secretariat once enough organisations support it), approved by the Steering
 * Group when it is for a new standard, then drafted, dropped or completed. Its status is derived from
 * these dates and from the versions that carry its id (server/proposals/rules.ts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('proposals', (t) => {
    t.increments('id');
    // new_imas | amendment | new_tnma | new_tep
    t.string('kind', 16).notNullable();
    // the existing standard an amendment concerns; for a new standard, the one created from it
    t.integer('standard_id').nullable().references('id').inTable('standards').onDelete('SET NULL');
    // the number a new standard is proposed under (07.15, 12.10/02), when the proposer knows it
    t.string('proposed_number', 32).nullable();
    t.string('title', 300).notNullable();
    t.text('rationale').notNullable();
    t.text('scope').notNullable();
    // a change that forces national standards or SOPs to change
    t.boolean('substantial').notNullable().defaultTo(false);
    t.integer('proposer_id').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.integer('organisation_id').nullable().references('id').inTable('organisations').onDelete('SET NULL');
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    t.timestamp('edited_at', { useTz: true }).nullable();
    // circulation: the electorate (member organisations that day, JSON [{id, name}]) and the threshold
    t.timestamp('circulated_at', { useTz: true }).nullable();
    t.integer('circulated_by').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('response_due_at', { useTz: true }).nullable();
    t.text('electorate').nullable();
    t.integer('support_percent').nullable();
    // the Board's decision, frozen once: supported | not_supported, with the count it was decided on
    t.string('decision', 16).nullable();
    t.timestamp('decided_at', { useTz: true }).nullable();
    t.integer('decided_by').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.text('decision_tally').nullable();
    // the Steering Group's approval of a new standard
    t.date('sg_approved_on').nullable();
    t.integer('sg_recorded_by').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('sg_recorded_at', { useTz: true }).nullable();
    t.timestamp('dropped_at', { useTz: true }).nullable();
    t.integer('dropped_by').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.text('drop_reason').nullable();
    t.index(['submitted_at']);
    t.index(['standard_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('proposals');
}
