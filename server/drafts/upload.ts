import { AppError, BadRequest, Validation } from '../errors.ts';
import { docxToMarkdown } from './docx.ts';
import { MAX_TEXT } from './validation.ts';
import { oneFileUpload } from '../uploads/multipart.ts';

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

/** multer for one optional `file`, its errors made into AppErrors (413 for size) for the one error handler. */
export const uploadOne = oneFileUpload('file', { fileSize: MAX_UPLOAD, files: 1, fields: 20, fieldSize: MAX_TEXT * 4 }, (code) => {
  if (code === 'LIMIT_FILE_SIZE') return new TooLarge(messages.tooLarge);
  if (code === 'LIMIT_FIELD_VALUE') return new TooLarge('The text is too long.');
  if (code) return new BadRequest(messages.unexpected, { file: messages.unexpected });
  return new BadRequest(messages.unreadable, { file: messages.unreadable });
});

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
