import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type multer from 'multer';
import { AppError, BadRequest, Validation } from '../errors.ts';
import { readSheet, SheetError, SheetTooLarge, type SheetRow } from './sheets.ts';

export const MAX_SHEET_BYTES = 5 * 1024 * 1024;

export const messages = {
  tooLarge: `The sheet is larger than ${MAX_SHEET_BYTES / 1024 / 1024} MB: split it into several sheets.`,
  noFile: 'Choose a comment sheet (.xlsx or .csv) to upload, in the field "sheet".',
  unreadable: 'The upload could not be read: send the sheet as multipart/form-data, in the field "sheet".',
} as const;

// multer is loaded on the first upload, not at start (issue 17, memory of an idle instance).
let parser: Promise<{ multer: typeof multer; single: RequestHandler }> | undefined;
const parserOf = () =>
  (parser ??= import('multer').then(({ default: multer }) => ({
    multer,
    single: multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_SHEET_BYTES, files: 1, fields: 10 } }).single('sheet'),
  })));

/** multer for one `sheet` file, kept in memory; its errors become AppErrors (413 for size). */
export const uploadSheet: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  parserOf().then(({ multer, single }) => single(req, res, (err?: unknown) => {
    if (!err) return next();
    if (err instanceof multer.MulterError) {
      if (err.code === 'LIMIT_FILE_SIZE') return next(new AppError(413, 'too_large', messages.tooLarge, { sheet: messages.tooLarge }));
      return next(new BadRequest(messages.noFile, { sheet: messages.noFile }));
    }
    // busboy's own errors (a broken multipart body: no boundary, a malformed part, an early end) are the request's fault.
    next(new BadRequest(messages.unreadable, { sheet: messages.unreadable }));
  }), next);
};

/** The rows of the uploaded sheet; 422 when there is none, it cannot be read or has too many rows; 413 when it unpacks too large. */
export async function rowsOfUpload(file: Express.Multer.File | undefined): Promise<SheetRow[]> {
  if (!file || file.size === 0) throw new Validation(messages.noFile, { sheet: messages.noFile });
  try {
    return await readSheet(file.buffer, file.originalname ?? '', file.mimetype ?? '');
  } catch (err) {
    if (err instanceof SheetTooLarge) throw new AppError(413, 'too_large', err.message, { sheet: err.message });
    if (err instanceof SheetError) throw new Validation(err.message, { sheet: err.message });
    throw err;
  }
}
