import crypto from 'node:crypto';

/**
 * The audit chain's rules, pure: how a row is hashed, how new rows are linked onto the chain, and how a
 * chain is checked. Rows written before the server had an AUDIT_KEY are plain SHA-256; from the
 * "keying began" event on, every row is an HMAC-SHA256 with the key, so that someone who can write the
 * database but does not hold the key cannot recompute the chain after editing it. Removing rows from
 * the end leaves a shorter chain that is still consistent: a head (row count and hash) published
 * outside the database catches that.
 */

export const GENESIS = '0'.repeat(64);
export const KEYING_BEGAN = 'audit.keying_began';

/** A row as hashed: every stored field but id, hash and keyed. */
export interface HashedFields {
  at: string;
  actor_id: number | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  data: string;
  prev_hash: string;
}

export interface ChainRow extends HashedFields {
  id: number;
  hash: string;
  /** an HMAC with the audit key (true) or plain SHA-256 (false) */
  keyed: boolean;
}

export type NewRow = Omit<HashedFields, 'prev_hash'>;
export type LinkedRow = HashedFields & { hash: string; keyed: boolean };

/** The chain's last row: what a new row links to, and whether keying has begun. */
export interface Tail {
  hash: string;
  keyed: boolean;
}

/** A known state of the chain: its number of rows and the hash of the last one. */
export interface Head {
  count: number;
  hash: string;
}

const canonical = (row: HashedFields): string =>
  JSON.stringify([row.prev_hash, row.at, row.actor_id, row.action, row.subject_type, row.subject_id, row.data]);

// A key object made once per key: an HMAC from it is about a fifth cheaper than from the string.
const keyObjects = new Map<string, crypto.KeyObject>();
const keyObject = (key: string): crypto.KeyObject => {
  let k = keyObjects.get(key);
  if (!k) keyObjects.set(key, (k = crypto.createSecretKey(Buffer.from(key, 'utf8'))));
  return k;
};

/** The hash of a row: every stored field in a fixed order, joined with the previous hash; keyed with the audit key when given. */
export function hashOf(row: HashedFields, key: string | null = null): string {
  const h = key == null ? crypto.createHash('sha256') : crypto.createHmac('sha256', keyObject(key));
  return h.update(canonical(row)).digest('hex');
}

/**
 * Names a key without revealing it, so that the "keying began" event can say which key the chain is
 * keyed with and verifying with another one says so instead of naming a row as changed.
 */
export function keyIdOf(key: string): string {
  return crypto.createHmac('sha256', key).update('imas-review audit key id').digest('hex').slice(0, 16);
}

export class AuditKeyMissing extends Error {
  constructor() {
    super('The audit chain is keyed: AUDIT_KEY is needed to append to it (see README, "The audit key").');
  }
}

/**
 * Links new rows onto the chain after `tail`, the one place rows get their prev_hash and hash. With a
 * key on a chain not yet keyed, the "keying began" event goes first; without a key on a keyed chain,
 * nothing can be written (a plain row there would read as tampering). `at`: the time of the keying event.
 */
export function linkRows(tail: Tail | undefined, rows: NewRow[], key: string | null, at: string): LinkedRow[] {
  const keyed = tail?.keyed ?? false;
  if (keyed && key == null) throw new AuditKeyMissing();
  const all = [...rows];
  if (key != null && !keyed) {
    all.unshift({ at, actor_id: null, action: KEYING_BEGAN, subject_type: null, subject_id: null, data: JSON.stringify({ key_id: keyIdOf(key) }) });
  }
  let prev = tail?.hash ?? GENESIS;
  // Field by field rather than `{ ...r, more }`, which V8 (Node 20) makes ~10× slower for rows this wide:
  // it runs for every audit row, e.g. for each comment of a batch.
  return all.map((r) => {
    const row: HashedFields = { at: r.at, actor_id: r.actor_id, action: r.action, subject_type: r.subject_type, subject_id: r.subject_id, data: r.data, prev_hash: prev };
    prev = hashOf(row, key);
    return { at: r.at, actor_id: r.actor_id, action: r.action, subject_type: r.subject_type, subject_id: r.subject_id, data: r.data, prev_hash: row.prev_hash, hash: prev, keyed: key != null };
  });
}

