// The writes' baseline of the benchmarks (bench/databases.ts, bench/comments.ts), run in a child process.
import http from 'node:http';

/**
 * The writes' baseline: a bare Node http server that reads the body, parses the same JSON and answers
 * (201 for POST, 200 for PUT), nothing else — no Express (issue 17: an Express baseline flattered us).
 */
export function serveBareWrites(): void {
  let id = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: { comment?: string; position?: string };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end();
        return;
      }
      const m = /^\/api\/v1\/(consultations|ballots)\/(\d+)\/(comments|vote)$/.exec(req.url ?? '');
      if (!m) return void res.writeHead(404).end();
      const out = req.method === 'POST' ? JSON.stringify({ id: ++id, reference: `C-${m[2]}-${id}`, comment: body.comment }) : JSON.stringify({ ballot: Number(m[2]), position: body.position });
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(out) });
      res.end(out);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
  process.on('disconnect', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
}

