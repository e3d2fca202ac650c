import http from 'node:http';
import type net from 'node:net';
import type { Config } from '../config.ts';

/** How long clients may take (config.http; HTTP_* in the environment, see README). */
export type ServerLimits = Config['http'];

/** A socket on which nothing moves for this long (a client that stopped reading an answer) is closed. */
const SOCKET_IDLE_MS = 60_000;
/** How often sockets are looked at for that: a stalled one is closed 60–65 s after its last byte moved. */
const SWEEP_MS = 5000;

/**
 * The HTTP server, with the time each client may take set deliberately: Node's defaults let a slow
 * client hold a socket for a minute or more (headers 60 s, a whole request 300 s, both checked only
 * every 30 s), and a few thousand such sockets are cheap to open.
 * - headersTimeout: to send the request line and headers;
 * - requestTimeout: to send the whole request, body included (a 1 byte/s upload);
 * - keepAliveTimeout: idle between two requests on a kept-alive socket;
 * - connectionsCheckingInterval: how often Node checks the two timeouts above (it is their overrun),
 *   a tenth of the headers timeout, between 100 ms and 1 s;
 * - a socket on which no byte has been read or sent for SOCKET_IDLE_MS (or the request timeout, if
 *   longer) is closed: a client that stopped reading its answer (closeStalled).
 * Requests per kept-alive socket are not capped: the timeouts bound what a socket can hold, and load
 * balancers and benchmarks reuse sockets for many thousand requests.
 */
export function createHttpServer(handler: http.RequestListener, limits: ServerLimits, stalled: { idleMs?: number; sweepMs?: number } = {}): http.Server {
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(limits.headersTimeoutMs / 10))),
    },
    handler,
  );
  closeStalled(server, stalled.idleMs ?? Math.max(SOCKET_IDLE_MS, limits.requestTimeoutMs), stalled.sweepMs ?? SWEEP_MS);
  return server;
}

/**
 * Closes the sockets on which nothing has moved for `idleMs`: no byte read, none taken by the kernel
 * (written less still buffered). Looked at every `sweepMs` rather than timed per request: Node's own
 * socket timeout (server.setTimeout) re-arms a timer at every request and on every read and write,
 * which cost 0.7 µs of a 27-µs 304 (bench A/B, session 31); this costs nothing per request.
 */
function closeStalled(server: http.Server, idleMs: number, sweepMs: number): void {
  const sockets = new Map<net.Socket, { read: number; sent: number; since: number }>();
  server.on('connection', (socket: net.Socket) => {
    sockets.set(socket, { read: 0, sent: 0, since: performance.now() });
    socket.once('close', () => sockets.delete(socket));
  });
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const [socket, seen] of sockets) {
      const read = socket.bytesRead;
      const sent = (socket.bytesWritten ?? 0) - socket.writableLength;
      if (read !== seen.read || sent !== seen.sent) Object.assign(seen, { read, sent, since: now });
      else if (now - seen.since >= idleMs) socket.destroy();
    }
  }, sweepMs);
  sweep.unref();
  server.once('close', () => clearInterval(sweep));
}
