/** The OpenAPI description of the Word documents (issue 20), assembled by server/openapi.ts. */
import { error, refParam } from '../http/openapi-parts.ts';
import { DOCX_TYPE } from './common.ts';

const docx = (description: string) => ({
  description,
  headers: { 'Content-Disposition': { schema: { type: 'string' }, description: 'attachment; filename="IMAS-07.11-v3-to-v4-redline.docx"' } },
  content: { [DOCX_TYPE]: { schema: { type: 'string', format: 'binary' } } },
});
const end = (name: 'from' | 'to') => ({ name, in: 'query', required: true, schema: { type: 'string' }, description: 'a version number or "current"' });
const filters = ['clause', 'type', 'organisation', 'disposition'].map((name) => ({ name, in: 'query', schema: { type: 'string' } }));

export const wordPaths = {
  '/standards/{ref}/diff.docx': {
    get: {
      summary: 'The redline in Word: the newer version with every change as a tracked change (w:ins / w:del) that Word and LibreOffice can accept or reject, moved and renumbered clauses in comments, the summary of changes on the first page, the clauses as Word headings. Drafts as for the diff.',
      parameters: [refParam, end('from'), end('to')],
      responses: { 200: docx('The .docx'), 400: error, 404: error },
    },
  },
  '/standards/{ref}/versions/{n}.docx': {
    get: {
      summary: 'A published version as a clean Word edition (409 for a draft): designation, edition, dates and "uncontrolled when printed — check the current edition online" in the page header',
      parameters: [refParam, { name: 'n', in: 'path', required: true, schema: { type: 'string' }, description: 'a version number or "current"' }],
      responses: { 200: docx('The .docx'), 400: error, 404: error, 409: error },
    },
  },
  '/consultations/{id}/comments.docx': {
    get: {
      summary: 'The comment report in Word: the ISO comment template table on landscape pages (as visible as the CSV and XLSX)',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }, ...filters],
      responses: { 200: docx('The .docx'), 401: error, 403: error, 404: error, 422: error },
    },
  },
};
