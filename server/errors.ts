/** Errors the services throw; the one error handler turns them into pages or JSON. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }
}
export class BadRequest extends AppError {
  constructor(message: string, fields?: Record<string, string>) {
    super(400, 'bad_request', message, fields);
  }
}
export class Unauthorized extends AppError {
  constructor(message = 'Sign in to continue.') {
    super(401, 'unauthorized', message);
  }
}
export class Forbidden extends AppError {
  constructor(message = 'You do not have permission to do this.') {
    super(403, 'forbidden', message);
  }
}
export class NotFound extends AppError {
  constructor(message = 'Not found.') {
    super(404, 'not_found', message);
  }
}
export class Conflict extends AppError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}
export class Validation extends AppError {
  constructor(message: string, fields: Record<string, string> = {}) {
    super(422, 'validation', message, fields);
  }
}
/** A passing condition (e.g. the database locked by another process): try again after retryAfterSec. */
export class ServiceUnavailable extends AppError {
  constructor(message: string, readonly retryAfterSec: number) {
    super(503, 'unavailable', message);
    // An expected condition, not a fault: no stack trace, which the request log would format (through
    // the source maps) for every refused request, in a burst when a lock outlasts the wait.
    this.stack = `ServiceUnavailable: ${message}`;
  }
}
