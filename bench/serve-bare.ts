// Child process for the benchmarks: a bare Node http server answering with the same bytes as our
// page — the same body and the same headers (security headers included) — and 304 on its ETag.
import fs from 'node:fs';
import http from 'node:http';

const body = fs.readFileSync(process.argv[2]!);
const headers = JSON.parse(fs.readFileSync(process.argv[3]!, 'utf8')) as Record<string, string>;
const etag = headers.etag; // a JSON answer may have none: then never a 304
const notModified = { ETag: etag ?? '', Vary: headers.vary ?? 'Accept-Encoding', 'Cache-Control': headers['cache-control'] ?? 'no-cache' };
const server = http.createServer((req, res) => {
  if (etag && req.headers['if-none-match'] === etag) {
    res.writeHead(304, notModified);
    return res.end();
  }
  res.writeHead(200, headers);
  res.end(body);
});
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
process.on('disconnect', () => process.exit(0));
