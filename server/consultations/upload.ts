import { AppError, BadRequest, Validation } from '../errors.ts';
import { oneFileUpload } from '../uploads/multipart.ts';
import { readSheet, SheetError, SheetTooLarge, type SheetRow } from './sheets.ts';

export const MAX_SHEET_BYTES = 5 * 1024 * 1024;

export const messages = {
  tooLarge: `The sheet is larger than ${MAX_SHEET_BYTES / 1024 / 1024} MB: split it into several sheets.`,
  noFile: 'Choose a comment sheet (.xlsx or .csv) to upload, in the field "sheet".',
  unreadable: 'The upload could not be read: send the sheet as multipart/form-data, in the field "sheet".',
} as const;

/** multer for one `sheet` file, kept in memory; its errors become AppErrors (413 for size). */
export const uploadSheet = oneFileUpload('sheet', { fileSize: MAX_SHEET_BYTES, files: 1, fields: 10 }, (code) => {
  if (code === 'LIMIT_FILE_SIZE') return new AppError(413, 'too_large', messages.tooLarge, { sheet: messages.tooLarge });
  if (code) return new BadRequest(messages.noFile, { sheet: messages.noFile });
  return new BadRequest(messages.unreadable, { sheet: messages.unreadable });
});

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
