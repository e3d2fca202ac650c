/** OpenAPI paths of consultations, merged into /api/v1/openapi.json by server/http/openapi.ts. */
import { bearer, bodyOf, error, json, type FieldNotes } from '../http/openapi-parts.ts';
import { mb } from '../uploads/zip.ts';
import { MAX_SHEET_ROWS, MAX_SHEET_UNPACKED } from './sheets.ts';
import { MAX_PAGE_SIZE, PAGE_SIZE } from './matrix.ts';
import { MATRIX_SORTS } from './validation.ts';
import { MAX_SHEET_BYTES } from './upload.ts';
import { commentCreateSchema, commentPatchSchema, consultationCreateSchema, consultationPatchSchema } from './validation.ts';

const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer' } };

const consultation = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, ref: { type: 'string', example: '07.11' }, designation: { type: 'string' }, title: { type: 'string' },
    proposal_id: { type: 'integer', nullable: true, description: 'The proposal its draft was made from (GET /proposals/{id}).' },
    n: { type: 'integer' }, label: { type: 'string' }, opens_at: { type: 'string', format: 'date-time' }, closes_at: { type: 'string', format: 'date-time' },
    cancelled_at: { type: 'string', format: 'date-time', nullable: true }, instructions: { type: 'string', nullable: true },
    state: { type: 'string', enum: ['scheduled', 'open', 'closed', 'cancelled'] }, comments: { type: 'integer' }, report_public: { type: 'boolean' },
  },
};
const comment = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, reference: { type: 'string', example: 'C-1-17', description: 'The receipt number, unique per consultation' },
    consultation_id: { type: 'integer' }, clause: { type: 'string', nullable: true, description: 'Clause ref; null for a general comment' },
    clause_key: { type: 'string', nullable: true }, paragraph: { type: 'string', nullable: true }, line_number: { type: 'string', nullable: true },
    type: { type: 'string', enum: ['general', 'technical', 'editorial'] }, comment: { type: 'string' }, proposed_change: { type: 'string', nullable: true },
    author: { type: 'object', properties: { name: { type: 'string' }, organisation: { type: 'string' } } }, entered_on_behalf: { type: 'boolean' },
    submitted_at: { type: 'string', format: 'date-time' }, updated_at: { type: 'string', format: 'date-time', nullable: true },
    edited_at: { type: 'string', format: 'date-time', nullable: true, description: 'When its author last changed it; null if never' },
    withdrawn: { type: 'boolean' }, withdrawn_at: { type: 'string', nullable: true },
    disposition: { type: 'string', nullable: true, enum: ['accepted', 'partially_accepted', 'rejected', 'noted', null] }, response: { type: 'string', nullable: true },
    disposed_at: { type: 'string', nullable: true },
    location: { type: 'object', description: 'With ?version=n: where the clause is in that later draft', properties: { was_ref: { type: 'string' }, now_ref: { type: 'string', nullable: true }, status: { type: 'string', enum: ['general', 'unchanged', 'renumbered', 'changed', 'removed'] }, note: { type: 'string', example: 'was 4.3, now 5.2' }, change_anchor: { type: 'string', nullable: true, example: 'change-5.2' } } },
  },
};
const sheetResult = {
  type: 'object',
  properties: {
    added: { type: 'integer', description: 'Rows without a Reference: new comments' }, updated: { type: 'integer' }, unchanged: { type: 'integer' },
    imported: { type: 'integer', description: 'The same as added (kept for older clients)' },
    comments: { type: 'array', items: comment, description: 'The comments added' }, updated_comments: { type: 'array', items: comment },
  },
};
const revision = {
  type: 'object',
  description: 'The comment as it was until replaced_at, when its author changed it',
  properties: {
    clause: { type: 'string', nullable: true }, clause_key: { type: 'string', nullable: true }, paragraph: { type: 'string', nullable: true }, line_number: { type: 'string', nullable: true },
    type: { type: 'string', enum: ['general', 'technical', 'editorial'] }, comment: { type: 'string' }, proposed_change: { type: 'string', nullable: true },
    replaced_at: { type: 'string', format: 'date-time' },
  },
};
/** What the comment schemas' preprocess steps also accept, and what their fields mean. */
const commentNotes: FieldNotes = {
  clause: { example: '4.3', description: 'A clause number (4.3, A.1, Foreword); null or omitted for a general comment' },
  paragraph: { description: 'Paragraph, figure or table' },
  type: { enum: ['general', 'technical', 'editorial', 'ge', 'te', 'ed'] },
};
const filters = [
  { name: 'clause', in: 'query', schema: { type: 'string' }, description: 'A clause and its subclauses (4 takes 4.1, 4.1.2 …); `general` for general comments' },
  { name: 'type', in: 'query', schema: { type: 'string', enum: ['general', 'technical', 'editorial', 'ge', 'te', 'ed'] } },
  { name: 'organisation', in: 'query', schema: { type: 'string' } },
  { name: 'disposition', in: 'query', schema: { type: 'string', enum: ['accepted', 'partially_accepted', 'rejected', 'noted', 'none'] }, description: '`none`: no disposition yet' },
  { name: 'text', in: 'query', schema: { type: 'string', maxLength: 200 }, description: 'Words in the comment, the proposed change or the response, in any case' },
  { name: 'mine', in: 'query', schema: { type: 'string', enum: ['1', 'true'] }, description: 'Only the comments the caller wrote or entered' },
  { name: 'sort', in: 'query', schema: { type: 'string', enum: [...MATRIX_SORTS], default: 'reference' }, description: 'reference: as received; clause: in the order of the draft (general first); organisation; type. Each then by reference.' },
];
const paging = [
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE }, description: `Answer one page of this many comments (${PAGE_SIZE} when only a cursor is given) with a \`next\` link. Without limit and cursor the whole list is answered, streamed.` },
  { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'Where the page starts: the `next_cursor` of the page before, for the same filters and sort (400 otherwise). Comments added meanwhile never make a comment appear twice or be skipped.' },
];
const exportName = 'The file is named after the standard, the draft, the consultation and the day: IMAS-07.11-v4-comments-C-1-2026-12-02.csv.';
const errors = { 401: error, 403: error, 404: error, 409: error, 422: error };

