import type { VersionMeta, VersionRow } from '../versions/repo.ts';

/**
 * The drafts a secretariat form offers (open a consultation, open a ballot): newest first, each marked
 * "superseded" when a later version is based on it or an edition newer than it is published, so the
 * draft to choose is on top and the stale ones say so. Pure: the rows in, the options out.
 */
export interface DraftChoice {
  value: string;
  label: string;
  /** the parts of the label, for a page that words it in another language */
  ref: string;
  n: number;
  versionLabel: string;
  superseded: boolean;
  selected: boolean;
}

type Meta = Pick<VersionMeta, 'id' | 'standard_id' | 'n' | 'state' | 'based_on'>;

export function isSuperseded(draft: Meta, all: Meta[]): boolean {
  return all.some((v) => v.standard_id === draft.standard_id && v.n > draft.n && (v.based_on === draft.id || v.state === 'published'));
}

export function draftChoices(drafts: VersionRow[], all: Meta[], selected: string): DraftChoice[] {
  return [...drafts]
    .sort((a, b) => b.id - a.id)
    .map((d) => {
      const value = `${d.ref}|${d.n}`;
      const superseded = isSuperseded(d, all);
      return { value, label: `${d.ref} version ${d.n}: ${d.label}${superseded ? ' (superseded)' : ''}`, ref: d.ref, n: d.n, versionLabel: d.label, superseded, selected: value === selected };
    });
}
