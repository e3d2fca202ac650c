/**
 * Zip archives that come in an upload (.xlsx, .docx) are read without trusting them: a file of a megabyte
 * can unpack to gigabytes (a "zip bomb"). yauzl reads the central directory and inflates one entry at a time
 * as a stream, off the JavaScript thread; every inflated byte is counted here against one budget for the
 * whole archive, and against the size the entry declares, and reading stops as soon as either is passed.
 * The declared sizes only let us refuse earlier; the count is what holds.
 */
import { pipeline, type Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import zlib from 'node:zlib';
import type yauzl from 'yauzl';

const FEED = 1024; // compressed bytes handed to zlib at a time (deflate unpacks at most ~1:1032)

/** The archive unpacks to more than the budget (or more than it declares). */
export class ZipTooLarge extends Error {}
/** Not a zip archive we can read (damaged, encrypted, an unknown compression method). */
export class ZipUnreadable extends Error {}

export interface ZipLimits {
  /** inflated bytes, all entries read together */
  maxUnpacked: number;
  /** entries in the central directory */
  maxEntries: number;
}

export interface UploadZip {
  has(name: string): boolean;
  /** The inflated bytes of one entry, chunk by chunk, counted against the budget. */
  read(name: string): AsyncGenerator<Buffer>;
  /** Inflates every entry and throws the bytes away: after it, the whole archive is known to fit the budget. */
  checkAll(): Promise<void>;
  close(): void;
}

export const messages = {
  tooMany: (n: number) => `The archive holds more than ${n.toLocaleString('en')} files.`,
  over: (bytes: number) => `The file unpacks to more than ${mb(bytes)}.`,
  lies: 'The file unpacks to more than its own index declares: it is damaged, or made to be too large.',
} as const;

export const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

export async function openUploadZip(buf: Buffer, limits: ZipLimits): Promise<UploadZip> {
  let zip: yauzl.ZipFile;
  // yauzl is loaded on the first upload, not at start (issue 17, memory of an idle instance).
  const { default: unzip } = await import('yauzl');
  try {
    // Sizes are checked here, by counting: yauzl's own check would report a lying entry as a broken stream.
    zip = await unzip.fromBufferPromise(buf, { lazyEntries: true, validateEntrySizes: false, strictFileNames: false });
  } catch (err) {
    throw new ZipUnreadable((err as Error).message);
  }
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw new ZipTooLarge(messages.tooMany(limits.maxEntries));
  }
  const entries = new Map<string, yauzl.Entry>();
  try {
    for await (const e of zip.eachEntry()) {
      // A name twice over: the first one is the entry (the one a reader of the central directory sees first).
      if (!e.fileName.endsWith('/') && !entries.has(e.fileName)) entries.set(e.fileName, e);
    }
  } catch (err) {
    zip.close();
    throw new ZipUnreadable((err as Error).message);
  }

  let used = 0;
  async function* read(name: string): AsyncGenerator<Buffer> {
    const entry = entries.get(name);
    if (!entry) throw new ZipUnreadable(`${name} is missing`);
    if (entry.uncompressedSize > limits.maxUnpacked - used) throw new ZipTooLarge(messages.over(limits.maxUnpacked));
    if (!entry.canDecodeFileData()) throw new ZipUnreadable(`${name} is encrypted or compressed in an unknown way`);
    let raw: Readable;
    try {
      raw = await zip.openReadStreamPromise(entry, { decodeFileData: false });
    } catch (err) {
      throw new ZipUnreadable((err as Error).message);
    }
    // Inflated here rather than by yauzl: zlib inflates each input chunk to the end whatever the reader
    // wants, so 64 KB of a bomb becomes 60 MB at once; fed 1 KB at a time it stays within a MB ahead.
    const stream =
      entry.compressionMethod === 0
        ? raw
        : pipeline(
            raw,
            async function* (source: AsyncIterable<Buffer>) {
              for await (const chunk of source) for (let at = 0; at < chunk.length; at += FEED) yield chunk.subarray(at, at + FEED);
            },
            zlib.createInflateRaw(),
            () => {},
          );
    let mine = 0;
    const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    try {
      for (;;) {
        let next: IteratorResult<Buffer>;
        try {
          next = await chunks.next();
        } catch (err) {
          throw new ZipUnreadable((err as Error).message);
        }
        if (next.done) break;
        mine += next.value.length;
        used += next.value.length;
        if (mine > entry.uncompressedSize) throw new ZipTooLarge(messages.lies);
        if (used > limits.maxUnpacked) throw new ZipTooLarge(messages.over(limits.maxUnpacked));
        yield next.value;
      }
    } finally {
      // Stops the inflating at once, whoever stopped reading.
      await chunks.return?.();
    }
  }

  return {
    has: (name) => entries.has(name),
    read,
    async checkAll() {
      const total = [...entries.values()].reduce((n, e) => n + e.uncompressedSize, 0);
      if (total > limits.maxUnpacked) throw new ZipTooLarge(messages.over(limits.maxUnpacked));
      for (const name of entries.keys()) {
        let since = performance.now();
        for await (const _ of read(name)) {
          // Inflating runs off the thread, but a fast one can hand over many chunks in one turn of the loop.
          if (performance.now() - since > 5) {
            await nextTurn();
            since = performance.now();
          }
        }
      }
    },
    close: () => zip.close(),
  };
}
