import { draftsPaths } from './drafts/openapi.ts';
import { usersPaths, usersSchemas } from './users/openapi.ts';
import { consultationsPaths } from './consultations/openapi.ts';
import { ballotsPaths } from './ballots/openapi.ts';
import { privacyPaths } from './privacy/openapi.ts';
import { notificationsPaths } from './notifications/openapi.ts';
import { publicationPaths } from './publication/openapi.ts';
import { endorsementPaths } from './endorsement/openapi.ts';
import { proposalsPaths } from './proposals/openapi.ts';
import { requirementsPaths } from './requirements/openapi.ts';
import { organisationsPaths, organisationsSchemas } from './organisations/openapi.ts';
import { diffPaths, diffSchemas } from './diff/openapi.ts';
import { searchPaths } from './search/openapi.ts';
import { myworkPaths } from './mywork/openapi.ts';
import { watchingPaths } from './watching/openapi.ts';
import { wordPaths } from './word/openapi.ts';
import { translationsPaths, translationsSchemas } from './translations/openapi.ts';
import { error, json } from './http/openapi-parts.ts';

/** The OpenAPI 3 description of /api/v1 (design.md §6). Each feature adds its paths here. */
const refParam = { name: 'ref', in: 'path', required: true, schema: { type: 'string' }, example: '07.11', description: 'The standard\'s ref: 07.11, tnma-12.10-01, tep-07.31-01-2022 (other spellings such as 07-11 are accepted).' };

