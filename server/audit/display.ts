import { editionLabel } from '../versions/edition.ts';
import { longDate, longDateTime } from '../time.ts';
import type { AuditNames, VersionName } from './repo.ts';

// "IMAS 07.11": the designation as standards/refs.ts writes it (the audit layer sits below the features).
const designation = (type: string, number: string): string => `${type} ${number}`;

/**
 * The audit record as people read it (issue 11 item 11): who by name, what by its public name ("IMAS
 * 07.11 Edition 3", "Draft 4"), dates as on the rest of the site. Pure: the names come in from repo.ts.
 */
export interface AuditLine {
  id: number;
  at: string;
  who: { name: string; href: string } | null;
  action: string;
  subject: { text: string; href: string | null } | null;
  details: Array<{ label: string; value: string }>;
}

export interface AuditInput {
  id: number;
  at: string;
  actor_id: number | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  data: Record<string, unknown>;
}

/** The public name of a version: its edition once published, else the label it was loaded with. */
export function versionTitle(v: Pick<VersionName, 'type' | 'number' | 'label' | 'state' | 'edition' | 'amendment'>): string {
  const name = v.state === 'published' && v.edition ? editionLabel(v.edition, v.amendment) : v.label;
  return `${designation(v.type, v.number)} ${name}`;
}

// Keys whose numbers are a version's internal n (of the standard in `ref`), a version id, an account id.
const VERSION_KEYS = new Set(['n', 'from_n', 'to_n', 'based_on', 'on_version']);
const USER_KEY = /(^|_)(by_id|user_id|actor_id)$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const labelOf = (key: string): string => key.replace(/_(n|id)$/, '').replace(/_/g, ' ');

/** One value of an event's data, read as a person would: names for ids, public version names, dates. */
function readable(key: string, value: unknown, ref: string | null, names: AuditNames): string {
  if (typeof value === 'number' && Number.isInteger(value)) {
    if (VERSION_KEYS.has(key) && ref) {
      const v = names.versions.get(`${ref}#${value}`);
      return v ? versionTitle(v) : `version ${value}`;
    }
    if (key === 'version_id') {
      const v = names.versions.get(value);
      return v ? versionTitle(v) : 'a version (deleted)';
    }
    if (USER_KEY.test(key)) return names.users.get(value)?.name ?? `account ${value}`;
  }
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') return INSTANT.test(value) ? longDateTime(value) : DAY.test(value) ? longDate(value) : value;
  if (Array.isArray(value)) return value.map((x) => readable(key, x, ref, names)).join(typeof value[0] === 'object' ? '; ' : ', ');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([k, x]) => `${labelOf(k)} ${readable(k, x, ref, names)}`).join(', ');
  }
  return String(value);
}

function subjectOf(e: AuditInput, names: AuditNames): AuditLine['subject'] {
  const id = Number(e.subject_id);
  const version = (versionId: number | undefined) => (versionId ? names.versions.get(versionId) : undefined);
  const href = (v: VersionName) => `/standards/${encodeURIComponent(v.ref)}/versions/${v.n}`;
  switch (e.subject_type) {
    case null: return null;
    case 'user': {
      const u = names.users.get(id);
      return { text: u ? u.name : `account ${e.subject_id}`, href: `/admin/users/${id}` };
    }
    case 'version': {
      const v = version(id);
      return v ? { text: versionTitle(v), href: href(v) } : { text: `a version (deleted)`, href: null };
    }
    case 'ballot': {
      const v = version(names.ballots.get(id));
      return { text: `Ballot ${id}${v ? ` on ${versionTitle(v)}` : ''}`, href: `/ballots/${id}` };
    }
    case 'consultation': {
      const v = version(names.consultations.get(id));
      return { text: `Consultation ${id}${v ? ` on ${versionTitle(v)}` : ''}`, href: `/consultations/${id}` };
    }
    case 'comment':
      return { text: `Comment ${typeof e.data.reference === 'string' ? e.data.reference : id}`, href: `/comments/${id}` };
    case 'standard': {
      const s = names.standards.get(id);
      return s ? { text: designation(s.type, s.number), href: `/standards/${encodeURIComponent(s.ref)}` } : { text: `a standard (deleted)`, href: null };
    }
    case 'api_token':
      return { text: 'an API token', href: null };
    case 'proposal':
      return { text: `Proposal P-${e.subject_id}`, href: `/proposals/${id}` };
    default:
      return { text: `${e.subject_type} ${e.subject_id ?? ''}`.trim(), href: null };
  }
}

function detailsOf(e: AuditInput, names: AuditNames): AuditLine['details'] {
  const ref = typeof e.data.ref === 'string' ? e.data.ref : null;
  // The standard is named with the version; its ref alone says no more.
  const named = ref && Object.keys(e.data).some((k) => VERSION_KEYS.has(k));
  return Object.entries(e.data)
    .filter(([key]) => !(named && key === 'ref'))
    .map(([key, value]) => ({ label: key === 'n' || key === 'version_id' ? 'version' : labelOf(key), value: readable(key, value, ref, names) }));
}

export function describeAudit(events: AuditInput[], names: AuditNames): AuditLine[] {
  return events.map((e) => {
    const actor = e.actor_id == null ? undefined : names.users.get(e.actor_id);
    return {
      id: e.id,
      at: e.at,
      who: e.actor_id == null ? null : { name: actor ? actor.name : `account ${e.actor_id}`, href: `/admin/users/${e.actor_id}` },
      action: e.action,
      subject: subjectOf(e, names),
      details: detailsOf(e, names),
    };
  });
}
