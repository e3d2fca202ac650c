import pino from 'pino';

export type Logger = pino.Logger;

// Never log what would let someone act as a user (design.md; issue "Accounts…", audit).
/**
 * Logs go to stdout through a buffered destination: a write system call per request line costs more
 * than serving a cached page. What is buffered is written within FLUSH_MS (keepFlushing) — on a quiet
 * server a line, such as a mail written to the log, would otherwise wait for 4 KB more — and
 * flushLogger() at shutdown writes what is left.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const logger = pino({
    level,
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password', '*.token'],
      remove: true,
    },
  }, destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096 }));
  if (!destination && level !== 'silent') keepFlushing(logger);
  return logger;
}

export const FLUSH_MS = 1000;

/** Writes what `logger` has buffered every FLUSH_MS; the timer does not keep the process alive. */
export function keepFlushing(logger: Logger, ms = FLUSH_MS): void {
  setInterval(() => flushLogger(logger), ms).unref();
}

/**
 * Starts writing what `logger` has buffered, unless a write is under way (it takes the rest after it).
 * The destination's own flush, called without a callback: pino's `logger.flush()` always passes one, for
 * which sonic-boom adds a 'drain' and an 'error' listener and fsyncs on the drain — so while stdout was
 * blocked (a stalled log collector) every second left two more listeners (29 in 300 ms at 10 ms, test/unit/logger.test.ts).
 */
export function flushLogger(logger: Logger): void {
  const destination = (logger as unknown as Record<symbol, { flush?: () => void }>)[pino.symbols.streamSym];
  try {
    destination?.flush?.();
  } catch {
    // a destination that was never opened, or already closed, has nothing to flush
  }
}
