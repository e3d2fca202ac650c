/**
 * Light (issue 19 item 4): the current-edition page of a 40,000-word standard weighs at most 120 KB
 * gzipped together with its CSS, as sent to a reader who is not signed in, and carries no JavaScript.
 * The standard is made by the benchmarks' generator (bench/lib/gen-standard.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { expect } from 'chai';
import { testApp } from '../helpers/app.ts';
import { createVersion } from '../../server/versions/service.ts';
import { generatePair } from '../../bench/lib/gen-standard.ts';
import { LANGUAGES } from '../../server/i18n/index.ts';

const BUDGET = 120 * 1024;

/** A GET as a browser makes it (gzip accepted): the bytes on the wire and the page's text. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; wire: number; text: string; type: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { 'Accept-Encoding': 'gzip', ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const text = (res.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(body) : body).toString('utf8');
          // sent uncompressed: what it would weigh gzipped, so a missing compression cannot pass for light
          const wire = res.headers['content-encoding'] === 'gzip' ? body.length : zlib.gzipSync(body).length;
          resolve({ status: res.statusCode!, wire, text, type: String(res.headers['content-type']) });
        });
      })
      .on('error', reject);
  });
}

describe('a 40,000-word standard: light and without JavaScript', function () {
  this.timeout(120_000);
  let t: Awaited<ReturnType<typeof testApp>>;
  let server: http.Server;
  let port = 0;
  let words = 0;

  before(async () => {
    t = await testApp();
    const { from } = generatePair(40_000, 7);
    words = from.words;
    const [row] = await t.db('standards').insert({ type: 'IMAS', number: '99.01', ref: '99.01', title: 'A long standard', series: '99' }).returning('id');
    const standardId = typeof row === 'object' ? (row as { id: number }).id : (row as number);
    await createVersion(t.db, t.clock, { standardId, source: from.markdown, label: 'Edition 1', state: 'published', edition: 1, publishedAt: '2020-01-01T00:00:00.000Z', inForceFrom: '2020-01-01', imported: true });
    server = http.createServer(t.handler).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    await t.close();
  });

  for (const lang of LANGUAGES) {
    it(`weighs at most 120 KB gzipped with its CSS, and has no script (${lang})`, async () => {
      expect(words).to.be.at.least(40_000);
      const page = await get(port, '/standards/99.01', { Cookie: `lang=${lang}` });
      expect(page.status).to.equal(200);
      expect(page.type).to.match(/^text\/html/);
      expect(page.text).to.contain(`lang="${lang}"`);
      // every stylesheet the page links to counts
      const sheets = [...page.text.matchAll(/<link[^>]+rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1]!);
      expect(sheets).to.not.be.empty;
      let total = page.wire;
      for (const href of sheets) {
        const css = await get(port, href);
        expect(css.status, href).to.equal(200);
        total += css.wire;
      }
      expect(total, `page ${page.wire} B + CSS = ${total} B gzipped`).to.be.at.most(BUDGET);
      // no JavaScript: no script element, no event-handler attribute, no javascript: address
      expect(page.text).to.not.match(/<script\b/i);
      expect(page.text).to.not.match(/\son[a-z]+\s*=/i);
      expect(page.text).to.not.match(/javascript:/i);
    });
  }
});
