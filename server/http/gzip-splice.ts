/**
 * A gzip answer put together from pieces compressed at different times: the public parts of a page,
 * compressed once when the page is cached, and the small per-user parts (the header with the viewer's
 * name and CSRF token), added per request as stored (uncompressed) deflate blocks. Each piece is a raw deflate stream of its own ended by
 * a sync flush (no back references across pieces, no final block), the last one finished; one after
 * the other they are one valid deflate stream. The gzip trailer's CRC-32 of the whole is combined from
 * the pieces' CRCs (zlib's crc32_combine, with the operator for each cached piece's length computed
 * once), so no cached byte is read again per request. Pure: buffers in, buffers out.
 */
import zlib from 'node:zlib';

/** A piece compressed once: its text, its deflate stream, its CRC-32 and the operator that shifts a CRC past its length. */
export interface Piece {
  raw: Buffer;
  deflated: Buffer;
  crc: number;
  shift: Uint32Array;
}

const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]);
const SYNC = { finishFlush: zlib.constants.Z_SYNC_FLUSH };

function times(mat: Uint32Array, vec: number): number {
  let sum = 0;
  for (let i = 0; vec; vec >>>= 1, i++) if (vec & 1) sum ^= mat[i]!;
  return sum >>> 0;
}

function square(out: Uint32Array, mat: Uint32Array): void {
  for (let n = 0; n < 32; n++) out[n] = times(mat, mat[n]!);
}

/** zlib's crc32_combine with crc2 = 0: crc1 shifted past len zero bytes. */
function shiftBy(crc1: number, len: number): number {
  if (len <= 0) return crc1 >>> 0;
  const even = new Uint32Array(32);
  const odd = new Uint32Array(32);
  odd[0] = 0xedb88320;
  for (let n = 1, row = 1; n < 32; n++, row <<= 1) odd[n] = row;
  square(even, odd);
  square(odd, even);
  do {
    square(even, odd);
    if (len & 1) crc1 = times(even, crc1);
    len = Math.floor(len / 2);
    if (!len) break;
    square(odd, even);
    if (len & 1) crc1 = times(odd, crc1);
    len = Math.floor(len / 2);
  } while (len);
  return crc1 >>> 0;
}

/** The linear operator "append len bytes" on CRCs, as 32 columns. */
export function shiftOperator(len: number): Uint32Array {
  const m = new Uint32Array(32);
  for (let i = 0; i < 32; i++) m[i] = shiftBy((1 << i) >>> 0, len);
  return m;
}

/** CRC-32 of A followed by B, from crc(A), crc(B) and B's shift operator. */
export const combine = (crcA: number, crcB: number, shiftB: Uint32Array): number => (times(shiftB, crcA) ^ crcB) >>> 0;

/**
 * A per-user part as stored (uncompressed) deflate blocks: a few hundred bytes, for which running
 * zlib (its set-up alone) would cost more than the rest of the answer. Each piece before ends on a
 * byte boundary (sync flush), where a stored block may begin.
 */
function stored(fill: Buffer): Buffer {
  const blocks = Math.ceil(fill.length / 65535);
  const out = Buffer.alloc(fill.length + 5 * blocks);
  let o = 0;
  for (let at = 0; at < fill.length; at += 65535) {
    const len = Math.min(65535, fill.length - at);
    out[o] = 0; // BFINAL 0, BTYPE 00 (stored)
    out.writeUInt16LE(len, o + 1);
    out.writeUInt16LE(~len & 0xffff, o + 3);
    fill.copy(out, o + 5, at, at + len);
    o += 5 + len;
  }
  return out;
}

/** Compresses a cached piece; `last` ends the deflate stream. */
export function piece(raw: Buffer, last: boolean): Piece {
  return { raw, deflated: last ? zlib.deflateRawSync(raw, { level: 6 }) : zlib.deflateRawSync(raw, { level: 6, ...SYNC }), crc: zlib.crc32(raw), shift: shiftOperator(raw.length) };
}

/**
 * The gzip member of `pieces` with `fills` between them (fills.length === pieces.length - 1), as
 * buffers to write one after the other; the last piece must have been made with last = true.
 */
export function splice(pieces: Piece[], fills: Buffer[]): { chunks: Buffer[]; length: number } {
  const chunks: Buffer[] = [GZIP_HEADER];
  let crc = 0;
  let size = 0;
  let length = GZIP_HEADER.length;
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    crc = i === 0 ? p.crc : combine(crc, p.crc, p.shift);
    size += p.raw.length;
    chunks.push(p.deflated);
    length += p.deflated.length;
    const fill = fills[i];
    if (i < pieces.length - 1 && fill && fill.length) {
      const d = stored(fill);
      crc = zlib.crc32(fill, crc);
      size += fill.length;
      chunks.push(d);
      length += d.length;
    }
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size >>> 0, 4);
  chunks.push(trailer);
  return { chunks, length: length + 8 };
}

/** The same answer uncompressed. */
export function spliceRaw(pieces: Piece[], fills: Buffer[]): { chunks: Buffer[]; length: number } {
  const chunks: Buffer[] = [];
  let length = 0;
  pieces.forEach((p, i) => {
    chunks.push(p.raw);
    length += p.raw.length;
    const fill = fills[i];
    if (i < pieces.length - 1 && fill && fill.length) {
      chunks.push(fill);
      length += fill.length;
    }
  });
  return { chunks, length };
}
