import type { ConsultationRow, StandardRow } from './repo.ts';
import type { VersionMeta } from '../versions/repo.ts';

/** What a standard's pages are derived from, as of one revision of the standard. */
export interface StandardSnapshot {
  standard: StandardRow;
  versions: VersionMeta[];
  consultations: ConsultationRow[];
  replacedBy: StandardRow | null;
}

/** The indexed lookup of a standard by ref: the revision says whether a snapshot is still good. */
export interface StandardKey {
  id: number;
  ref: string;
  revision: number;
}

/** Where snapshots come from (StandardStates in ./state.ts; the services only need this much). */
export interface SnapshotSource {
  key(ref: string): Promise<StandardKey | null>;
  snapshot(key: StandardKey): Promise<StandardSnapshot | null>;
}
