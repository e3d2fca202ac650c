import type { Knex } from 'knex';

/**
 * Votes belong to organisation records, not to names (issue 12): `votes` and `vote_events` get
 * `organisation_id` in place of `organisation`, with the one-vote-per-organisation key on
 * (ballot_id, organisation_id), and a ballot's stored electorate becomes a JSON array of organisation ids.
 * Names are matched as users' were (case and spaces ignored); a name no record has becomes a confirmed
 * record (it was in an electorate). Two votes of one ballot whose names now are one organisation keep the
 * latest cast (the history keeps both). The tables are rebuilt (a new table, copied, renamed): nothing
 * references them, and it is the one way to change a key and a NOT NULL on SQLite and PostgreSQL alike.
 */
const keyOf = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();
const idOf = (r: unknown): number => (typeof r === 'object' ? (r as { id: number }).id : (r as number));

async function organisationIds(knex: Knex): Promise<(name: string) => Promise<number>> {
  const known = new Map<string, number>();
  for (const o of (await knex('organisations').select('id', 'name_key')) as Array<{ id: number; name_key: string }>) known.set(o.name_key, o.id);
  return async (name: string) => {
    const key = keyOf(name);
    if (!known.has(key)) {
      const [ins] = await knex('organisations').insert({ name: name.trim().replace(/\s+/g, ' '), name_key: key, confirmed: true, created_at: new Date().toISOString() }).returning('id');
      known.set(key, idOf(ins));
    }
    return known.get(key)!;
  };
}

function votesTable(name: string, byId: boolean) {
  return (t: Knex.CreateTableBuilder) => {
    t.increments('id');
    t.integer('ballot_id').notNullable().references('id').inTable('ballots').onDelete('CASCADE');
    if (byId) t.integer('organisation_id').notNullable().references('id').inTable('organisations').onDelete('RESTRICT');
    else t.string('organisation', 200).notNullable();
    t.integer('cast_by').notNullable().references('id').inTable('users').onDelete('RESTRICT');
    t.integer('version_id').notNullable().references('id').inTable('versions').onDelete('CASCADE');
    t.string('position', 16).notNullable();
    t.text('reason').nullable();
    if (name === 'votes') {
      t.string('cast_at', 32).notNullable();
      t.unique(['ballot_id', byId ? 'organisation_id' : 'organisation'], { indexName: `votes_one_per_organisation_${byId ? 'id' : 'name'}` });
    } else {
      t.string('at', 32).notNullable();
      t.index(['ballot_id', byId ? 'organisation_id' : 'organisation'], `vote_events_by_organisation_${byId ? 'id' : 'name'}`);
    }
  };
}

const COLS = ['id', 'ballot_id', 'cast_by', 'version_id', 'position', 'reason'];

async function rebuild(knex: Knex, table: 'votes' | 'vote_events', byId: boolean, convert: (row: Record<string, unknown>) => Promise<Record<string, unknown> | null>): Promise<void> {
  // A name per direction: on PostgreSQL the constraints keep the name of the table they were made with.
  const tmp = `${table}_by_${byId ? 'id' : 'name'}`;
  await knex.schema.createTable(tmp, votesTable(table, byId));
  const rows = (await knex(table).select('*').orderBy('id')) as Array<Record<string, unknown>>;
  for (const row of rows) {
    const out = await convert(row);
    if (out) await knex(tmp).insert(out);
  }
  await knex.schema.dropTable(table);
  await knex.schema.renameTable(tmp, table);
  if (knex.client.config.client === 'pg') {
    // The id sequence was made for the new table's name: go on after the copied ids.
    await knex.raw(`select setval(pg_get_serial_sequence(?, 'id'), coalesce((select max(id) from ${table}), 0) + 1, false)`, [table]);
  }
}

const pick = (row: Record<string, unknown>, extra: string) => Object.fromEntries([...COLS, extra].map((c) => [c, row[c]]));

export async function up(knex: Knex): Promise<void> {
  const orgId = await organisationIds(knex);
  // The latest cast per (ballot, organisation) wins when two names turn out to be one organisation.
  const votes = (await knex('votes').select('*').orderBy('cast_at', 'desc').orderBy('id', 'desc')) as Array<Record<string, unknown>>;
  const keep = new Set<unknown>();
  const seen = new Set<string>();
  for (const v of votes) {
    const k = `${String(v.ballot_id)}|${await orgId(String(v.organisation))}`;
    if (!seen.has(k)) (seen.add(k), keep.add(v.id));
  }
  await rebuild(knex, 'votes', true, async (row) => (keep.has(row.id) ? { ...pick(row, 'cast_at'), organisation_id: await orgId(String(row.organisation)) } : null));
  await rebuild(knex, 'vote_events', true, async (row) => ({ ...pick(row, 'at'), organisation_id: await orgId(String(row.organisation)) }));
  for (const b of (await knex('ballots').select('id', 'electorate')) as Array<{ id: number; electorate: string }>) {
    const names = JSON.parse(b.electorate) as string[];
    const ids: number[] = [];
    for (const n of names) {
      const id = await orgId(n);
      if (!ids.includes(id)) ids.push(id);
    }
    await knex('ballots').where({ id: b.id }).update({ electorate: JSON.stringify(ids) });
  }
}

export async function down(knex: Knex): Promise<void> {
  const names = new Map<number, string>();
  for (const o of (await knex('organisations').select('id', 'name')) as Array<{ id: number; name: string }>) names.set(o.id, o.name);
  const nameOf = (id: unknown) => names.get(Number(id)) ?? String(id);
  await rebuild(knex, 'votes', false, async (row) => ({ ...pick(row, 'cast_at'), organisation: nameOf(row.organisation_id) }));
  await rebuild(knex, 'vote_events', false, async (row) => ({ ...pick(row, 'at'), organisation: nameOf(row.organisation_id) }));
  for (const b of (await knex('ballots').select('id', 'electorate')) as Array<{ id: number; electorate: string }>) {
    await knex('ballots').where({ id: b.id }).update({ electorate: JSON.stringify((JSON.parse(b.electorate) as number[]).map(nameOf)) });
  }
}
