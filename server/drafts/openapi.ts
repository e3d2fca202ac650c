/** OpenAPI paths of drafts, merged into /api/v1/openapi.json by server/http/openapi.ts. */
import { bearer, bodyOf, error, json, refParam, schemaOf } from '../http/openapi-parts.ts';
import { mb } from '../uploads/zip.ts';
import { MAX_DOCX_UNPACKED } from './validation.ts';
import { draftSchema, standardSchema, withdrawSchema } from './validation.ts';

const standard = json({ $ref: '#/components/schemas/Standard' });

const draftBody = schemaOf(draftSchema, {
  text: { description: 'The whole text as Markdown: headings carry clause numbers (`## 4.2 Marking`), named level-1 headings (`# Foreword`), annexes (`# Annex A (normative) …`, `## A.1 …`).' },
  label: { description: 'Default: "Draft version {n}".' },
  based_on: { description: 'The version number this draft revises; clause keys are inherited from it. Default: the latest version; null for none.' },
});

export const draftsPaths: Record<string, unknown> = {};

/** POST /standards, merged beside the catalogue's GET by server/http/openapi.ts. */
const standardsPost = {
  summary: 'Add a standard to the catalogue (secretariat)',
  security: bearer,
  requestBody: bodyOf(standardSchema, { number: { description: 'IMAS 07.11; TNMA 12.10/01; T&EP 07.31/01/2022', example: '07.12' } }),
  responses: { 201: { description: 'The new standard', content: standard }, 401: error, 403: error, 409: error, 422: error },
};

draftsPaths['/standards'] = { post: standardsPost };

draftsPaths['/standards/{ref}/withdraw'] = {
  post: {
    summary: 'Withdraw a standard from a date, optionally naming its replacement (secretariat)',
    security: bearer,
    parameters: [refParam],
    requestBody: bodyOf(withdrawSchema, { date: { format: 'date' }, replaced_by: { description: 'ref of the replacing standard', example: '07.12' } }),
    responses: { 200: { description: 'The standard, withdrawn', content: standard }, 401: error, 403: error, 404: error, 409: error, 422: error },
  },
};

draftsPaths['/standards/{ref}/versions'] = {
  post: {
    summary: 'Add a draft: a new version of the standard from Markdown or a Word file (secretariat)',
    description:
      'The text is parsed into clauses; problems come back as 422 with `fields.text` listing them by line, and nothing is saved. ' +
      'Clause keys are inherited from the `based_on` version where clauses match, so comments follow renumbered clauses. ' +
      'A saved text never changes: a new text is a new version. With `?dry_run=1` the parsed clauses are returned and nothing is saved.',
    security: bearer,
    parameters: [refParam, { name: 'dry_run', in: 'query', schema: { type: 'string', enum: ['1'] }, description: 'parse and return the clauses without saving' }],
    requestBody: {
      required: true,
      content: {
        'application/json': { schema: draftBody },
        'multipart/form-data': {
          schema: {
            type: 'object',
            properties: {
              file: { type: 'string', format: 'binary', description: `.md (UTF-8) or .docx (Word; clauses numbered from the heading levels), at most 10 MB; a .docx at most ${mb(MAX_DOCX_UNPACKED)} once unpacked` },
              label: { type: 'string' },
              based_on: { type: 'string' },
            },
          },
        },
      },
    },
    responses: {
      200: { description: 'Dry run: the clauses the text would have', content: json({ type: 'object', properties: { ref: { type: 'string' }, based_on: { type: 'integer', nullable: true }, words: { type: 'integer' }, notes: { type: 'array', items: { type: 'string' } }, clauses: { type: 'array', items: { $ref: '#/components/schemas/Clause' } } } }) },
      201: { description: 'The new draft with its clauses', content: json({ $ref: '#/components/schemas/Version' }) },
      400: error,
      401: error,
      403: error,
      404: error,
      409: error,
      413: { description: `too_large: the file is over 10 MB, or the .docx unpacks to more than ${mb(MAX_DOCX_UNPACKED)} (or more than it declares); refused as soon as the count passes it`, content: json({ $ref: '#/components/schemas/Error' }) },
      422: error,
    },
  },
};
