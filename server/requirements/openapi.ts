/** OpenAPI paths of the requirements register, merged into /api/v1/openapi.json by server/openapi.ts. */
import { error, json, refParam } from '../http/openapi-parts.ts';
import { VERB_FAMILIES } from './extract.ts';

const requirement = {
  type: 'object',
  required: ['id', 'clause', 'clause_ref', 'clause_key', 'kind', 'verb', 'text'],
  properties: {
    id: { type: 'string', example: '07.11-R-lMCJPfyNb64-3f9a0c12', description: 'Stable across renumbering: the standard\'s ref, the clause\'s stable key and a fingerprint of the sentence (cross-references left out).' },
    clause: { type: 'string', example: '4.1', description: 'the clause number as printed (A.1, Annex B), or the heading of a named clause' },
    clause_ref: { type: 'string', description: 'the clause\'s ref; its anchor on the version page is #clause-{clause_ref}' },
    clause_key: { type: 'string', description: 'the clause\'s stable key (kept across renumbering)' },
    clause_heading: { type: 'string' },
    kind: { type: 'string', enum: ['requirement', 'recommendation', 'permission', 'possibility'] },
    verb: { type: 'string', example: 'shall not', description: 'the verbal form as written: shall, shall not, should, should not, may, may not, need not, can, cannot, can not' },
    text: { type: 'string', description: 'the sentence; for a list item, the lead-in that carries the verb followed by the item' },
    status: { type: 'string', enum: ['new', 'changed', 'unchanged'], description: 'with ?since=' },
    previous_id: { type: 'string', nullable: true, description: 'with ?since=: the id of the requirement it continues' },
    previous_text: { type: 'string', nullable: true, description: 'with ?since=: the earlier text, when changed' },
  },
};
const end = { type: 'object', properties: { n: { type: 'integer' }, label: { type: 'string' }, state: { type: 'string' }, edition: { type: 'integer', nullable: true }, amendment: { type: 'integer', nullable: true } } };
const filters = [
  { name: 'version', in: 'query', schema: { type: 'integer', minimum: 1 }, description: 'the version to read (default: the current edition, else the latest published one)' },
  { name: 'verb', in: 'query', schema: { type: 'string', enum: [...VERB_FAMILIES] }, description: 'shall (with shall not), should, may (with need not), can (with cannot)' },
  { name: 'clause', in: 'query', schema: { type: 'string', maxLength: 50 }, description: 'a clause and its subclauses: 4, 4.2, A.1, Annex B' },
  { name: 'q', in: 'query', schema: { type: 'string', maxLength: 200 }, description: 'words that must all appear in the text' },
  { name: 'since', in: 'query', schema: { type: 'integer', minimum: 1 }, description: 'a version to compare with: each requirement gets a status, and those gone are listed in `removed`' },
];

export const requirementsPaths = {
  '/standards/{ref}/requirements': {
    get: {
      summary: 'The requirements register: every shall / should / may / can sentence of a version (ISO/IEC Directives Part 2), outside notes, examples, informative annexes, the foreword and the introduction',
      parameters: [refParam, ...filters],
      responses: {
        200: {
          description: 'The register. The same as a compliance checklist: /standards/{ref}/requirements.csv and .xlsx (same filters, not under /api/v1).',
          content: json({
            type: 'object',
            properties: {
              ref: { type: 'string' },
              designation: { type: 'string' },
              version: end,
              since: { ...end, nullable: true },
              total: { type: 'integer', description: 'requirements of the version before the filters' },
              counts: { type: 'object', properties: Object.fromEntries(VERB_FAMILIES.map((v) => [v, { type: 'integer' }])) },
              since_counts: { type: 'object', nullable: true, properties: { new: { type: 'integer' }, changed: { type: 'integer' }, unchanged: { type: 'integer' }, removed: { type: 'integer' } } },
              requirements: { type: 'array', items: requirement },
              removed: { type: 'array', items: requirement, description: 'with ?since=: requirements of that version gone from this one (their clause is the one of that version)' },
            },
          }),
        },
        400: error,
        404: error,
        422: error,
      },
    },
  },
};
