/**
 * npm run bench -- faults: how the server behaves under the faults an attack found (issue "Hardening"):
 * each part lives in bench/faults/<name>.ts and exports `run(): Promise<string[]>` (the lines to print,
 * each figure beside its target or baseline). Parts are run in name order.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = path.join(import.meta.dirname, 'faults');

export async function run(): Promise<string[]> {
  const out: string[] = [];
  const parts = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).sort() : [];
  if (!parts.length) return ['faults: no parts yet (bench/faults/*.ts)'];
  for (const f of parts) {
    const m = (await import(pathToFileURL(path.join(dir, f)).href)) as { run: () => Promise<string[]> };
    out.push(...(await m.run()));
  }
  return out;
}
