import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type multer from 'multer';

/**
 * One file from a multipart form, kept in memory (multer), its errors given to `errorFor` to become the
 * route's AppErrors: multer's own by their code (LIMIT_FILE_SIZE, LIMIT_FIELD_VALUE, …), null for
 * busboy's (a broken multipart body: no boundary, a malformed part, an early end), the request's fault.
 * multer is loaded on the first upload, not at start (issue 17, memory of an idle instance).
 */
export function oneFileUpload(field: string, limits: multer.Options['limits'], errorFor: (multerCode: string | null) => Error): RequestHandler {
  let parser: Promise<{ MulterError: typeof multer.MulterError; single: RequestHandler }> | undefined;
  const parserOf = () =>
    (parser ??= import('multer').then(({ default: m }) => ({ MulterError: m.MulterError, single: m({ storage: m.memoryStorage(), limits }).single(field) })));
  return (req: Request, res: Response, next: NextFunction) => {
    parserOf().then(
      ({ MulterError, single }) => single(req, res, (err?: unknown) => next(err ? errorFor(err instanceof MulterError ? err.code : null) : undefined)),
      next,
    );
  };
}
