/**
 * The published pages of a standard that readers who are not signed in get from the page cache:
 * which version an address shows, and the cache key naming everything its bytes depend on. Shared
 * by the Express routes and the fast path (server/http/fast-path.ts), so both agree on every byte.
 */
import { isValidDay } from '../time.ts';
import type { StandardDetail, VersionInfo } from './service.ts';
import { inForceVersion } from './service.ts';

export type PageKind = { kind: 'current' } | { kind: 'version'; n: number } | { kind: 'on'; date: string };

const PATH = /^\/standards\/([^/]+)(?:\/versions\/(\d+)|\/on\/(\d{4}-\d{2}-\d{2}))?$/;

/** Reads /standards/{ref}, /standards/{ref}/versions/{n} and /standards/{ref}/on/{date}. */
export function parsePagePath(path: string): { ref: string; page: PageKind } | null {
  const m = PATH.exec(path);
  if (!m) return null;
  let ref: string;
  try {
    ref = decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
  if (m[2]) return { ref, page: { kind: 'version', n: Number(m[2]) } };
  if (m[3]) return isValidDay(m[3]) ? { ref, page: { kind: 'on', date: m[3] } } : null;
  return { ref, page: { kind: 'current' } };
}

export function pageVersion(detail: StandardDetail, page: PageKind): VersionInfo | null {
  if (page.kind === 'current') return detail.current;
  if (page.kind === 'version') return detail.versions.find((v) => v.n === page.n) ?? null;
  return inForceVersion(detail, page.date);
}

/** Version, language, the standard's revision, the day and the open consultations: all that varies. */
export function pageKey(detail: StandardDetail, v: VersionInfo, page: PageKind, lang: string): string {
  const extra = page.kind === 'on' ? page.date : page.kind;
  return `${v.id}|${lang}|r${detail.revision}|${detail.day}|${detail.openDrafts.map((d) => d.id).join(',')}|${extra}`;
}
