/** OpenAPI paths and schemas of translations (issue 19 item 2), merged into /api/v1/openapi.json by server/openapi.ts. */
import { bearer, error, json, refParam, schemaOf } from '../http/openapi-parts.ts';
import { mb } from '../uploads/zip.ts';
import { MAX_DOCX_UNPACKED } from '../drafts/validation.ts';
import { TRANSLATION_LANGUAGES } from './rules.ts';
import { translationSchema } from './validation.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const nParam = { name: 'n', in: 'path', required: true, schema: { type: 'integer', minimum: 1 }, description: 'the English version the translation renders' };
const langParam = { name: 'lang', in: 'path', required: true, schema: { type: 'string', enum: [...TRANSLATION_LANGUAGES] }, description: 'the language of the translation (English is the version itself)' };

const diff = {
  type: 'object',
  nullable: true,
  description: 'When stale: what changed in the English text from the translated version to the current edition.',
  properties: { from: { type: 'integer' }, to: { type: 'integer' }, html: { type: 'string' }, api: { type: 'string' } },
};
const links = {
  type: 'object',
  properties: { html: { type: 'string' }, side_by_side: { type: 'string' }, api: { type: 'string' }, english_html: { type: 'string' }, english_api: { type: 'string' } },
};

export const translationsSchemas = {
  TranslationSummary: {
    type: 'object',
    required: ['language', 'n', 'official', 'stale', 'links'],
    description: 'A translation of one version of the standard. The English text is authoritative.',
    properties: {
      language: { type: 'string', enum: [...TRANSLATION_LANGUAGES] },
      n: { type: 'integer', description: 'the English version it renders' },
      official: { type: 'boolean', description: 'an official (UN-approved) translation; most are unofficial' },
      stale: { type: 'boolean', description: 'true when it renders a published edition older than the current one: the English text has changed since' },
      matches: { type: 'string', example: 'Edition 2 Amendment 1', description: 'the edition (or draft label) it matches' },
      sample: { type: 'boolean' },
      updated_at: { type: 'string', format: 'date-time' },
      diff,
      links,
    },
  },
  TranslatedClause: {
    type: 'object',
    description: 'A clause of the translation: the same ref (anchor `#clause-{ref}`) and key as the English clause it renders.',
    properties: { ref: { type: 'string', example: '4.2' }, label: { type: 'string', example: 'Annexe A', description: 'the clause number as the translation writes it' }, heading: { type: 'string' }, text: { type: 'string' }, depth: { type: 'integer' }, position: { type: 'integer' }, key: { type: 'string' } },
  },
  Translation: {
    type: 'object',
    required: ['ref', 'n', 'language', 'official', 'authoritative', 'stale', 'text', 'clauses'],
    properties: {
      ref: { type: 'string' },
      designation: { type: 'string' },
      n: { type: 'integer' },
      language: { type: 'string', enum: [...TRANSLATION_LANGUAGES] },
      dir: { type: 'string', enum: ['ltr', 'rtl'] },
      official: { type: 'boolean' },
      authoritative: { type: 'string', enum: ['en'], description: 'the English text is authoritative' },
      stale: { type: 'boolean' },
      matches: { type: 'object', properties: { n: { type: 'integer' }, label: { type: 'string' }, state: { type: 'string' }, edition: { type: 'integer', nullable: true }, amendment: { type: 'integer', nullable: true }, name: { type: 'string' } } },
      current: { type: 'object', nullable: true, properties: { n: { type: 'integer' }, label: { type: 'string' }, edition: { type: 'integer', nullable: true }, amendment: { type: 'integer', nullable: true } } },
      diff,
      sample: { type: 'boolean' },
      sha256: { type: 'string' },
      created_at: { type: 'string', format: 'date-time' },
      updated_at: { type: 'string', format: 'date-time' },
      text: { type: 'string', description: 'the translated text as Markdown' },
      clauses: { type: 'array', items: ref('TranslatedClause') },
      links,
      notes: { type: 'array', items: { type: 'string' }, description: 'after a Word upload: what the conversion left out' },
    },
  },
  StandardTranslations: {
    type: 'object',
    description: 'Added to a standard\'s JSON: the translations of the versions the caller may see.',
    properties: { translations: { type: 'array', items: ref('TranslationSummary') } },
  },
};

const body = schemaOf(translationSchema.omit({ language: true }), {
  text: { description: 'The translated text as Markdown: the same clause numbers as the English version (`## 4.2 Marquage`); named headings are matched in order, or by `{#foreword}` at their end; annexes as `# Annexe A …`.' },
  official: { description: 'true for an official (UN-approved) translation; default false (unofficial)' },
});

export const translationsPaths: Record<string, unknown> = {
  '/standards/{ref}/versions/{n}/translations': {
    get: {
      summary: 'The translations of a version',
      parameters: [refParam, nParam],
      responses: { 200: { description: 'Its translations', content: json({ type: 'object', properties: { ref: { type: 'string' }, n: { type: 'integer' }, translations: { type: 'array', items: ref('TranslationSummary') } } }) }, 404: error },
    },
  },
  '/standards/{ref}/versions/{n}/translations/{lang}': {
    get: {
      summary: 'The translation of a version into a language, with its clauses and whether the English text has changed since',
      parameters: [refParam, nParam, langParam],
      responses: { 200: { description: 'The translation', content: json(ref('Translation')) }, 404: error },
    },
    put: {
      summary: 'Load or replace the translation of a version into a language (secretariat)',
      description:
        'The text is parsed with the same parser as a draft and its clauses matched to the English clauses by number: a clause on one side only is refused (422 naming them), so clause anchors are the same in every language. ' +
        'Replaces the translation there was in that language. Recorded in the audit log (translation.loaded / translation.replaced).',
      security: bearer,
      parameters: [refParam, nParam, langParam],
      requestBody: {
        required: true,
        content: {
          'application/json': { schema: body },
          'multipart/form-data': {
            schema: {
              type: 'object',
              properties: {
                file: { type: 'string', format: 'binary', description: `.md (UTF-8) or .docx (Word; clauses numbered from the heading levels), at most 10 MB; a .docx at most ${mb(MAX_DOCX_UNPACKED)} once unpacked` },
                official: { type: 'string', enum: ['true', 'false'] },
              },
            },
          },
        },
      },
      responses: {
        200: { description: 'Replaced', content: json(ref('Translation')) },
        201: { description: 'Loaded', content: json(ref('Translation')) },
        400: error,
        401: error,
        403: error,
        404: error,
        413: error,
        422: error,
      },
    },
    delete: {
      summary: 'Remove the translation of a version into a language (secretariat)',
      security: bearer,
      parameters: [refParam, nParam, langParam],
      responses: { 204: { description: 'Removed' }, 401: error, 403: error, 404: error },
    },
  },
  '/standards/{ref}/translations/{lang}': {
    get: {
      summary: 'The latest translation into a language: the current edition\'s, else the newest the caller may see',
      parameters: [refParam, langParam],
      responses: { 200: { description: 'The translation', content: json(ref('Translation')) }, 404: error },
    },
  },
};
