import pino from 'pino';

export type Logger = pino.Logger;

// Never log what would let someone act as a user (design.md; issue "Accounts…", audit).
/**
 * Logs go to stdout through a buffered destination: a write system call per request line costs more
 * than serving a cached page. flushLogger() at shutdown writes what is left.
 */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination({ dest: 1, sync: false, minLength: 4096 })): Logger {
  return pino({
    level,
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password', '*.token'],
      remove: true,
    },
  }, destination);
}

export function flushLogger(logger: Logger): void {
  try {
    logger.flush();
  } catch {
    // a destination that was never opened has nothing to flush
  }
}
