import { expect } from 'chai';
import {
  AuditKeyMissing,
  GENESIS,
  KEYING_BEGAN,
  hashOf,
  keyIdOf,
  linkRows,
  parseHead,
  verifyRows,
  type ChainRow,
  type NewRow,
  type Tail,
} from '../../server/audit/chain.ts';

const KEY = 'unit-test-audit-key-0123456789abcdef';
const AT = '2026-11-23T12:00:00.000Z';

const event = (i: number): NewRow => ({ at: AT, actor_id: i, action: 'test.event', subject_type: 'user', subject_id: String(i), data: JSON.stringify({ n: i }) });

/** A stored chain: `plain` rows written before keying, then `keyed` rows with KEY (the first of them preceded by the keying event). */
function chain(plain: number, keyed: number, key = KEY): ChainRow[] {
  const rows: ChainRow[] = [];
  const add = (linked: ReturnType<typeof linkRows>) => linked.forEach((r) => rows.push({ id: rows.length + 1, ...r }));
  const tail = (): Tail | undefined => (rows.length ? { hash: rows.at(-1)!.hash, keyed: rows.at(-1)!.keyed } : undefined);
  for (let i = 1; i <= plain; i++) add(linkRows(tail(), [event(i)], null, AT));
  for (let i = plain + 1; i <= plain + keyed; i++) add(linkRows(tail(), [event(i)], key, AT));
  return rows;
}

/** What someone without the key does: edit row `from` and recompute every hash from it on with plain SHA-256. */
function rewritePlain(rows: ChainRow[], from: number, edit: (r: ChainRow) => ChainRow, keepKeyedFlag: boolean): ChainRow[] {
  let prev = from > 1 ? rows[from - 2]!.hash : GENESIS;
  return rows.map((r) => {
    if (r.id < from) return r;
    const changed = { ...(r.id === from ? edit(r) : r), prev_hash: prev, keyed: keepKeyedFlag ? r.keyed : false };
    prev = hashOf(changed);
    return { ...changed, hash: prev };
  });
}

const head = (rows: ChainRow[], count = rows.length) => ({ count, hash: rows[count - 1]!.hash });

