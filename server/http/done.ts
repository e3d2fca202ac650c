/**
 * The confirmation shown on the page an action lands on: the action names its outcome in `?done=`, the
 * page looks it up in a fixed table of messages (never echoing the query). Own keys only, so
 * `?done=constructor` or `?done=__proto__` finds nothing.
 */
export function doneNotice<M>(table: Readonly<Record<string, M>>, done: unknown): M | null {
  return typeof done === 'string' && Object.hasOwn(table, done) ? table[done]! : null;
}