export interface ChainReport {
  ok: boolean;
  /** rows that verify (all of them when ok) */
  count: number;
  /** The first row that does not match, and why. */
  firstBad?: { id: number; reason: string };
  /** What is wrong with the chain as a whole (shorter than a known head, no key to check it with). */
  problem?: string;
  /** the id of the "keying began" event: plain rows before it, keyed ones from it on */
  keyedFrom?: number;
}

export const reasons = {
  link: 'prev_hash does not match the hash of the row before (a row was removed, inserted or reordered)',
  changed: 'hash does not match the row contents (the row was changed)',
  changedKeyed: 'HMAC does not match the row contents with AUDIT_KEY (the row was changed, or rewritten by someone without the key)',
  plainAfterKeyed: 'a plain SHA-256 row after keying began (the chain was rewritten by someone without the key)',
  keyedWithoutStart: `a keyed row before any "${KEYING_BEGAN}" event (the chain was rewritten)`,
  otherKey: (was: string, is: string) => `the chain is keyed with another key (key id ${was}; this AUDIT_KEY has key id ${is})`,
  headDiffers: (h: Head) => `hash differs from the known head ${h.count}:${h.hash} (the chain up to that row was rewritten)`,
  shorter: (count: number, h: Head) => `the chain has ${count} rows, fewer than the known head ${h.count}:${h.hash} (rows were removed from the end)`,
  needKey: (id: number) => `rows from ${id} on are keyed: AUDIT_KEY is needed to verify them`,
  neverKeyed: (count: number) =>
    `none of the ${count} rows is keyed although AUDIT_KEY is set: start the server once with the key (it records where keying began), or the chain was rewritten without the key`,
} as const;

const keyIdIn = (data: string): string | undefined => {
  try {
    const v = (JSON.parse(data) as { key_id?: unknown }).key_id;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Walks the chain in order: links, each row's hash (plain before keying began, HMAC with `key` after),
 * then the known heads. Without a key only a chain that was never keyed can be checked. With a key, a
 * non-empty chain must have begun keying, else it could have been rewritten in plain SHA-256 whole.
 */
export function verifyRows(rows: Iterable<ChainRow>, opts: { key?: string | null; heads?: Head[] } = {}): ChainReport {
  const key = opts.key ?? null;
  const heads = opts.heads ?? [];
  const keyId = key == null ? null : keyIdOf(key);
  let prev = GENESIS;
  let count = 0;
  let keyedFrom: number | undefined;
  const bad = (id: number, reason: string): ChainReport => ({ ok: false, count, firstBad: { id, reason }, ...(keyedFrom != null ? { keyedFrom } : {}) });
  for (const row of rows) {
    if (row.prev_hash !== prev) return bad(row.id, reasons.link);
    if (row.keyed) {
      if (keyedFrom == null) {
        if (row.action !== KEYING_BEGAN) return bad(row.id, reasons.keyedWithoutStart);
        keyedFrom = row.id;
        if (keyId == null) return { ok: false, count, keyedFrom, problem: reasons.needKey(row.id) };
        const was = keyIdIn(row.data);
        if (was !== keyId) return bad(row.id, reasons.otherKey(was ?? 'unknown', keyId));
      }
      if (hashOf(row, key) !== row.hash) return bad(row.id, reasons.changedKeyed);
    } else {
      if (keyedFrom != null) return bad(row.id, reasons.plainAfterKeyed);
      if (hashOf(row) !== row.hash) return bad(row.id, reasons.changed);
    }
    prev = row.hash;
    count++;
    for (const h of heads) if (h.count === count && h.hash !== row.hash) return bad(row.id, reasons.headDiffers(h));
  }
  const extra = keyedFrom != null ? { keyedFrom } : {};
  const beyond = heads.filter((h) => h.count > count).sort((a, b) => b.count - a.count)[0];
  if (beyond) return { ok: false, count, problem: reasons.shorter(count, beyond), ...extra };
  if (key != null && count > 0 && keyedFrom == null) return { ok: false, count, problem: reasons.neverKeyed(count) };
  return { ok: true, count, ...extra };
}

/** Reads a head written as N:HASH (a row count and a 64-digit hex hash), as printed on published pages. */
export function parseHead(s: string): Head | null {
  const m = /^(\d{1,12}):([0-9a-f]{64})$/i.exec(s.trim());
  if (!m) return null;
  const count = Number(m[1]);
  return count > 0 ? { count, hash: m[2]!.toLowerCase() } : null;
}

export const formatHead = (h: Head): string => `${h.count}:${h.hash}`;