describe('audit chain rules (keyed and anchored)', () => {
  it('links a keyed chain from a "keying began" event naming the key, HMAC rows after it', () => {
    const rows = chain(0, 2);
    expect(rows.map((r) => r.action)).to.deep.equal([KEYING_BEGAN, 'test.event', 'test.event']);
    expect(JSON.parse(rows[0]!.data)).to.deep.equal({ key_id: keyIdOf(KEY) });
    expect(rows.every((r) => r.keyed)).to.equal(true);
    expect(rows[1]!.hash).to.equal(hashOf(rows[1]!, KEY)).and.not.equal(hashOf(rows[1]!));
    expect(keyIdOf(KEY)).not.to.contain(KEY);
  });

  it('verifies a chain with plain rows written before the key and keyed rows after it', () => {
    const rows = chain(3, 3);
    expect(rows.map((r) => r.keyed)).to.deep.equal([false, false, false, true, true, true, true]);
    expect(verifyRows(rows, { key: KEY })).to.deep.equal({ ok: true, count: 7, keyedFrom: 4 });
    expect(verifyRows(rows, { key: KEY, heads: [head(rows, 2), head(rows)] })).to.deep.equal({ ok: true, count: 7, keyedFrom: 4 });
  });

  it('a chain never keyed verifies without a key, as before', () => {
    expect(verifyRows(chain(4, 0))).to.deep.equal({ ok: true, count: 4 });
    expect(verifyRows([], { key: KEY })).to.deep.equal({ ok: true, count: 0 });
  });

  it('deleting the last rows passes the links but not a known head', () => {
    const rows = chain(2, 5);
    const known = head(rows);
    const cut = rows.slice(0, -2);
    expect(verifyRows(cut, { key: KEY }).ok).to.equal(true);
    const r = verifyRows(cut, { key: KEY, heads: [known] });
    expect(r.ok).to.equal(false);
    expect(r.problem).to.contain(`the chain has 6 rows, fewer than the known head 8:${known.hash}`);
  });

  it('rewriting from an edited keyed row on with plain SHA-256 is caught at that row, whatever the keyed flag says', () => {
    const rows = chain(2, 5);
    const forge = (r: ChainRow) => ({ ...r, data: JSON.stringify({ n: 999 }) });
    const asPlain = verifyRows(rewritePlain(rows, 5, forge, false), { key: KEY });
    expect(asPlain).to.include({ ok: false });
    expect(asPlain.firstBad).to.deep.equal({ id: 5, reason: 'a plain SHA-256 row after keying began (the chain was rewritten by someone without the key)' });
    const flagKept = verifyRows(rewritePlain(rows, 5, forge, true), { key: KEY });
    expect(flagKept.firstBad!.id).to.equal(5);
    expect(flagKept.firstBad!.reason).to.match(/HMAC does not match/);
  });

  it('rewriting the whole chain in plain SHA-256 (dropping the keying event) is caught with the key, and by a head', () => {
    const rows = chain(2, 3);
    const known = head(rows);
    const stripped = rewritePlain(rows.filter((r) => r.action !== KEYING_BEGAN).map((r, i) => ({ ...r, id: i + 1 })), 1, (r) => r, false);
    expect(verifyRows(stripped).ok).to.equal(true); // without the key nothing says keying had begun…
    const withKey = verifyRows(stripped, { key: KEY });
    expect(withKey.ok).to.equal(false);
    expect(withKey.problem).to.match(/none of the 5 rows is keyed although AUDIT_KEY is set/);
    const rewrittenUpTo = rewritePlain(rows, 1, (r) => ({ ...r, action: 'test.forged' }), false);
    const r = verifyRows(rewrittenUpTo, { heads: [known] }); // …and without it, a published head catches it
    expect(r.firstBad!.id).to.equal(known.count);
    expect(r.firstBad!.reason).to.match(/differs from the known head/);
  });

  it('a recomputed chain with as many rows as a head but another hash fails at that row', () => {
    const rows = chain(3, 0);
    const known = head(rows, 2);
    const forged = rewritePlain(rows, 2, (r) => ({ ...r, action: 'test.forged' }), false);
    expect(verifyRows(forged).ok).to.equal(true);
    const r = verifyRows(forged, { heads: [known] });
    expect(r.firstBad!.id).to.equal(2);
    expect(r.firstBad!.reason).to.contain(`differs from the known head 2:${known.hash}`);
  });

  it('says when the key is missing or another one', () => {
    const rows = chain(1, 2);
    expect(verifyRows(rows)).to.deep.equal({ ok: false, count: 1, keyedFrom: 2, problem: 'rows from 2 on are keyed: AUDIT_KEY is needed to verify them' });
    const other = 'another-audit-key-0123456789abcdefgh';
    const r = verifyRows(rows, { key: other });
    expect(r.firstBad!.id).to.equal(2);
    expect(r.firstBad!.reason).to.equal(`the chain is keyed with another key (key id ${keyIdOf(KEY)}; this AUDIT_KEY has key id ${keyIdOf(other)})`);
  });

  it('refuses keyed rows that do not start with the keying event', () => {
    const rows = chain(1, 2).filter((r) => r.action !== KEYING_BEGAN);
    rows[1] = { ...rows[1]!, prev_hash: rows[0]!.hash };
    expect(verifyRows(rows, { key: KEY }).firstBad!.reason).to.match(/keyed row before any "audit.keying_began" event/);
  });

  it('writes nothing without the key once the chain is keyed', () => {
    const rows = chain(0, 1);
    expect(() => linkRows({ hash: rows.at(-1)!.hash, keyed: true }, [event(9)], null, AT)).to.throw(AuditKeyMissing, /AUDIT_KEY is needed/);
    expect(linkRows({ hash: rows.at(-1)!.hash, keyed: true }, [event(9)], KEY, AT).map((r) => r.action)).to.deep.equal(['test.event']);
  });

  it('reads heads written as N:HASH', () => {
    const h = 'ab'.repeat(32);
    expect(parseHead(`12:${h.toUpperCase()}`)).to.deep.equal({ count: 12, hash: h });
    for (const bad of ['12', `0:${h}`, `-1:${h}`, `12:${h.slice(2)}`, `x:${h}`, `12:${h}zz`]) expect(parseHead(bad), bad).to.equal(null);
  });
});
