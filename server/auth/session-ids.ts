import crypto from 'node:crypto';

/** Bytes of a session id: uid-safe's 24 (express-session's default), 192 bits. */
const ID_BYTES = 24;
/** Ids' worth of random bytes drawn at once. */
const POOLED = 256;

/**
 * Session ids from the operating system's CSPRNG, drawn 256 ids at a time (as Node's randomUUID keeps
 * its own pool): express-session makes an id for every request that comes without a session cookie,
 * even one that will save nothing, and uid-safe's one synchronous randomBytes per id cost 35 µs of the
 * CPU of an anonymous API read (bench/profile.ts consultation). The same form as uid-safe's: 24 bytes,
 * base64url, 32 characters. Each id's bytes are zeroed once taken.
 */
export function sessionIds(): () => string {
  let pool = Buffer.alloc(0);
  let at = 0;
  return () => {
    if (at + ID_BYTES > pool.length) {
      pool = crypto.randomBytes(ID_BYTES * POOLED);
      at = 0;
    }
    const id = pool.toString('base64url', at, at + ID_BYTES);
    pool.fill(0, at, at + ID_BYTES);
    at += ID_BYTES;
    return id;
  };
}
