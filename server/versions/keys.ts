import type { Clause } from './clause.ts';

// Interim key inheritance (same ref and heading, else same heading): replaced by the diff engine's alignment.
export function inheritKeysSimple(parent: Clause[], draft: Omit<Clause, 'key'>[], newKey: () => string): Clause[] {
  const byRefHeading = new Map(parent.map((c) => [`${c.ref}\u0000${c.heading}`, c.key]));
  const byHeading = new Map(parent.map((c) => [c.heading, c.key]));
  const used = new Set<string>();
  return draft.map((c) => {
    let key = byRefHeading.get(`${c.ref}\u0000${c.heading}`) ?? byHeading.get(c.heading);
    if (!key || used.has(key)) key = newKey();
    used.add(key);
    return { ...c, key };
  });
}