export const openapi = {
  openapi: '3.0.3',
  info: {
    title: 'imas-review API',
    version: '1',
    description: 'The International Mine Action Standards: catalogue, editions, proposals, drafts, consultations and ballots. Times are ISO 8601 UTC; fields are snake_case.',
  },
  servers: [{ url: '/api/v1' }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    responses: {
      Error: {
        description: 'An error',
        content: json({ $ref: '#/components/schemas/Error' }),
      },
      Unavailable: {
        description: 'The database is locked by another process and stayed locked for the configured wait (DB_BUSY_WAIT_MS): nothing was written; try again after Retry-After seconds',
        headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'seconds' } },
        content: json({ $ref: '#/components/schemas/Error' }),
      },
    },
    schemas: {
      ...usersSchemas,
      ...organisationsSchemas,
      ...diffSchemas,
      ...translationsSchemas,
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string' }, message: { type: 'string' }, fields: { type: 'object', additionalProperties: { type: 'string' } } },
          },
        },
      },
      CurrentEdition: {
        type: 'object',
        nullable: true,
        properties: {
          n: { type: 'integer' }, label: { type: 'string' }, edition: { type: 'integer', nullable: true }, amendment: { type: 'integer', nullable: true }, in_force_from: { type: 'string', format: 'date', nullable: true },
          awaiting_endorsement: { type: 'boolean', description: 'Published "with immediate effect, awaiting endorsement" by the UN (IACG-MA), not yet recorded.' },
          endorsed_on: { type: 'string', format: 'date', nullable: true, description: 'The day of the UN endorsement (IACG-MA), once recorded.' },
        },
      },
      Standard: {
        type: 'object',
        required: ['ref', 'designation', 'type', 'number', 'title', 'series', 'current'],
        properties: {
          ref: { type: 'string', example: '07.11' },
          designation: { type: 'string', example: 'IMAS 07.11' },
          type: { type: 'string', enum: ['IMAS', 'TNMA', 'T&EP'] },
          number: { type: 'string', example: '07.11' },
          title: { type: 'string' },
          title_unconfirmed: { type: 'boolean' },
          series: { type: 'string', example: '07' },
          withdrawn_on: { type: 'string', format: 'date', nullable: true },
          replaced_by: { type: 'string', nullable: true },
          current: { $ref: '#/components/schemas/CurrentEdition' },
        },
      },
      VersionMeta: {
        type: 'object',
        properties: {
          n: { type: 'integer' }, label: { type: 'string' }, state: { type: 'string', enum: ['draft', 'approved', 'rejected', 'published'] },
          edition: { type: 'integer', nullable: true }, amendment: { type: 'integer', nullable: true }, imported: { type: 'boolean' }, sample: { type: 'boolean' },
          based_on: { type: 'integer', nullable: true }, published_at: { type: 'string', format: 'date-time', nullable: true },
          in_force_from: { type: 'string', format: 'date', nullable: true }, in_force_until: { type: 'string', format: 'date', nullable: true },
          summary: { type: 'string', nullable: true }, sha256: { type: 'string' },
          steering_group_accepted_on: { type: 'string', format: 'date', nullable: true, description: "The Steering Group's acceptance, after the Review Board's approval." },
          steering_group_note: { type: 'string', nullable: true },
          endorsed_on: { type: 'string', format: 'date', nullable: true, description: 'The UN endorsement (IACG-MA).' },
          endorsement_note: { type: 'string', nullable: true },
          awaiting_endorsement: { type: 'boolean', description: 'Published "with immediate effect, awaiting endorsement": true until the endorsement is recorded.' },
          proposal_id: { type: 'integer', nullable: true, description: 'The proposal it was drafted from (GET /proposals/{id}).' },
        },
      },
      Clause: {
        type: 'object',
        properties: { ref: { type: 'string', example: '4.2.1' }, heading: { type: 'string' }, text: { type: 'string' }, depth: { type: 'integer' }, position: { type: 'integer' }, key: { type: 'string' } },
      },
      Version: {
        allOf: [
          { $ref: '#/components/schemas/VersionMeta' },
          { type: 'object', properties: { ref: { type: 'string' }, text: { type: 'string' }, clauses: { type: 'array', items: { $ref: '#/components/schemas/Clause' } } } },
        ],
      },
    },
  },
  paths: {
    '/standards': {
      get: {
        summary: 'The catalogue, with each standard\'s current edition',
        parameters: [
          { name: 'series', in: 'query', schema: { type: 'string', example: '07' } },
          { name: 'q', in: 'query', schema: { type: 'string' }, description: 'words of the designation or title' },
        ],
        responses: { 200: { description: 'Standards', content: json({ type: 'object', properties: { standards: { type: 'array', items: { $ref: '#/components/schemas/Standard' } } } }) } },
      },
    },
    '/standards/{ref}': {
      get: {
        summary: 'A standard with its versions, consultations and translations (drafts as visible to the caller)',
        parameters: [refParam],
        responses: { 200: { description: 'The standard', content: json({ allOf: [{ $ref: '#/components/schemas/Standard' }, { $ref: '#/components/schemas/StandardTranslations' }] }) }, 404: error },
      },
    },
    '/standards/{ref}/versions/{n}': {
      get: {
        summary: 'A version with its text and clauses',
        parameters: [refParam, { name: 'n', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
        responses: { 200: { description: 'The version', content: json({ $ref: '#/components/schemas/Version' }) }, 400: error, 404: error },
      },
    },
    '/standards/{ref}/versions/current': {
      get: { summary: 'The edition in force today', parameters: [refParam], responses: { 200: { description: 'The version', content: json({ $ref: '#/components/schemas/Version' }) }, 404: error } },
    },
    '/standards/{ref}/versions/in-force': {
      get: {
        summary: 'The edition in force on a date',
        parameters: [refParam, { name: 'date', in: 'query', required: true, schema: { type: 'string', format: 'date' } }],
        responses: { 200: { description: 'The version', content: json({ $ref: '#/components/schemas/Version' }) }, 400: error, 404: error },
      },
    },
  } as Record<string, unknown>,
};

// Each feature describes its own paths; two may add operations to one path (GET and POST /standards).
for (const feature of [usersPaths, draftsPaths, consultationsPaths, ballotsPaths, publicationPaths, endorsementPaths, privacyPaths, organisationsPaths, proposalsPaths, diffPaths, requirementsPaths, searchPaths, myworkPaths, watchingPaths, notificationsPaths, wordPaths, translationsPaths]) {
  for (const [path, operations] of Object.entries(feature)) {
    openapi.paths[path] = { ...(openapi.paths[path] as object | undefined), ...(operations as object) };
  }
}

// The short forms of the same two routes (server/standards/api.ts answers both).
openapi.paths['/standards/{ref}/current'] = openapi.paths['/standards/{ref}/versions/current'];
openapi.paths['/standards/{ref}/in-force'] = openapi.paths['/standards/{ref}/versions/in-force'];

// Any write can find the database locked by another process for longer than the wait (server/db-busy.ts).
for (const operations of Object.values(openapi.paths)) {
  for (const [method, op] of Object.entries(operations as Record<string, { responses?: Record<string, unknown> }>)) {
    if (['post', 'put', 'patch', 'delete'].includes(method) && op.responses) op.responses[503] ??= { $ref: '#/components/responses/Unavailable' };
  }
}
