import { expect } from 'chai';
import { sessionIds } from '../../server/auth/session-ids.ts';

describe('session ids (server/auth/session-ids.ts)', () => {
  it('are 32 base64url characters (24 random bytes, as uid-safe made them), all different, past many refills of the pool', () => {
    const next = sessionIds();
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) seen.add(next());
    expect(seen.size).to.equal(5000);
    for (const id of seen) expect(id).to.match(/^[A-Za-z0-9_-]{32}$/);
    // Two generators share nothing.
    const other = sessionIds();
    expect(seen.has(other())).to.equal(false);
  });

  it('spread their bits: each of the 64 characters appears about as often as the others', () => {
    const next = sessionIds();
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) for (const ch of next().slice(0, 31)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    // 124,000 characters over 64 symbols: ~1,937 each; a stuck or zeroed pool would skew this far.
    expect(counts.size).to.equal(64);
    for (const n of counts.values()) expect(n).to.be.within(1600, 2300);
  });
});
