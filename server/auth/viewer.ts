/** Who is asking: null for the public. Roles as design.md §3. */
export const ROLES = ['secretariat', 'board', 'stakeholder'] as const;
export type Role = (typeof ROLES)[number];
export interface Viewer {
  id: number;
  role: Role;
  name: string;
  email: string;
  organisation: string | null;
  /** Until the address is verified a stakeholder can sign in but not comment. */
  emailVerified?: boolean;
  /** the interface language the user chose (server/i18n/); null: the browser's */
  language?: string | null;
}

/** A watch row of a signed-in reader (server/watching/), read with their session: the watch button of a cached page. */
export interface ReaderWatch {
  id: number;
  scope: string;
  series: string | null;
  standard_id: number | null;
}

/** A live session read for a page served from the cache (accounts/sessions.ts readerSessionReader), in one query. */
export interface ReaderSession {
  sess: Record<string, unknown>;
  /** undefined when the session names no user or one that no longer exists */
  user: { id: number; disabled_at: string | null; viewer: Viewer } | undefined;
  /** all the user's watch rows (none without a user) */
  watches: ReaderWatch[];
}
