import { expect } from 'chai';
import zlib from 'node:zlib';
import { combine, piece, shiftOperator, splice, spliceRaw } from '../../server/http/gzip-splice.ts';

describe('gzip splice (cached pieces, per-request fills)', () => {
  const a = Buffer.from('<!doctype html><html><head><title>Ä page</title></head><body>');
  const b = Buffer.from('<main>'.concat('The clause says who shall check the records. '.repeat(4000), '</main>'));
  const c = Buffer.from('</body></html>\n');

  it('gunzips to the pieces with the fills between them, and says its length', () => {
    const pieces = [piece(a, false), piece(b, false), piece(c, true)];
    const fills = [Buffer.from('<header>Jane Doe & Co — signed in <input name="_csrf" value="abc"></header>\n'), Buffer.alloc(0)];
    const { chunks, length } = splice(pieces, fills);
    const gz = Buffer.concat(chunks);
    expect(gz.length).to.equal(length);
    expect(zlib.gunzipSync(gz).equals(Buffer.concat([a, fills[0]!, b, c]))).to.equal(true);
    const raw = spliceRaw(pieces, fills);
    expect(Buffer.concat(raw.chunks).equals(Buffer.concat([a, fills[0]!, b, c]))).to.equal(true);
    expect(raw.length).to.equal(a.length + fills[0]!.length + b.length + c.length);
  });

  it('carries fills longer than one stored block (64 KiB)', () => {
    const big = Buffer.alloc(150_000, 'x');
    const { chunks } = splice([piece(a, false), piece(c, true)], [big]);
    expect(zlib.gunzipSync(Buffer.concat(chunks)).equals(Buffer.concat([a, big, c]))).to.equal(true);
  });

  it('combines CRC-32s as zlib does', () => {
    for (const [x, y] of [[a, b], [b, c], [Buffer.from('x'), Buffer.alloc(0)]] as const) {
      expect(combine(zlib.crc32(x), zlib.crc32(y), shiftOperator(y.length))).to.equal(zlib.crc32(Buffer.concat([x, y])));
    }
  });

  it('a corrupted CRC is caught by the reader (the trailer is checked)', () => {
    const { chunks } = splice([piece(a, false), piece(c, true)], [Buffer.from('<x>')]);
    const gz = Buffer.concat(chunks);
    gz[gz.length - 8] ^= 1;
    expect(() => zlib.gunzipSync(gz)).to.throw();
  });
});
