/** OpenAPI paths of watching (issue 16 item 2), merged into /api/v1/openapi.json. */
import { bearer, bodyOf, error, json } from '../http/openapi-parts.ts';
import { watchSchema } from './validation.ts';

const watchList = json({
  type: 'object',
  required: ['watches', 'default_all', 'nothing'],
  properties: {
    watches: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          scope: { type: 'string', enum: ['all', 'series', 'standard'] },
          series: { type: 'object', nullable: true, properties: { code: { type: 'string', example: '07' }, name: { type: 'string', nullable: true } } },
          standard: { type: 'object', nullable: true, properties: { ref: { type: 'string' }, designation: { type: 'string' }, title: { type: 'string' } } },
          created_at: { type: 'string', format: 'date-time' },
        },
      },
    },
    default_all: { type: 'boolean', description: 'A Board member who has not chosen: they watch everything.' },
    nothing: { type: 'boolean', description: 'They chose to watch nothing.' },
  },
});

export const watchingPaths: Record<string, unknown> = {
  '/me/watches': {
    get: { summary: 'What the caller watches', security: bearer, responses: { 200: { description: 'The watches', content: watchList }, 401: error } },
    post: {
      summary: 'Watch everything, a series or a standard',
      description: 'Idempotent. Watching everything replaces the other watches; any watch replaces "nothing" (and a Board member\'s default of everything).',
      security: bearer,
      requestBody: bodyOf(watchSchema, { ref: { example: '07.11' }, series: { example: '07' } }),
      responses: { 201: { description: 'The watches after the change', content: watchList }, 401: error, 422: error },
    },
    delete: { summary: 'Watch nothing (a Board member\'s default of everything included)', security: bearer, responses: { 204: { description: 'Done' }, 401: error } },
  },
  '/me/watches/{id}': {
    delete: {
      summary: 'Stop one watch',
      security: bearer,
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
      responses: { 204: { description: 'Done' }, 401: error, 404: error },
    },
  },
};
