/**
 * Search (issue 15 items 1–3): what a query means (query.ts), which versions the viewer may search,
 * the ranked clauses from the index (engine.ts), the standards whose number or title match (the
 * catalogue's rule) and the comments the viewer may search. Knows nothing of Express.
 */
import type { Knex } from 'knex';
import type { Clock } from '../clock.ts';
import { utcDay } from '../clock.ts';
import { BadRequest } from '../errors.ts';
import type { Viewer } from '../auth/viewer.ts';
import { can } from '../auth/permissions.ts';
import { consultationState, releasesDraft } from '../consultations/state.ts';
import { editionLabel, inForceOn } from '../versions/edition.ts';
import { designation } from '../standards/refs.ts';
import { engineFor } from './engine.ts';
import { parseQuery, type TextQuery } from './query.ts';
import { markWords, markedHtml, plainText } from './snippet.ts';
import * as repo from './repo.ts';
import type { SearchInput } from './validation.ts';

export const PAGE_SIZE = 20;
const COMMENT_LIMIT = 50;

export type VersionKind = 'current' | 'upcoming' | 'superseded' | 'consultation' | 'draft';

export interface ClauseResult {
  standard: { ref: string; designation: string; title: string; type: string };
  version: { n: number; label: string; kind: VersionKind };
  clause: { ref: string; heading: string };
  url: string;
  rank: number;
  heading_html: string;
  snippet_html: string;
  snippet: string;
}

export interface CommentResult {
  id: number;
  url: string;
  consultation_id: number;
  seq: number;
  author_name: string;
  organisation: string;
  clause_ref: string | null;
  standard: string | null;
  disposition: string | null;
  withdrawn: boolean;
  snippet_html: string;
  snippet: string;
}

export type SearchOutcome =
  | { kind: 'redirect'; url: string; ref: string; clause: string | null }
  | {
      kind: 'results';
      results: ClauseResult[];
      more: boolean;
      page: number;
      standards: { ref: string; designation: string; title: string }[];
      comments: CommentResult[] | null;
      commentsScope: 'all' | 'own' | null;
    };

interface Scoped {
  version: repo.ScopeVersion;
  standard: repo.ScopeStandard;
  kind: VersionKind;
}

/** The versions a viewer may search, each with its kind; `all` adds superseded editions and old drafts. Pure. */
export function searchableVersions(
  data: { standards: repo.ScopeStandard[]; versions: repo.ScopeVersion[]; consultations: repo.ScopeConsultation[] },
  viewer: Viewer | null,
  now: Date,
  all: boolean,
): Scoped[] {
  const day = utcDay(now);
  const unreleased = can(viewer, 'drafts.read-unreleased');
  const byStandard = new Map<number, repo.ScopeVersion[]>();
  for (const v of data.versions) byStandard.get(v.standard_id)?.push(v) ?? byStandard.set(v.standard_id, [v]);
  const consultations = new Map<number, repo.ScopeConsultation[]>();
  for (const c of data.consultations) consultations.get(c.version_id)?.push(c) ?? consultations.set(c.version_id, [c]);
  const out: Scoped[] = [];
  for (const standard of data.standards) {
    const versions = byStandard.get(standard.id) ?? [];
    const current = inForceOn(versions, day, standard.withdrawn_on);
    const lastPublished = Math.max(0, ...versions.filter((v) => v.state === 'published').map((v) => v.n));
    for (const version of versions) {
      const cs = consultations.get(version.id) ?? [];
      let kind: VersionKind;
      if (version.state === 'published') {
        kind = version === current ? 'current' : version.in_force_from && version.in_force_from > day && !standard.withdrawn_on ? 'upcoming' : 'superseded';
      } else {
        // the rule of the draft pages (server/standards/service.ts standardDetail)
        if (!unreleased && !cs.some((c) => releasesDraft(c, now))) continue;
        kind = cs.some((c) => consultationState(c, now) === 'open') ? 'consultation' : 'draft';
      }
      const live = kind === 'current' || kind === 'upcoming' || kind === 'consultation' || (kind === 'draft' && version.n > lastPublished && version.state !== 'rejected');
      if (all || live) out.push({ version, standard, kind });
    }
  }
  return out;
}

