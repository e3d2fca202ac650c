import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { ClientGone, drained, HIGH_WATER, type CommentBatches, type SheetMeta } from './sheets.ts';

/**
 * Writes the comments as XLSX to `out` from a worker thread (xlsx-worker.ts), so that neither loading
 * exceljs nor building the workbook holds the event loop (issue 18: ≤ 50 ms at a time, the first export
 * after a start included). The main thread only reads batches of comments and forwards the bytes; it
 * sends the next batch when the worker asks and `out` has room, so a slow client holds nothing but its
 * own export. A client that goes away ends the thread.
 */
export async function writeXlsxOffThread(out: Writable, batches: CommentBatches, meta: SheetMeta): Promise<void> {
  const worker = new Worker(workerUrl(), { workerData: { meta } });
  const rows = batches[Symbol.asyncIterator]();
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (err: unknown) => {
        if (failed) return;
        failed = true;
        reject(err);
      };
      out.once('close', () => {
        if (!out.writableFinished) fail(new ClientGone());
      });
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`the XLSX thread stopped (exit code ${code})`)));
      worker.on('message', (m: { type: 'chunk'; data: Uint8Array } | { type: 'more' } | { type: 'done' } | { type: 'error'; message: string }) => {
        if (m.type === 'chunk') out.write(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
        else if (m.type === 'done') {
          // Not end(callback): a response wrapped by a middleware may take any first argument for a chunk.
          out.once('finish', () => resolve());
          out.end();
        }
        else if (m.type === 'error') fail(new Error(m.message));
        else
          void (async () => {
            while (!out.destroyed && out.writableLength > HIGH_WATER) await drained(out);
            if (out.destroyed) return fail(new ClientGone());
            const got = await rows.next();
            worker.postMessage(got.done ? { type: 'end' } : { type: 'rows', rows: got.value });
          })().catch(fail);
      });
    });
  } finally {
    await rows.return?.();
    await worker.terminate();
  }
}

let url: URL | undefined;
/**
 * The worker's entry: the TypeScript module, loaded through tsx's loader registered in the thread (a
 * worker does not inherit a loader given to the test runner rather than to node).
 */
function workerUrl(): URL {
  if (url) return url;
  // tsx's ES-module API (`tsx/esm/api` under the "import" condition), found from its package.json.
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
  const api = (JSON.parse(readFileSync(pkg, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api']!.import.default;
  const tsx = pathToFileURL(path.join(path.dirname(pkg), api)).href;
  const entry = new URL('./xlsx-worker.ts', import.meta.url).href;
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry)});`;
  return (url = new URL(`data:text/javascript,${encodeURIComponent(boot)}`));
}
