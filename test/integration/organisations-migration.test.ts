import { expect } from 'chai';
import type { Db } from '../../server/db.ts';
import { createDb } from '../../server/db.ts';
import path from 'node:path';
import { tmpDir } from '../helpers/app.ts';
import { FakeClock } from '../../server/clock.ts';
import { auditMigrationNotices } from '../../server/organisations/service.ts';
import { boardOn, votingOrganisationOf } from '../../server/organisations/board.ts';

const FIRST = '20261201130001_create_organisations.ts';

/** Runs the migrations that come before the organisations register, one by one. */
async function migrateUpToBefore(db: Db, name: string): Promise<void> {
  for (;;) {
    const [, pending] = (await db.migrate.list()) as [unknown[], Array<string | { file: string }>];
    const next = pending.map((p) => (typeof p === 'string' ? p : p.file)).sort()[0];
    if (!next || next >= name) return;
    await db.migrate.up();
  }
}

/** The register's migrations on a database of free-text organisations (issue 12 item 7). */
describe('organisations: the merge migration on a database with mixed spellings', () => {
  let db: Db;
  const ids: Record<string, number> = {};
  const at = '2026-03-01T09:00:00.000Z';
  const idOf = (r: unknown) => (typeof r === 'object' ? (r as { id: number }).id : (r as number));
  const user = async (email: string, organisation: string, role: string, extra: Record<string, unknown> = {}) => {
    const [r] = await db('users').insert({ email, name: email.split('@')[0], organisation, role, password_hash: 'x', created_at: at, ...extra }).returning('id');
    ids[email] = idOf(r);
  };

  before(async () => {
    db = createDb(`sqlite:${path.join(tmpDir, `orgs-migration-${process.pid}.sqlite3`)}`);
    await migrateUpToBefore(db, FIRST);
    expect(await db.schema.hasTable('organisations')).to.equal(false);
    await user('a@gichd.example', 'GICHD', 'board', { created_at: '2025-05-02T10:00:00.000Z' });
    await user('b@gichd.example', ' gichd ', 'board');
    await user('c@gichd.example', 'Gichd', 'stakeholder');
    await user('d@gichd.example', 'GICHD', 'stakeholder');
    await user('chair@unmas.example', 'UNMAS', 'board', { board_chair: true, created_at: '2024-01-10T08:00:00.000Z' });
    await user('x@ngo.example', 'Field  NGO', 'stakeholder');
    await user('off@undp.example', 'UNDP', 'board', { disabled_at: at });
    // A standard, a draft and a ballot whose electorate and votes name GICHD in two spellings.
    const [s] = await db('standards').insert({ type: 'IMAS', number: '99.01', ref: '99.01', title: 'Test', series: '99' }).returning('id');
    const [v] = await db('versions').insert({ standard_id: idOf(s), n: 1, label: 'Draft', state: 'draft', source: '# x', sha256: 'x'.repeat(64), created_at: at }).returning('id');
    const [b] = await db('ballots').insert({ version_id: idOf(v), opens_at: at, closes_at: '2026-03-20T00:00:00.000Z', rule: 'iso', quorum: 0.5, electorate: JSON.stringify(['GICHD', 'gichd ', 'UNMAS']), created_at: at }).returning('id');
    ids.ballot = idOf(b);
    ids.version = idOf(v);
    await db('votes').insert({ ballot_id: ids.ballot, organisation: 'GICHD', cast_by: ids['a@gichd.example'], version_id: ids.version, position: 'approve', reason: null, cast_at: '2026-03-02T10:00:00.000Z' });
    await db('votes').insert({ ballot_id: ids.ballot, organisation: 'gichd ', cast_by: ids['b@gichd.example'], version_id: ids.version, position: 'disapprove', reason: 'Later, and so it stands.', cast_at: '2026-03-03T10:00:00.000Z' });
    for (const [o, u, p, t] of [['GICHD', 'a@gichd.example', 'approve', '2026-03-02T10:00:00.000Z'], ['gichd ', 'b@gichd.example', 'disapprove', '2026-03-03T10:00:00.000Z']] as const) {
      await db('vote_events').insert({ ballot_id: ids.ballot, organisation: o, cast_by: ids[u], version_id: ids.version, position: p, reason: null, at: t });
    }
    await db.migrate.latest();
  });
  after(() => db.destroy());

  it('makes one record of "GICHD", " gichd " and "Gichd", named as most accounts spelled it', async () => {
    const gichd = await db('organisations').whereRaw('lower(name) = ?', ['gichd']).select('*');
    expect(gichd).to.have.length(1);
    expect(gichd[0].name).to.equal('GICHD');
    const users = await db('users').whereIn('email', ['a@gichd.example', 'b@gichd.example', 'c@gichd.example', 'd@gichd.example']).select('organisation_id', 'organisation');
    expect(new Set(users.map((u) => u.organisation_id))).to.deep.equal(new Set([gichd[0].id]));
    expect(users.every((u) => u.organisation === 'GICHD')).to.equal(true);
    expect((await db('organisations').where({ name: 'Field NGO' }).first()).confirmed).to.equal(0);
    expect((await db('organisations').where({ name: 'UNMAS' }).first()).confirmed).to.equal(1);
  });

  it('leaves a notice listing the merged spellings, written to the audit record once', async () => {
    const notices = await db('organisation_notices').select('*');
    expect(notices).to.have.length(1);
    expect(JSON.parse(notices[0].spellings)).to.have.members(['GICHD', ' gichd ', 'Gichd']);
    const clock = new FakeClock('2026-12-01T10:00:00Z');
    expect(await auditMigrationNotices(db, clock)).to.equal(1);
    expect(await auditMigrationNotices(db, clock)).to.equal(0);
    const event = await db('audit_events').where({ action: 'organisation.spellings_merged' }).first();
    expect(JSON.parse(event.data)).to.deep.include({ name: 'GICHD', by: 'migration' });
  });

  it('turns the chair flag into the chair and enabled board accounts into members, then drops the flag', async () => {
    expect(await db('users').columnInfo()).not.to.have.property('board_chair');
    const board = await boardOn(db, '2026-03-01');
    expect(board.members.map((o) => o.name)).to.deep.equal(['GICHD']);
    expect(board.chair).to.include({ name: 'UNMAS', representative_user_id: ids['chair@unmas.example'] });
    const m = await db('board_memberships').first();
    expect(m).to.include({ from_date: '2025-05-02', principal_user_id: ids['a@gichd.example'] });
    expect((await votingOrganisationOf(db, ids['b@gichd.example']!, '2026-03-01'))?.name).to.equal('GICHD');
    expect(await votingOrganisationOf(db, ids['chair@unmas.example']!, '2026-03-01')).to.equal(null);
  });

  it('moves votes to organisation ids: one vote for the two spellings (the later cast), both in the history, electorate by id', async () => {
    const gichd = (await db('organisations').where({ name: 'GICHD' }).first()).id;
    const unmas = (await db('organisations').where({ name: 'UNMAS' }).first()).id;
    const votes = await db('votes').where({ ballot_id: ids.ballot }).select('*');
    expect(votes).to.have.length(1);
    expect(votes[0]).to.include({ organisation_id: gichd, position: 'disapprove' });
    expect(await db('vote_events').where({ ballot_id: ids.ballot, organisation_id: gichd }).count({ n: '*' }).first()).to.deep.equal({ n: 2 });
    expect(JSON.parse((await db('ballots').where({ id: ids.ballot }).first()).electorate)).to.deep.equal([gichd, unmas]);
    // one vote per organisation is now the key on ids
    let refused = false;
    await db('votes').insert({ ballot_id: ids.ballot, organisation_id: gichd, cast_by: ids['a@gichd.example'], version_id: ids.version, position: 'approve', cast_at: at }).catch(() => (refused = true));
    expect(refused).to.equal(true);
  });

  it('goes down and up again, keeping the data', async () => {
    // down to before the register's first migration, whatever later features added after it
    while (String(await db.migrate.currentVersion()) >= '20261201130001') await db.migrate.down();
    expect(await db.schema.hasTable('organisations')).to.equal(false);
    expect((await db('users').where({ email: 'chair@unmas.example' }).first()).board_chair).to.equal(1);
    expect(await db('votes').where({ ballot_id: ids.ballot }).select('organisation')).to.deep.equal([{ organisation: 'GICHD' }]);
    expect(JSON.parse((await db('ballots').where({ id: ids.ballot }).first()).electorate)).to.deep.equal(['GICHD', 'UNMAS']);
    await db.migrate.latest();
    expect((await boardOn(db, '2026-03-01')).members.map((o) => o.name)).to.deep.equal(['GICHD']);
  });
});
