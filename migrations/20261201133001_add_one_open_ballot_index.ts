import type { Knex } from 'knex';

/**
 * One open ballot per version, held by the database: a ballot is open or closed by its dates, but until
 * its result is frozen (the first transaction that finds it closed writes `result`) and unless it was
 * cancelled, it is unsettled — and a version has at most one unsettled ballot. Opening or moving a
 * ballot settles the version's closed ones first (server/ballots/service.ts), so this is the rule
 * "one open ballot per version" where two processes could both pass the check.
 */
export async function up(knex: Knex): Promise<void> {
  // Two unsettled ballots on one version could only come from a ballot moved onto a version whose
  // closed ballot nobody had read since: reading a ballot settles it, so say which to read.
  const twice = (await knex('ballots').whereNull('result').whereNull('cancelled_at').groupBy('version_id').havingRaw('count(*) > 1').select('version_id')) as Array<{ version_id: number }>;
  if (twice.length) {
    const ids = (await knex('ballots').whereIn('version_id', twice.map((r) => r.version_id)).whereNull('result').whereNull('cancelled_at').pluck('id')) as number[];
    throw new Error(`Ballots ${ids.join(', ')} are unsettled on the same version: open each one's page once (/ballots/ID) so that the closed ones are settled, then migrate again.`);
  }
  await knex.raw('create unique index ballots_one_unsettled_per_version on ballots (version_id) where result is null and cancelled_at is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index ballots_one_unsettled_per_version');
}
