import { expect } from 'chai';
import { gathered } from '../../server/accounts/sessions.ts';

/** A lookup whose batches are answered by hand, in the order they were sent. */
function manual() {
  const batches: Array<{ keys: string[]; now: Date; answer(m: Map<string, string>): void; fail(e: Error): void }> = [];
  const run = (keys: string[], now: Date) =>
    new Promise<Map<string, string>>((resolve, reject) => batches.push({ keys, now, answer: resolve, fail: reject }));
  return { batches, run };
}
const failure = (p: Promise<unknown>) => p.then(() => null, (e: Error) => e.message);
const tick = () => new Promise((r) => setImmediate(r));
const at = (s: number) => new Date(Date.UTC(2026, 11, 3, 5, 0, s));

describe('gathered lookups (signed-in sessions on PostgreSQL)', () => {
  it('sends the first at once; those asked while it is out go together in the next batch, each key once', async () => {
    const { batches, run } = manual();
    const lookup = gathered(run, 1);
    const first = lookup('a', at(0));
    expect(batches.map((b) => b.keys)).to.deep.equal([['a']]);
    const later = [lookup('b', at(1)), lookup('a', at(2)), lookup('c', at(1)), lookup('b', at(1))];
    await tick();
    expect(batches).to.have.length(1); // none sent while the first is out
    batches[0]!.answer(new Map([['a', 'A0']]));
    expect(await first).to.equal('A0');
    await tick();
    expect(batches.map((b) => b.keys)).to.deep.equal([['a'], ['b', 'a', 'c']]);
    // the batch's time is its latest lookup's
    expect(batches[1]!.now).to.deep.equal(at(2));
    batches[1]!.answer(new Map([['a', 'A1'], ['b', 'B1']]));
    expect(await Promise.all(later)).to.deep.equal(['B1', 'A1', undefined, 'B1']);
  });

  it('never answers a lookup from a batch sent before it was asked', async () => {
    const { batches, run } = manual();
    const lookup = gathered(run, 1);
    const before = lookup('s', at(0));
    const after = lookup('s', at(1)); // asked while the first batch is out: waits for one of its own
    batches[0]!.answer(new Map([['s', 'signed in']]));
    expect(await before).to.equal('signed in');
    await tick();
    expect(batches).to.have.length(2);
    batches[1]!.answer(new Map()); // signed out meanwhile
    expect(await after).to.equal(undefined);
  });

  it('a failed batch fails each of its lookups, and the next batch goes on', async () => {
    const { batches, run } = manual();
    const lookup = gathered(run, 1);
    const first = lookup('a', at(0));
    const second = [lookup('b', at(0)), lookup('c', at(0))];
    batches[0]!.fail(new Error('connection lost'));
    expect(await failure(first)).to.equal('connection lost');
    await tick();
    batches[1]!.fail(new Error('again'));
    for (const p of second) expect(await failure(p)).to.equal('again');
    const third = lookup('a', at(0));
    batches[2]!.answer(new Map([['a', 'A']]));
    expect(await third).to.equal('A');
  });

  it('with two batches allowed out, the second lookup is sent at once too', async () => {
    const { batches, run } = manual();
    const lookup = gathered(run, 2);
    void lookup('a', at(0));
    void lookup('b', at(0));
    void lookup('c', at(0));
    expect(batches.map((b) => b.keys)).to.deep.equal([['a'], ['b']]);
  });
});
