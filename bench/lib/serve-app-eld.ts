/**
 * Child process for bench/faults/uploads.ts: bench/serve-app.ts (our app on a prepared database) with the
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
    process.send!({ maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6, rssMb: process.memoryUsage().rss / 1024 / 1024 });
  }
});
await import('../serve-app.ts');
