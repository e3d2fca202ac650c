import fs from 'node:fs';

/**
 * valgrind's arguments for counting a Node process's instructions by callgrind, one file per thread
 * (`<out>.<pid>.<part>-<thread>`, the main thread -01), a new part at each getrusage: the process marks
 * a window by calling process.cpuUsage().
 */
export const callgrindArgs = (out: string): string[] => ['--tool=callgrind', '--separate-threads=yes', '--dump-before=getrusage', `--callgrind-out-file=${out}.%p`];

/** The instructions counted in one callgrind dump. */
export function instructionsIn(file: string): number {
  const m = /^(?:summary|totals): (\d+)/m.exec(fs.readFileSync(file, 'utf8'));
  if (!m) throw new Error(`no count in ${file}`);
  return Number(m[1]);
}
