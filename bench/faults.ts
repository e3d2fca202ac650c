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
    // Each part's lines are printed as soon as it ends, and a part that fails says so without hiding the rest.
    try {
      const m = (await import(pathToFileURL(path.join(dir, f)).href)) as { run: () => Promise<string[]> };
      const lines = await m.run();
      for (const line of lines) console.log(line);
    } catch (err) {
      console.log(`faults/${f}: FAILED — ${(err as Error).stack ?? err}`);
      process.exitCode = 1;
    }
  }
  return out;
}
