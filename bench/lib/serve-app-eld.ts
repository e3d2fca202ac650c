/**
 * Child process for bench/faults/uploads.ts and bench/consultations.ts: bench/serve-app.ts (our app on a
 * prepared database) with the event loop watched by perf_hooks.monitorEventLoopDelay. The parent asks over
 * IPC: 'reset' starts a window, 'read' answers the longest delay since (ms) — so the figure is the server's
 * own, not the client's — with the longest garbage-collection pause in the window and the memory; 'gc'
 * collects the garbage left by earlier requests first, when the child runs with --expose-gc.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
let gcMaxMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMaxMs = Math.max(gcMaxMs, e.duration);
}).observe({ entryTypes: ['gc'] });
process.on('message', (m: { cmd?: string }) => {
  if (m?.cmd === 'reset') {
    h.reset();
    gcMaxMs = 0;
    process.send!({ reset: true });
  } else if (m?.cmd === 'gc') {
    (globalThis as { gc?: () => void }).gc?.();
    process.send!({ gc: true });
  } else if (m?.cmd === 'read') {
    const mem = process.memoryUsage();
    // maxRssMb: the peak resident size since the process started (the kernel's figure), for what an export costs.
    process.send!({ maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6, gcMaxMs, rssMb: mem.rss / 1024 / 1024, maxRssMb: process.resourceUsage().maxRSS / 1024, heapMb: mem.heapUsed / 1024 / 1024 });
  }
});
await import('../serve-app.ts');
