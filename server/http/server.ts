import http from 'node:http';
import type { Config } from '../config.ts';

/** How long clients may take (config.http; HTTP_* in the environment, see README). */
export type ServerLimits = Config['http'];

/** A socket on which nothing moves for this long (a client that stopped reading an answer) is closed. */
const SOCKET_IDLE_MS = 60_000;

/**
 * The HTTP server, with the time each client may take set deliberately: Node's defaults let a slow
 * client hold a socket for a minute or more (headers 60 s, a whole request 300 s, both checked only
 * every 30 s), and a few thousand such sockets are cheap to open.
 * - headersTimeout: to send the request line and headers;
 * - requestTimeout: to send the whole request, body included (a 1 byte/s upload);
 * - keepAliveTimeout: idle between two requests on a kept-alive socket;
 * - connectionsCheckingInterval: how often Node checks the two timeouts above (it is their overrun),
 *   a tenth of the headers timeout, between 100 ms and 1 s.
 * Requests per kept-alive socket are not capped: the timeouts bound what a socket can hold, and load
 * balancers and benchmarks reuse sockets for many thousand requests.
 */
export function createHttpServer(handler: http.RequestListener, limits: ServerLimits): http.Server {
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(limits.headersTimeoutMs / 10))),
    },
    handler,
  );
  server.setTimeout(Math.max(SOCKET_IDLE_MS, limits.requestTimeoutMs));
  return server;
}
