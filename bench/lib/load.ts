/**
 * A lean HTTP/1.1 load client: raw keep-alive sockets, one request in flight per connection, the
 * response body skipped by its Content-Length without being parsed or copied. autocannon spends its
 * own CPU on large bodies (300 KB pages), and Node's http client several times what a small API call
 * costs the server: either would measure the client rather than the server.
 */
import net from 'node:net';

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  statuses: Record<number, number>;
  errors: number;
}

export interface LoadOptions {
  port: number;
  path: string;
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  /** POST this JSON body, made anew for each request (its number i) */
  body?: (i: number) => string;
  /** PUT instead of POST (with `body`) */
  method?: 'POST' | 'PUT';
  /** headers of connection number c, added to `headers` (e.g. a token per client) */
  connectionHeaders?: (c: number) => Record<string, string>;
}

export async function load(opts: LoadOptions): Promise<LoadResult> {
  return summary([await drive(opts)]);
}

export interface Driven {
  latencies: number[];
  elapsed: number;
  statuses: Record<number, number>;
  errors: number;
}

/** One result from runs of the same load: requests over the time they took, percentiles of all latencies. */
function summary(runs: Driven[]): LoadResult {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const elapsed = runs.reduce((t, r) => t + r.elapsed, 0);
  const statuses: Record<number, number> = {};
  for (const r of runs) for (const [k, n] of Object.entries(r.statuses)) statuses[Number(k)] = (statuses[Number(k)] ?? 0) + n;
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  return { requests: latencies.length, perSecond: latencies.length / elapsed, p50: pct(0.5), p99: pct(0.99), statuses, errors: runs.reduce((e, r) => e + r.errors, 0) };
}

/**
 * Ours and its baseline in turn, `rounds` times, each side given `seconds` in all (ours first, then
 * the order alternating), and each side's figures over all its rounds. The machine's speed drifts
 * within a run — the same bare server answered 16,500 and 28,000 comments a second in two runs of one
 * quiet hour — and measuring one side after the other for the whole time put all of a drift on one.
 */
export async function inTurn(ours: LoadOptions, bare: LoadOptions, rounds = 4): Promise<{ ours: LoadResult; bare: LoadResult }> {
  const o: Driven[] = [];
  const b: Driven[] = [];
  for (let r = 0; r < rounds; r++) {
    const pair = [() => drive({ ...ours, seconds: ours.seconds / rounds }).then((d) => o.push(d)), () => drive({ ...bare, seconds: bare.seconds / rounds }).then((d) => b.push(d))];
    for (const step of r % 2 ? pair.reverse() : pair) await step();
  }
  return { ours: summary(o), bare: summary(b) };
}

/** One run of the load, every latency kept (bench/ab-signedin.ts reads them all). */
export async function drive(opts: LoadOptions): Promise<Driven> {
  const method = opts.body ? (opts.method ?? 'POST') : 'GET';
  const linesOf = (c: number) => [`${method} ${opts.path} HTTP/1.1`, 'Host: 127.0.0.1', ...Object.entries({ ...opts.headers, ...opts.connectionHeaders?.(c) }).map(([k, v]) => `${k}: ${v}`)];
  let n = 0;
  const requestsOf = (c: number) => {
    const lines = linesOf(c);
    const fixed = Buffer.from([...lines, '', ''].join('\r\n'));
    const head = lines.join('\r\n');
    return (): Buffer | string => {
      if (!opts.body) return fixed;
      const body = opts.body(n++);
      return `${head}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    };
  };
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let errors = 0;
  let closedEarly = 0; // connections the server closed before the end: they count as errors
  const end = performance.now() + opts.seconds * 1000;

  const connection = (_: unknown, c: number) =>
    new Promise<void>((resolve) => {
      const nextRequest = requestsOf(c);
      const socket = net.connect(opts.port, '127.0.0.1');
      socket.setNoDelay(true);
      let started = 0;
      let header: Buffer = Buffer.alloc(0);
      let remaining = -1; // body bytes still to skip; -1 while reading the header
      let status = 0;
      const send = () => {
        if (performance.now() >= end) return socket.end();
        started = performance.now();
        socket.write(nextRequest());
      };
      socket.on('connect', send);
      socket.on('data', (chunk: Buffer) => {
        let buf: Buffer = chunk;
        while (buf.length) {
          if (remaining < 0) {
            header = header.length ? Buffer.concat([header, buf]) : buf;
            const idx = header.indexOf('\r\n\r\n');
            if (idx < 0) return;
            const text = header.subarray(0, idx).toString('latin1');
            status = Number(text.slice(9, 12));
            const m = /\r\ncontent-length:\s*(\d+)/i.exec(text);
            remaining = m ? Number(m[1]) : 0;
            buf = header.subarray(idx + 4);
            header = Buffer.alloc(0);
          }
          const take = Math.min(remaining, buf.length);
          remaining -= take;
          buf = buf.subarray(take);
          if (remaining === 0) {
            latencies.push(performance.now() - started);
            statuses[status] = (statuses[status] ?? 0) + 1;
            remaining = -1;
            send();
          }
        }
      });
      socket.on('error', () => {
        errors++;
        resolve();
      });
      socket.on('close', () => {
        if (performance.now() < end) closedEarly++;
        resolve();
      });
    });

  const t0 = performance.now();
  await Promise.all(Array.from({ length: opts.connections }, connection));
  const elapsed = (performance.now() - t0) / 1000;
  return { latencies, elapsed, statuses, errors: errors + closedEarly };
}
