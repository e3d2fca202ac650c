/**
 * CPU time from /proc (Linux), for the benches that compare processes' work rather than their
 * throughput on a shared machine. µs; a clock tick is 1/100 s (USER_HZ).
 */
import fs from 'node:fs';

const TICK_US = 1e6 / 100;

/** The fields of /proc/<pid>/stat after the command's name (which may hold spaces): state is [0], utime [11]. */
const statFields = (file: string): string[] => {
  const f = fs.readFileSync(file, 'utf8');
  return f.slice(f.lastIndexOf(')') + 2).split(' ');
};

/** User + system CPU of a process so far (of its main thread alone with `mainThread`); 0 where it is gone. */
export function cpuOf(pid: number | undefined, mainThread = false): number {
  try {
    const f = statFields(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`);
    return (Number(f[11]) + Number(f[12])) * TICK_US;
  } catch {
    return 0;
  }
}

/**
 * The CPU of a PostgreSQL server so far: the postmaster, its live children (backends, WAL writer,
 * checkpointer…) and those that have ended (its cutime/cstime).
 */
export function pgServerCpu(postmaster: number): number {
  const own = statFields(`/proc/${postmaster}/stat`);
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = statFields(`/proc/${d}/stat`);
      if (Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // ended meanwhile: counted in the postmaster's cutime at the next reading
    }
  }
  return ticks * TICK_US;
}
