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
