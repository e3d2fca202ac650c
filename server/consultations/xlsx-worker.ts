/**
 * The XLSX export's thread (server/consultations/xlsx-thread.ts starts it): exceljs is loaded and the
 * workbook written here, off the event loop that answers requests. Loading exceljs alone held that loop
 * 100–275 ms on the first export after a start (issue 18's bench). Asks the main thread for comments a
 * batch at a time ('more'), sends the file's bytes back as they are made ('chunk'), then 'done'.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Writable } from 'node:stream';
import { writeXlsxStream, type SheetComment, type SheetMeta } from './sheets.ts';

type FromMain = { type: 'rows'; rows: SheetComment[] } | { type: 'end' };

const port = parentPort!;
const waiting: Array<(m: FromMain) => void> = [];
port.on('message', (m: FromMain) => waiting.shift()?.(m));
const next = () => new Promise<FromMain>((resolve) => {
  waiting.push(resolve);
  port.postMessage({ type: 'more' });
});

async function* batches(): AsyncGenerator<SheetComment[]> {
  for (;;) {
    const m = await next();
    if (m.type === 'end') return;
    yield m.rows;
  }
}

const sink = new Writable({
  write(chunk: Buffer, _encoding, callback) {
    port.postMessage({ type: 'chunk', data: chunk });
    callback();
  },
});
const finished = new Promise<void>((resolve, reject) => {
  sink.on('finish', resolve);
  sink.on('error', reject);
});
try {
  await writeXlsxStream(sink, batches(), workerData.meta as SheetMeta);
  if (!sink.writableEnded) sink.end();
  await finished;
  port.postMessage({ type: 'done' });
} catch (err) {
  port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}
