import { expect } from 'chai';
import { hashing, HASHES_AT_ONCE, hashPassword, Limit, passwordProblem, verifyPassword, messages } from '../../server/accounts/passwords.ts';

const costs = { memoryCost: 1024, timeCost: 2 };

describe('password policy', () => {
  it('refuses fewer than 8 characters, counting characters not bytes', () => {
    expect(passwordProblem('short')).to.equal(messages.short);
    expect(passwordProblem('1234567')).to.equal(messages.short);
    expect(passwordProblem('🙂🙂🙂🙂🙂🙂🙂')).to.equal(messages.short); // 7 characters, 14 UTF-16 units
    expect(passwordProblem('🙂🙂🙂🙂 ok🙂🙂')).to.equal(null);
  });

  it('refuses a password of only spaces or invisible characters, and says what to fix', () => {
    for (const p of [' '.repeat(8), '\t'.repeat(10), '\u00a0'.repeat(8), '\u3000'.repeat(12), '\u200b'.repeat(9), ' \u200b \ufeff \u2028  ']) expect(passwordProblem(p), JSON.stringify(p)).to.equal(messages.blank);
    expect(messages.blank).to.match(/letters, digits or symbols/);
    // spaces inside a passphrase are fine
    expect(passwordProblem('        x       ')).to.equal(null);
  });

  it('refuses the most common passwords, whatever the case', () => {
    for (const p of ['password', 'Password1', '12345678', 'QWERTYUIOP', 'iloveyou', 'sunshine1', 'football123']) expect(passwordProblem(p), p).to.equal(messages.common);
  });

  it('has no composition rules: a passphrase of lower-case words is fine', () => {
    expect(passwordProblem('mine clearance takes patience')).to.equal(null);
  });

  it('allows long Unicode passphrases and does not truncate them', async () => {
    const long = 'Déminage humanitaire — 人道主义排雷 — إزالة الألغام '.repeat(5).slice(0, 200);
    expect([...long].length).to.equal(200);
    expect(passwordProblem(long)).to.equal(null);
    const hash = await hashPassword(long, costs);
    expect(hash).to.match(/^\$argon2id\$/);
    expect(await verifyPassword(hash, long)).to.equal(true);
    // a difference in the last character counts: nothing is cut off
    expect(await verifyPassword(hash, long.slice(0, -1) + 'x')).to.equal(false);
    expect(await verifyPassword(hash, long.slice(0, 72))).to.equal(false);
  });

  it('treats composed and decomposed accents as the same password', async () => {
    const hash = await hashPassword('caf\u00e9 au lait du matin', costs);
    expect(await verifyPassword(hash, 'cafe\u0301 au lait du matin')).to.equal(true);
  });

  it('ships a list of at least 1,000 common passwords', async () => {
    const fs = await import('node:fs');
    const lines = fs.readFileSync(new URL('../../server/accounts/common-passwords.txt', import.meta.url), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines.length).to.be.at.least(1000);
  });
});

describe('password hashes at once (issue 17: argon2id takes 64 MiB while it runs)', () => {
  const deferred = () => {
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
  };
  const turn = () => new Promise((r) => setImmediate(r));

  it('runs at most `max` tasks together, the rest in the order they came, a failed task freeing its place', async () => {
    const limit = new Limit(2);
    const tasks = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    const runs = Promise.allSettled(tasks.map((t, i) => limit.run(async () => (started.push(i), await t.promise, i))));
    await turn();
    expect(started).to.deep.equal([0, 1]);
    expect([limit.active, limit.queued]).to.deep.equal([2, 3]);
    tasks[1]!.reject(new Error('argon2 failed'));
    await turn();
    expect(started).to.deep.equal([0, 1, 2]);
    expect([limit.active, limit.queued]).to.deep.equal([2, 2]);
    for (const t of [tasks[0]!, tasks[2]!, tasks[3]!, tasks[4]!]) t.resolve();
    const settled = await runs;
    expect(settled.map((r) => r.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(started).to.deep.equal([0, 1, 2, 3, 4]);
    expect([limit.active, limit.queued, limit.peak]).to.deep.equal([0, 0, 2]);
  });

  it('hashes and checks passwords at most two at a time, however many sign-ins come at once', async () => {
    expect(HASHES_AT_ONCE).to.equal(2);
    hashing.peak = 0;
    const passwords = Array.from({ length: 8 }, (_, i) => `storm passphrase number ${i}`);
    const seen: number[] = [];
    const sampler = setInterval(() => seen.push(hashing.active + hashing.queued), 1);
    const hashes = await Promise.all(passwords.map((p) => hashPassword(p, costs)));
    const checks = await Promise.all([...passwords.map((p, i) => verifyPassword(hashes[i]!, p)), ...passwords.map((p, i) => verifyPassword(hashes[(i + 1) % 8]!, p))]);
    clearInterval(sampler);
    expect(checks).to.deep.equal([...passwords.map(() => true), ...passwords.map(() => false)]);
    expect(hashing.peak, 'never more than two at once').to.equal(2);
    expect(Math.max(...seen), 'the others waited').to.be.greaterThan(2);
    expect([hashing.active, hashing.queued]).to.deep.equal([0, 0]);
  });
});
