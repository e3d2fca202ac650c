import { parseArgs } from 'node:util';
import type { Knex } from 'knex';
import { formatHead, parseHead, type Head } from './chain.ts';
import { verifyChain } from './service.ts';

export const usage = 'usage: npm run audit:verify [-- --head N:HASH ...]  (N: the row count, HASH: the chain hash printed at a publication)';

export interface VerifyOutcome {
  /** 0 intact (and matching every head given), 1 not, 2 bad arguments */
  code: 0 | 1 | 2;
  lines: string[];
}

/**
 * npm run audit:verify, without the process around it (server/cli/audit-verify.ts): checks the chain
 * with the database handle's audit key, and against each `--head N:HASH` copied from a published page
 * or the publications feed, which catches a chain cut short or recomputed whole.
 */
export async function verifyCommand(db: Knex, argv: string[], key: string | null): Promise<VerifyOutcome> {
  let heads: Head[];
  try {
    const { values } = parseArgs({ args: argv, options: { head: { type: 'string', multiple: true } }, strict: true });
    heads = (values.head ?? []).map((s) => {
      const h = parseHead(s);
      if (!h) throw new TypeError(`--head ${s}: expected N:HASH, a row count and a 64-digit hex hash`);
      return h;
    });
  } catch (err) {
    return { code: 2, lines: [(err as Error).message, usage] };
  }
  const r = await verifyChain(db, { key, heads });
  const keying =
    r.keyedFrom != null ? `HMAC with AUDIT_KEY from event ${r.keyedFrom} on${r.keyedFrom > 1 ? ', plain SHA-256 before it' : ''}` : key ? 'no keyed rows' : 'plain SHA-256, no AUDIT_KEY given';
  if (r.ok) {
    const lines = [`audit chain intact: ${r.count} events (${keying})`];
    for (const h of heads) lines.push(`matches the known head ${formatHead(h)}`);
    if (!heads.length) lines.push('to check that it was not cut short or recomputed, give a head printed at a publication: --head N:HASH');
    return { code: 0, lines };
  }
  if (r.firstBad) return { code: 1, lines: [`audit chain broken at row ${r.firstBad.id}: ${r.firstBad.reason} (${r.count} events before it verify)`] };
  return { code: 1, lines: [`audit chain does not verify: ${r.problem} (${r.count} events verify)`] };
}
