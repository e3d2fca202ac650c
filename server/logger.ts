import pino from 'pino';

export type Logger = pino.Logger;

// Never log what would let someone act as a user (design.md; issue "Accounts…", audit).
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password', '*.token'],
      remove: true,
    },
  });
}
