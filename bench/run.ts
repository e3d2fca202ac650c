/**
 * npm run bench: every speed and memory figure beside its baseline, measured in the same run (these
 * machines are noisy: the ratios mean more than the absolute times). A script, never a test.
 *   npm run bench [-- pages|diff|requirements|comments|consultations|databases|search|faults …]   to run some of them
 */
import fs from 'node:fs';
import path from 'node:path';

interface Bench {
  name: string;
  file: string;
  run: () => Promise<string[]>;
}

const here = import.meta.dirname;
const benches: Bench[] = [
  {
    name: 'pages',
    file: 'pages.ts',
    run: async () => {
      const m = await import('./pages.ts');
      return m.report(await m.run());
    },
  },
  {
    name: 'diff',
    file: 'diff.ts',
    run: async () => {
      const m = await import('./diff.ts');
      return (await m.run()).map((s) => m.report(s));
    },
  },
  {
    name: 'requirements',
    file: 'requirements.ts',
    run: async () => {
      const m = await import('./requirements.ts');
      return m.report(await m.run());
    },
  },
  {
    name: 'comments',
    file: 'comments.ts',
    run: async () => {
      const m = (await import(path.join(here, 'comments.ts'))) as { run: () => Promise<unknown>; report: (f: unknown) => string[] };
      return m.report(await m.run());
    },
  },
  {
    name: 'databases',
    file: 'databases.ts',
    run: async () => {
      const m = await import('./databases.ts');
      return m.report(await m.run());
    },
  },
  {
    name: 'search',
    file: 'search.ts',
    run: async () => {
      const m = await import('./search.ts');
      return m.report(await m.run());
    },
  },
  {
    name: 'consultations',
    file: 'consultations.ts',
    run: async () => {
      const m = await import('./consultations.ts');
      return m.report(await m.run());
    },
  },
  {
    name: 'faults',
    file: 'faults.ts',
    run: async () => (await import('./faults.ts')).run(),
  },
];

const wanted = process.argv.slice(2);
for (const b of benches) {
  if (wanted.length && !wanted.includes(b.name)) continue;
  if (!fs.existsSync(path.join(here, b.file))) {
    console.log(`${b.name}: no benchmark yet (bench/${b.file})`);
    continue;
  }
  const t0 = performance.now();
  for (const line of await b.run()) console.log(line);
  console.log(`${b.name}: ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}
