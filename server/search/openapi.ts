/** OpenAPI paths of search, merged into /api/v1/openapi.json by server/openapi.ts. */
import { error, json } from '../http/openapi-parts.ts';
import { MAX_QUERY_CHARS } from './query.ts';
import { MAX_PAGE, SEARCH_STATES, SEARCH_TYPES } from './validation.ts';

const query = (name: string, schema: object, description: string, required = false) => ({ name, in: 'query', required, schema, description });

const clauseResult = {
  type: 'object',
  properties: {
    standard: { type: 'object', properties: { ref: { type: 'string' }, designation: { type: 'string' }, title: { type: 'string' }, type: { type: 'string' } } },
    version: { type: 'object', properties: { n: { type: 'integer' }, label: { type: 'string' }, kind: { type: 'string', enum: [...SEARCH_STATES] } } },
    clause: { type: 'object', properties: { ref: { type: 'string' }, heading: { type: 'string' } } },
    url: { type: 'string', description: 'the clause on its page: …#clause-{ref}' },
    rank: { type: 'number', description: 'higher is better; a hit in a heading weighs more than one in the text' },
    heading_html: { type: 'string', description: 'the heading, HTML-escaped, hits in <mark>' },
    snippet_html: { type: 'string', description: 'a passage around the hits, HTML-escaped, hits in <mark>' },
    snippet: { type: 'string', description: 'the same passage as plain text' },
  },
};

export const searchPaths = {
  '/search': {
    get: {
      summary:
        'Full-text search of the clauses: current editions and live drafts by default (drafts under consultation for everyone, unreleased ones for the Board and the secretariat), ' +
        'every version with versions=all. Words are all required, "quoted words" are a phrase, demin* a prefix, -word excludes, a OR b; English stemming (mine, mines, mining). ' +
        'A designation (07.11, IMAS 07.11, tnma 12.10/01, 07.11 4.2) answers with `standard` (where the page redirects). Comments and dispositions: every consultation for the Board ' +
        'and the secretariat, their own for other accounts, none for the public (`comments` null).',
      parameters: [
        query('q', { type: 'string', maxLength: MAX_QUERY_CHARS }, 'what to find', true),
        query('series', { type: 'string', pattern: '^\\d{2}$' }, 'two digits, e.g. 07'),
        query('type', { type: 'string', enum: [...SEARCH_TYPES] }, 'document type'),
        query('state', { type: 'string', enum: [...SEARCH_STATES] }, 'the versions of this kind only (superseded implies versions=all)'),
        query('versions', { type: 'string', enum: ['current', 'all'] }, 'current (default) or all'),
        query('page', { type: 'integer', minimum: 1, maximum: MAX_PAGE }, '20 results a page'),
      ],
      responses: {
        200: {
          description: 'results, best first',
          content: json({
            type: 'object',
            properties: {
              query: { type: 'string' },
              standard: { type: 'object', nullable: true, properties: { ref: { type: 'string' }, clause: { type: 'string', nullable: true }, url: { type: 'string' } } },
              page: { type: 'integer' },
              more: { type: 'boolean' },
              results: { type: 'array', items: clauseResult },
              standards: { type: 'array', items: { type: 'object', properties: { ref: { type: 'string' }, designation: { type: 'string' }, title: { type: 'string' } } } },
              comments: { type: 'array', nullable: true, items: { type: 'object' } },
            },
          }),
        },
        400: error,
      },
    },
  },
};
