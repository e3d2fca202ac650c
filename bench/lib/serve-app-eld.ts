/**
 * Child process for bench/faults/uploads.ts and bench/consultations.ts: bench/serve-app.ts (our app on a prepared database) with the
 * event loop watched by perf_hooks.monitorEventLoopDelay. The parent asks over IPC: 'reset' starts a
 * window, 'read' answers the longest delay since (ms) — so the figure is the server's own, not the client's.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
process.on('message', (m: { cmd?: string }) => {
  if (m?.cmd === 'reset') {
    h.reset();
    process.send!({ reset: true });
  } else if (m?.cmd === 'read') {
    const mem = process.memoryUsage();
    // maxRssMb: the peak resident size since the process started (the kernel's figure), for what an export costs.
    process.send!({ maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6, rssMb: mem.rss / 1024 / 1024, maxRssMb: process.resourceUsage().maxRSS / 1024, heapMb: mem.heapUsed / 1024 / 1024 });
  }
});
await import('../serve-app.ts');
