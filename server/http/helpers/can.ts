import { can, PERMISSIONS, type Action } from '../../auth/permissions.ts';
import type { Viewer } from '../../auth/viewer.ts';

/** {{#if (can viewer "ballots.read-open")}}: the one table, read as allow() and the services read it. */
export default (viewer: Viewer | null | undefined, action: string): boolean => {
  // A misspelt action must fail loudly, not be read as a rule.
  if (!(action in PERMISSIONS)) throw new Error(`can: no action "${action}" in PERMISSIONS`);
  return can(viewer ?? null, action as Action);
};
