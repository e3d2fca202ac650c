import type { Knex } from 'knex';

/**
 * What the audit record's ids name, read at display time: the record keeps ids only (a closed account's
 * row in `users` already reads "former member of <organisation>"), so names are never copied into it.
 */
export interface VersionName {
  id: number;
  ref: string;
  type: string;
  number: string;
  n: number;
  label: string;
  state: string;
  edition: number | null;
  amendment: number | null;
}

export interface AuditNames {
  users: Map<number, { name: string; organisation: string }>;
  /** by version id, and by `${ref}#${n}` for the data that names a version by standard and number */
  versions: Map<number | string, VersionName>;
  standards: Map<number, { ref: string; type: string; number: string }>;
  /** ballot and consultation id → the version it is on */
  ballots: Map<number, number>;
  consultations: Map<number, number>;
}

const ids = (xs: Array<string | number | null | undefined>): number[] =>
  [...new Set(xs.map(Number).filter((x) => Number.isInteger(x) && x > 0))];

export async function namesFor(db: Knex, events: Array<{ actor_id: number | null; subject_type: string | null; subject_id: string | null; data: Record<string, unknown> }>): Promise<AuditNames> {
  const of = (type: string) => ids(events.filter((e) => e.subject_type === type).map((e) => e.subject_id));
  const userIds = ids([...events.map((e) => e.actor_id), ...of('user')]);
  const refs = [...new Set(events.map((e) => e.data.ref).filter((r): r is string => typeof r === 'string'))];
  const [users, ballots, consultations, standards] = await Promise.all([
    userIds.length ? db('users').whereIn('id', userIds).select('id', 'name', 'organisation') : [],
    of('ballot').length ? db('ballots').whereIn('id', of('ballot')).select('id', 'version_id') : [],
    of('consultation').length ? db('consultations').whereIn('id', of('consultation')).select('id', 'version_id') : [],
    of('standard').length ? db('standards').whereIn('id', of('standard')).select('id', 'ref', 'type', 'number') : [],
  ]);
  const versionIds = ids([...of('version'), ...ballots.map((b: { version_id: number }) => b.version_id), ...consultations.map((c: { version_id: number }) => c.version_id)]);
  const versions: VersionName[] = versionIds.length || refs.length
    ? await db('versions as v').join('standards as s', 's.id', 'v.standard_id')
      .where((w) => {
        if (versionIds.length) w.orWhereIn('v.id', versionIds);
        if (refs.length) w.orWhereIn('s.ref', refs);
      })
      .select('v.id', 's.ref', 's.type', 's.number', 'v.n', 'v.label', 'v.state', 'v.edition', 'v.amendment')
    : [];
  const byVersion = new Map<number | string, VersionName>();
  for (const v of versions) {
    byVersion.set(v.id, v);
    byVersion.set(`${v.ref}#${v.n}`, v);
  }
  return {
    users: new Map(users.map((u: { id: number; name: string; organisation: string }) => [u.id, { name: u.name, organisation: u.organisation }])),
    versions: byVersion,
    standards: new Map(standards.map((s: { id: number; ref: string; type: string; number: string }) => [s.id, s])),
    ballots: new Map(ballots.map((b: { id: number; version_id: number }) => [b.id, b.version_id])),
    consultations: new Map(consultations.map((c: { id: number; version_id: number }) => [c.id, c.version_id])),
  };
}
