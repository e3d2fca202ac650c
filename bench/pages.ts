/**
 * Serving a published standard's page (issue: the public library, speed). Our page at 50 connections
 * beside a bare Node http server returning the same bytes, both measured in this run by the same
 * client (bench/lib/load.ts), in turn (four rounds each, inTurn), each server in its own process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { createDb } from '../server/db.ts';
import { systemClock } from '../server/clock.ts';
import { createVersion } from '../server/versions/service.ts';
import { generatePair } from './lib/gen-standard.ts';
import { inTurn, load, type LoadResult } from './lib/load.ts';
import { getGzip, startChild } from './lib/child.ts';

export interface PagesFigures {
  words: number;
  bytes: { html: number; gzip: number };
  ours200: LoadResult;
  bare200: LoadResult;
  ours304: LoadResult;
  bare304: LoadResult;
  /** the same page for a reader who chose Arabic (the `lang` cookie): its own cache entry (issue 19) */
  oursAr: LoadResult;
  bareAr: LoadResult;
}

export async function run(opts: { seconds?: number; words?: number } = {}): Promise<PagesFigures> {
  const seconds = opts.seconds ?? 5;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imas-bench-'));
  const url = `sqlite:${path.join(dir, 'bench.sqlite3')}`;
  const db = createDb(url);
  await db.migrate.latest();
  const { from } = generatePair(opts.words ?? 40_000, 7);
  const [standardId] = await db('standards').insert({ type: 'IMAS', number: '99.01', ref: '99.01', title: 'Benchmark standard', series: '99' }).returning('id');
  await createVersion(db, systemClock, {
    standardId: typeof standardId === 'object' ? standardId.id : standardId,
    source: from.markdown, label: 'Edition 1', state: 'published', edition: 1, publishedAt: '2020-01-01T00:00:00.000Z', inForceFrom: '2020-01-01', imported: true,
  });
  await db.destroy();

  const ours = await startChild('serve-app.ts', [url]);
  const page = await getGzip(ours.port, '/standards/99.01');
  if (page.status !== 200 || !page.headers.etag) throw new Error(`our page answered ${page.status}`);
  const etag = page.headers.etag;
  const html = (await new Promise<Buffer>((resolve) => http.get({ port: ours.port, path: '/standards/99.01', host: '127.0.0.1' }, (res) => { const c: Buffer[] = []; res.on('data', (d) => c.push(d)); res.on('end', () => resolve(Buffer.concat(c))); })));
  const bodyFile = path.join(dir, 'page.gz');
  fs.writeFileSync(bodyFile, page.body);
  // The bare server sends our headers too (less those of the connection): the same bytes on the wire.
  const headersFile = path.join(dir, 'headers.json');
  const { date: _d, connection: _c, 'keep-alive': _k, ...sameHeaders } = page.headers;
  fs.writeFileSync(headersFile, JSON.stringify(sameHeaders));
  const bare = await startChild('serve-bare.ts', [bodyFile, headersFile]);

  const common = { path: '/standards/99.01', connections: 50, seconds };
  const gz = { 'Accept-Encoding': 'gzip' };
  const reval = { ...gz, 'If-None-Match': etag };
  await load({ ...common, port: ours.port, headers: gz, seconds: 1 }); // warm up both
  await load({ ...common, port: bare.port, headers: gz, seconds: 1 });
  // each beside its baseline in turn (bench/lib/load.ts inTurn)
  const { ours: ours200, bare: bare200 } = await inTurn({ ...common, port: ours.port, headers: gz }, { ...common, port: bare.port, headers: gz });
  const { ours: ours304, bare: bare304 } = await inTurn({ ...common, port: ours.port, headers: reval }, { ...common, port: bare.port, headers: reval });
  bare.child.kill();

  // An Arabic reader: the page in Arabic from its own cache entry, beside a bare server sending those bytes.
  const ar = { ...gz, Cookie: 'lang=ar' };
  const pageAr = await getGzip(ours.port, '/standards/99.01', { Cookie: 'lang=ar' });
  if (pageAr.status !== 200 || pageAr.headers['content-language'] !== 'ar') throw new Error(`our Arabic page answered ${pageAr.status}`);
  const bodyArFile = path.join(dir, 'page-ar.gz');
  fs.writeFileSync(bodyArFile, pageAr.body);
  const { date: _d2, connection: _c2, 'keep-alive': _k2, ...sameHeadersAr } = pageAr.headers;
  const headersArFile = path.join(dir, 'headers-ar.json');
  fs.writeFileSync(headersArFile, JSON.stringify(sameHeadersAr));
  const bareArServer = await startChild('serve-bare.ts', [bodyArFile, headersArFile]);
  await load({ ...common, port: ours.port, headers: ar, seconds: 1 });
  await load({ ...common, port: bareArServer.port, headers: ar, seconds: 1 });
  const { ours: oursAr, bare: bareAr } = await inTurn({ ...common, port: ours.port, headers: ar }, { ...common, port: bareArServer.port, headers: ar });
  ours.child.kill();
  bareArServer.child.kill();
  fs.rmSync(dir, { recursive: true, force: true });
  return { words: from.words, bytes: { html: html.length, gzip: page.body.length }, ours200, bare200, ours304, bare304, oursAr, bareAr };
}

export function report(f: PagesFigures): string[] {
  const line = (name: string, o: LoadResult, b: LoadResult, target: number) => {
    // (both servers send the same headers and body: see bench/serve-bare.ts)
    const ratio = o.perSecond / b.perSecond;
    const bad = o.errors + b.errors + Object.entries(o.statuses).filter(([s]) => s !== String(name.includes('304') ? 304 : 200)).reduce((n, [, c]) => n + c, 0);
    return `page ${name}: ours ${o.perSecond.toFixed(0)} req/s p99 ${o.p99.toFixed(1)} ms · bare ${b.perSecond.toFixed(0)} req/s p99 ${b.p99.toFixed(1)} ms · ratio ${ratio.toFixed(2)} (target ≥ ${target}) ${ratio >= target ? 'ok' : 'MISSED'} · p99 ${o.p99 <= 25 ? 'ok' : 'MISSED'} (target ≤ 25 ms)${bad ? ` · ${bad} unexpected responses` : ''}`;
  };
  return [
    `page: a generated standard of ${f.words} words, ${(f.bytes.html / 1024).toFixed(0)} KB HTML, ${(f.bytes.gzip / 1024).toFixed(0)} KB gzip; 50 connections, lean raw-socket client (bench/lib/load.ts), gzip accepted`,
    line('200', f.ours200, f.bare200, 0.6),
    line('304', f.ours304, f.bare304, 0.9),
    line('200 in Arabic (lang cookie)', f.oursAr, f.bareAr, 0.6),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const f = await run();
  for (const l of report(f)) console.log(l);
}