export const consultationsPaths: Record<string, unknown> = {
  '/standards/{ref}/versions/{n}/consultations': {
    post: {
      summary: 'Open (or schedule) a consultation on a draft (secretariat); one at a time per draft',
      security: bearer,
      parameters: [{ name: 'ref', in: 'path', required: true, schema: { type: 'string' } }, { name: 'n', in: 'path', required: true, schema: { type: 'integer' } }],
      requestBody: bodyOf(consultationCreateSchema, { opens_at: { format: 'date-time', description: 'Default: now. Without a zone: UTC.' }, closes_at: { format: 'date-time' } }),
      responses: { 201: { description: 'Opened', content: json(consultation) }, ...errors },
    },
  },
  '/consultations': { get: { summary: 'All consultations with their state', responses: { 200: { description: 'OK', content: json({ type: 'object', properties: { consultations: { type: 'array', items: consultation } } }) } } } },
  '/consultations/{id}': {
    get: { summary: 'A consultation', parameters: [id], responses: { 200: { description: 'OK', content: json(consultation) }, 404: error } },
    patch: {
      summary: 'Extend or move the dates, close early or cancel (secretariat); one change per call',
      security: bearer,
      parameters: [id],
      requestBody: bodyOf(consultationPatchSchema),
      responses: { 200: { description: 'Changed', content: json(consultation) }, ...errors },
    },
  },
  '/consultations/{id}/comments': {
    get: {
      summary: 'The comment matrix: signed-in users while open, everyone after the close (409 for the public before)',
      description: 'With `limit` or `cursor`: one page and the link to the next (`next`, null on the last page). Without them: every comment matching the filters, in one document written as it is read (chunked).',
      parameters: [id, ...filters, ...paging, { name: 'version', in: 'query', schema: { type: 'integer' }, description: 'Follow the comments onto a later draft based on the commented one' }],
      responses: {
        200: {
          description: 'OK',
          content: json({
            type: 'object',
            properties: {
              consultation, mapped_to: { type: 'object', nullable: true }, comments: { type: 'array', items: comment },
              next: { type: 'string', nullable: true, description: 'Paged: the path of the next page, filters and sort kept; null on the last page' },
              next_cursor: { type: 'string', nullable: true, description: 'Paged: the cursor of the next page' },
              limit: { type: 'integer', description: 'Paged: the page size' },
            },
          }),
        },
        400: { description: 'bad_request: a limit out of 1–' + MAX_PAGE_SIZE + ', or a cursor not given out by this server or made for other filters or another sort', content: json({ $ref: '#/components/schemas/Error' }) },
        ...errors,
      },
    },
    post: {
      summary: 'Submit a comment (verified address); 409 outside the window',
      security: bearer,
      parameters: [id],
      requestBody: bodyOf(commentCreateSchema, {
        ...commentNotes,
        // A string is read as {organisation} by the schema's preprocess step.
        on_behalf_of: (object) => ({ description: 'Secretariat only: an organisation (string) or {organisation, name}', oneOf: [{ type: 'string' }, object] }),
      }),
      responses: { 201: { description: 'Received: `reference` is the receipt', content: json(comment) }, ...errors },
    },
  },
  '/consultations/{id}/comments/sheet': {
    post: {
      summary: 'Import a comment sheet in the ISO template layout (XLSX or CSV): all rows or none',
      description: 'A row without a Reference is a new comment. A row whose Reference column holds a receipt of this consultation (C-3-12, as the export writes it) is that comment: left alone when unchanged, updated when the uploader may still edit it (their own, not withdrawn, no disposition, window open), refused by row number otherwise. A comment is never created twice nor revived.',
      security: bearer,
      parameters: [id],
      requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { sheet: { type: 'string', format: 'binary', description: `.xlsx (first worksheet) or .csv; at most ${MAX_SHEET_ROWS.toLocaleString('en')} comments (upload a larger set as several sheets), ${mb(MAX_SHEET_BYTES)}, and ${mb(MAX_SHEET_UNPACKED)} once unpacked` } } } } } },
      responses: {
        201: { description: 'Imported, at least one comment added', content: json(sheetResult) },
        200: { description: 'Imported, no comment added (rows updated or unchanged)', content: json(sheetResult) },
        ...errors,
        413: { description: `too_large: the file is over ${mb(MAX_SHEET_BYTES)}, or the .xlsx unpacks to more than ${mb(MAX_SHEET_UNPACKED)} (or more than it declares); refused as soon as the count passes it`, content: json({ $ref: '#/components/schemas/Error' }) },
        422: { description: `validation: not a sheet that can be read, no header row, no comments under it (the blank template), more than ${MAX_SHEET_ROWS.toLocaleString('en')} comments (refused at the first one past it), or rows that cannot be placed (fields name them by row); nothing is imported`, content: json({ $ref: '#/components/schemas/Error' }) },
      },
    },
  },
  '/consultations/{id}/comments.csv': { get: { summary: 'The matrix as CSV, ISO template column order, formulas neutralised; every comment matching the filters, streamed', description: exportName, parameters: [id, ...filters], responses: { 200: { description: 'CSV', content: { 'text/csv': {} } }, ...errors } } },
  '/consultations/{id}/comments.xlsx': { get: { summary: 'The matrix as XLSX, ISO template column order; every comment matching the filters, streamed', description: exportName, parameters: [id, ...filters], responses: { 200: { description: 'XLSX', content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {} } }, ...errors } } },
  '/consultations/{id}/template.csv': { get: { summary: 'The blank ISO comment template as CSV: the header block (date, document, project) and the columns, no rows', parameters: [id], responses: { 200: { description: 'CSV', content: { 'text/csv': {} } }, 404: error } } },
  '/consultations/{id}/template.xlsx': { get: { summary: 'The blank ISO comment template as XLSX: the header block (date, document, project) and the columns, no rows', parameters: [id], responses: { 200: { description: 'XLSX', content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {} } }, 404: error } } },
  '/comments/{id}': {
    get: { summary: 'One comment (as visible as the matrix)', parameters: [id], responses: { 200: { description: 'OK', content: json(comment) }, ...errors } },
    patch: {
      summary: 'Edit one\'s own comment while open and before a disposition; the secretariat records {disposition, response}',
      security: bearer,
      parameters: [id],
      requestBody: bodyOf(commentPatchSchema, commentNotes),
      responses: { 200: { description: 'Saved', content: json(comment) }, ...errors },
    },
    delete: { summary: 'Withdraw one\'s own comment (it stays in the record, marked withdrawn)', security: bearer, parameters: [id], responses: { 200: { description: 'Withdrawn', content: json(comment) }, ...errors } },
  },
  '/comments/{id}/revisions': {
    get: {
      summary: 'The texts a comment had before its author\'s edits, oldest first (secretariat)',
      security: bearer,
      parameters: [id],
      responses: { 200: { description: 'OK', content: json({ type: 'object', properties: { comment_id: { type: 'integer' }, reference: { type: 'string' }, edited_at: { type: 'string', format: 'date-time', nullable: true }, revisions: { type: 'array', items: revision } } }) }, ...errors },
    },
  },
};