function versionUrl(s: Scoped): string {
  return s.kind === 'current' ? `/standards/${s.standard.ref}` : `/standards/${s.standard.ref}/versions/${s.version.n}`;
}

export async function search(db: Knex, clock: Clock, viewer: Viewer | null, input: SearchInput): Promise<SearchOutcome> {
  const parsed = parseQuery(input.q);
  if (parsed.kind === 'invalid') throw new BadRequest(parsed.message, { q: parsed.message });
  const data = await repo.scope(db);
  let text: TextQuery;
  if (parsed.kind === 'designation') {
    const standard = data.standards.find((s) => s.ref === parsed.ref);
    if (standard) {
      const url = `/standards/${standard.ref}${parsed.clause ? `#clause-${parsed.clause}` : ''}`;
      return { kind: 'redirect', url, ref: standard.ref, clause: parsed.clause };
    }
    if (!parsed.fallback) throw new BadRequest(`There is no standard ${parsed.ref} in the catalogue.`, { q: `There is no standard ${parsed.ref} in the catalogue.` });
    text = parsed.fallback;
  } else {
    text = parsed;
  }
  const now = clock.now();
  const wantAll = input.versions === 'all' || input.state === 'superseded';
  const scoped = searchableVersions(data, viewer, now, wantAll).filter(
    (s) =>
      (!input.series || s.standard.series === input.series) &&
      (!input.type || s.standard.type === input.type) &&
      (!input.state || s.kind === input.state),
  );
  const byVersion = new Map(scoped.map((s) => [s.version.id, s]));
  const page = input.page ?? 1;
  const hits = await engineFor(db).search(db, text, [...byVersion.keys()], PAGE_SIZE + 1, (page - 1) * PAGE_SIZE, PAGE_SIZE);
  const results = hits.slice(0, PAGE_SIZE).map((h): ClauseResult => {
    const s = byVersion.get(h.version_id)!;
    return {
      standard: { ref: s.standard.ref, designation: designation(s.standard.type, s.standard.number), title: s.standard.title, type: s.standard.type },
      version: { n: s.version.n, label: s.version.label || editionLabel(s.version.edition, s.version.amendment), kind: s.kind },
      clause: { ref: h.ref, heading: h.heading },
      url: `${versionUrl(s)}#clause-${h.ref}`,
      rank: h.rank,
      heading_html: markedHtml(h.heading_marked),
      snippet_html: markedHtml(h.snippet_marked),
      snippet: plainText(h.snippet_marked),
    };
  });
  // The catalogue's rule (number, ref or title contains the text), so the home page's box still finds by name.
  const needle = input.q.trim().toLowerCase();
  const standards = data.standards
    .filter((s) => `${designation(s.type, s.number)} ${s.ref} ${s.title}`.toLowerCase().includes(needle))
    .map((s) => ({ ref: s.ref, designation: designation(s.type, s.number), title: s.title }));
  const commentsScope = can(viewer, 'search.comments-all') ? 'all' : viewer && can(viewer, 'search.comments-own') ? 'own' : null;
  let comments: CommentResult[] | null = null;
  if (commentsScope && page === 1) {
    const versionOf = new Map(data.versions.map((v) => [v.id, v]));
    const standardOf = new Map(data.standards.map((s) => [s.id, s]));
    const rows = await repo.searchComments(db, text.words, commentsScope === 'own' ? viewer!.id : null, COMMENT_LIMIT);
    comments = rows.map((c) => {
      const v = versionOf.get(c.version_id);
      const s = v ? standardOf.get(v.standard_id) : undefined;
      const marked = markWords([c.comment, c.proposed_change, c.response].filter(Boolean).join(' — '), text.words);
      return {
        id: c.id,
        url: `/comments/${c.id}`,
        consultation_id: c.consultation_id,
        seq: c.seq,
        author_name: c.author_name,
        organisation: c.organisation,
        clause_ref: c.clause_ref,
        standard: s ? `${designation(s.type, s.number)}${v ? ` ${v.label}` : ''}` : null,
        disposition: c.disposition,
        withdrawn: Boolean(c.withdrawn_at),
        snippet_html: markedHtml(marked),
        snippet: plainText(marked),
      };
    });
  }
  return { kind: 'results', results, more: hits.length > PAGE_SIZE, page, standards, comments, commentsScope };
}
