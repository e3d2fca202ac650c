import type http from 'node:http';

/** Whether this instance is going away: /readyz answers 503 from the moment it is. */
export class Readiness {
  stopping = false;
  /** the responses not yet finished (kept by closingHandler) */
  readonly inFlight = new Set<http.ServerResponse>();

  /** From now on: not ready, and every answer — those in flight included — closes its connection. */
  stop(): void {
    this.stopping = true;
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
  }
}

export interface ShutdownSteps {
  readiness: Readiness;
  /** /readyz answers 503 and connections are still taken for this long, so a load balancer stops sending first */
  graceMs: number;
  /** after this, give up waiting: connections are cut and `onTimeout` runs */
  timeoutMs: number;
  /** after the last request has been answered: the work queued behind answers (the comment writer), then the database */
  drain: () => Promise<void>;
  log: (msg: string) => void;
}

/**
 * Answers with `Connection: close` once the instance is stopping, so that a kept-alive socket is closed
 * after the request it carries instead of waiting for its idle timeout.
 */
export function closingHandler(readiness: Readiness, handler: http.RequestListener): http.RequestListener {
  // one listener for all (its `this` is the answer): no closure or once-wrapper made a request
  function untrack(this: http.ServerResponse) {
    readiness.inFlight.delete(this);
  }
  return (req, res) => {
    if (readiness.stopping) {
      res.setHeader('Connection', 'close');
      return handler(req, res);
    }
    handler(req, res);
    // Only an answer whose headers are still to be sent can be told to close: one answered at once
    // (a cached page, a 304) is not kept track of, which saved a listener on most requests.
    if (!res.headersSent) {
      readiness.inFlight.add(res);
      res.on('close', untrack);
    }
  };
}

/**
 * A graceful stop (SIGTERM): /readyz → 503 at once; after `graceMs` the listening socket is closed (no
 * new connections) and idle kept-alive sockets with it; requests in flight are answered (their sockets
 * then close); then `drain` (flush queued writes, close the database). Resolves true when all of it
 * finished within `timeoutMs`, false when it was cut short.
 */
export async function shutDown(server: http.Server, steps: ShutdownSteps): Promise<boolean> {
  steps.readiness.stop();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), steps.timeoutMs);
  });
  const orderly = (async () => {
    if (steps.graceMs > 0) {
      steps.log(`not ready; still taking connections for ${steps.graceMs} ms`);
      await new Promise((r) => setTimeout(r, steps.graceMs));
    }
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    steps.log('no longer taking connections; answering the requests in flight');
    await closed;
    steps.log('requests answered; flushing writes and closing the database');
    await steps.drain();
    return true as const;
  })();
  try {
    const done = await Promise.race([orderly, timedOut]);
    if (!done) server.closeAllConnections();
    return done;
  } finally {
    clearTimeout(timer);
  }
}
