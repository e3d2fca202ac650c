import { expect } from 'chai';
import { BusyWait, isBusyError, isUnreachableError } from '../../server/db-busy.ts';
import { ServiceUnavailable } from '../../server/errors.ts';

const busy = (code = 'SQLITE_BUSY') => Object.assign(new Error('database is locked'), { code });

describe('waiting for a busy database (db-busy.ts)', () => {
  it('knows SQLite\'s busy answers, and nothing else', () => {
    expect(isBusyError(busy())).to.equal(true);
    expect(isBusyError(busy('SQLITE_BUSY_SNAPSHOT'))).to.equal(true);
    expect(isBusyError(new Error('insert into `t` - database is locked'))).to.equal(true);
    expect(isBusyError(Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }))).to.equal(false);
    expect(isBusyError(null)).to.equal(false);
  });

  it('knows a database server out of reach (PostgreSQL down, restarting, cut off), and nothing else', () => {
    const err = (message: string, props: Record<string, unknown> = {}) => Object.assign(new Error(message), props);
    expect(isUnreachableError(err('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }))).to.equal(true);
    expect(isUnreachableError(err('select 1 - Connection terminated unexpectedly'))).to.equal(true);
    expect(isUnreachableError(err('terminating connection due to administrator command', { code: '57P01' }))).to.equal(true);
    expect(isUnreachableError(err('the database system is starting up', { code: '57P03' }))).to.equal(true);
    expect(isUnreachableError(err('connection failure', { code: '08006' }))).to.equal(true);
    expect(isUnreachableError(err('Knex: Timeout acquiring a connection. The pool is probably full.', { name: 'KnexTimeoutError' }))).to.equal(true);
    expect(isUnreachableError(err('duplicate key value violates unique constraint', { code: '23505' }))).to.equal(false);
    expect(isUnreachableError(err('could not serialize access', { code: '40001' }))).to.equal(false);
    expect(isUnreachableError(busy())).to.equal(false);
    expect(isUnreachableError(undefined)).to.equal(false);
  });

  it('runs the work again while the database is busy, and counts it as waiting meanwhile', async () => {
    const wait = new BusyWait(5000);
    let calls = 0;
    const seen: number[] = [];
    const result = await wait.run(async () => {
      seen.push(wait.waiting);
      if (++calls < 4) throw busy(calls % 2 ? 'SQLITE_BUSY' : 'SQLITE_BUSY_SNAPSHOT');
      return 'done';
    });
    expect(result).to.equal('done');
    expect(seen).to.deep.equal([0, 1, 1, 1]);
    expect(wait.waiting).to.equal(0);
  });

  it('gives up with ServiceUnavailable (Retry-After) when the wait runs out', async () => {
    const wait = new BusyWait(30);
    let calls = 0;
    const err = await wait.run(async () => {
      calls++;
      throw busy();
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ServiceUnavailable);
    expect(err).to.include({ status: 503, code: 'unavailable', retryAfterSec: 1 });
    expect(calls).to.be.greaterThan(1);
    expect(wait.waiting).to.equal(0);
  });

  it('passes any other error on at once', async () => {
    const wait = new BusyWait(5000);
    let calls = 0;
    const err = await wait.run(async () => {
      calls++;
      throw new Error('no such table');
    }).catch((e: unknown) => e);
    expect((err as Error).message).to.equal('no such table');
    expect(calls).to.equal(1);
  });
});
