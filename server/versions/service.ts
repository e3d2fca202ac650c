import crypto from 'node:crypto';
import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import { Validation } from '../errors.ts';
import { countWords, parseClauses, type ParsedClause, type ParseProblem } from './parse.ts';
import type { Clause } from './clause.ts';
import { inheritKeys } from '../diff/align.ts';
import { clausesOf, insertVersion } from './repo.ts';

export interface NewVersion {
  standardId: number;
  source: string;
  label: string;
  state?: 'draft' | 'published';
  basedOn?: number | null;
  edition?: number | null;
  amendment?: number | null;
  publishedAt?: string | null;
  inForceFrom?: string | null;
  summary?: string | null;
  imported?: boolean;
  sample?: boolean;
  createdBy?: number | null;
  /** the proposal it was drafted from (server/proposals) */
  proposalId?: number | null;
}

export class SourceProblems extends Validation {
  constructor(readonly problems: ParseProblem[]) {
    super(`The text has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.map((p) => `line ${p.line}: ${p.message}`).join(' ')}`, {
      text: problems.map((p) => `line ${p.line}: ${p.message}`).join('\n'),
    });
  }
}

export const newClauseKey = (): string => crypto.randomBytes(8).toString('base64url');
export const sha256 = (s: string): string => crypto.createHash('sha256').update(s, 'utf8').digest('hex');

/** The clauses a new version will have, keyed through the version it is based on. */
export async function prepareClauses(db: Db, source: string, basedOn: number | null, lineOffset = 0): Promise<Clause[]> {
  const { clauses, problems } = parseClauses(source, lineOffset);
  if (problems.length) throw new SourceProblems(problems);
  const plain = clauses.map(({ line: _line, ...c }: ParsedClause) => c);
  const parent = basedOn ? await clausesOf(db, basedOn) : [];
  return inheritKeys(parent, plain, newClauseKey);
}

/**
 * Saves a version and its clauses in one transaction. A version's text never changes after this:
 * a new text is a new version with the next n. The repository bumps the standard's revision.
 */
export async function createVersion(db: Db, clock: Clock, input: NewVersion, lineOffset = 0): Promise<{ id: number; n: number }> {
  const clauses = await prepareClauses(db, input.source, input.basedOn ?? null, lineOffset);
  return db.transaction((trx) =>
    insertVersion(
      trx,
      {
        standard_id: input.standardId,
        label: input.label,
        state: input.state ?? 'draft',
        source: input.source,
        based_on: input.basedOn ?? null,
        edition: input.edition ?? null,
        amendment: input.amendment ?? null,
        published_at: input.publishedAt ?? null,
        in_force_from: input.inForceFrom ?? null,
        summary: input.summary ?? null,
        sha256: sha256(input.source),
        imported: input.imported ?? false,
        sample: input.sample ?? false,
        word_count: countWords(input.source),
        created_by: input.createdBy ?? null,
        created_at: clock.now().toISOString(),
        proposal_id: input.proposalId ?? null,
      },
      clauses,
    ),
  );
}
