import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type multer from 'multer';
import { AppError, BadRequest, Validation } from '../errors.ts';
import { docxToMarkdown } from './docx.ts';
import { MAX_TEXT } from './validation.ts';

/** A draft's text from an uploaded file: Markdown as is, Word through docx.ts. Nothing is written to disk. */

export const MAX_UPLOAD = 10 * 1024 * 1024;

export const messages = {
  tooLarge: `The file is larger than ${MAX_UPLOAD / 1024 / 1024} MB. Remove embedded images or split the document, then try again.`,
  badType: 'Upload a Markdown file (.md) or a Word document (.docx).',
  oldWord: 'Old Word documents (.doc) cannot be read: open it in Word, save it as .docx and upload that.',
  notUtf8: 'The Markdown file is not UTF-8 text: save it as UTF-8 and upload it again.',
  unexpected: 'Upload one file, in the field "file".',
  unreadable: 'The upload could not be read: send it as multipart/form-data, with the file in the field "file".',
} as const;

export class TooLarge extends AppError {
  constructor(message: string) {
    super(413, 'too_large', message, { file: message });
  }
}

// multer is loaded on the first upload, not at start (issue 17, memory of an idle instance).
let parser: Promise<{ multer: typeof multer; single: RequestHandler }> | undefined;
const parserOf = () =>
  (parser ??= import('multer').then(({ default: multer }) => ({
    multer,
    single: multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_UPLOAD, files: 1, fields: 20, fieldSize: MAX_TEXT * 4 } }).single('file'),
  })));

/** multer for one optional `file`, its errors made into AppErrors (413 for size) for the one error handler. */
export const uploadOne: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  parserOf().then(({ multer, single }) => single(req, res, (err?: unknown) => {
    if (!err) return next();
    if (err instanceof multer.MulterError) {
      if (err.code === 'LIMIT_FILE_SIZE') return next(new TooLarge(messages.tooLarge));
      if (err.code === 'LIMIT_FIELD_VALUE') return next(new TooLarge('The text is too long.'));
      return next(new BadRequest(messages.unexpected, { file: messages.unexpected }));
    }
    // busboy's own errors (a broken multipart body: no boundary, a malformed part, an early end) are the request's fault.
    next(new BadRequest(messages.unreadable, { file: messages.unreadable }));
  }), next);
};

export interface UploadedText {
  text: string;
  notes: string[];
  filename: string;
}

/** The text of the uploaded file, or null when none was sent. */
export async function textOfUpload(file: Express.Multer.File | undefined): Promise<UploadedText | null> {
  if (!file || file.size === 0) return null;
  const name = file.originalname ?? '';
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  if (ext === 'doc') throw new Validation(messages.oldWord, { file: messages.oldWord });
  if (ext === 'docx') {
    const { markdown, notes } = await docxToMarkdown(file.buffer);
    return { text: markdown, notes, filename: name };
  }
  if (['md', 'markdown', 'txt'].includes(ext)) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(file.buffer);
    } catch {
      throw new Validation(messages.notUtf8, { file: messages.notUtf8 });
    }
    return { text: text.replace(/^\uFEFF/, ''), notes: [], filename: name };
  }
  throw new Validation(messages.badType, { file: messages.badType });
}
