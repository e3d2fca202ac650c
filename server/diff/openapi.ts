/** The OpenAPI description of the diff (design.md §5), assembled by server/openapi.ts. */
import { error, json, refParam } from '../http/openapi-parts.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const nullableRef = { type: 'string', nullable: true } as const;

export const diffSchemas = {
  DiffChangeLink: {
    type: 'object',
    required: ['anchor', 'from_ref', 'to_ref', 'heading'],
    description: 'Where a change is: the anchor of its clause entry on the diff page, the clause refs on each side, the heading.',
    properties: { anchor: { type: 'string', example: 'change-4.2' }, from_ref: nullableRef, to_ref: nullableRef, heading: { type: 'string' } },
  },
  DiffTermChange: {
    type: 'object',
    required: ['anchor', 'from_ref', 'to_ref', 'from', 'to'],
    description:
      'A requirement verb or a number with its unit that changed, found by following each sentence across the whole document: ' +
      '`from` null when added, `to` null when removed. `from_ref` is the clause the sentence was in, `to_ref` the clause it is in now.',
    properties: {
      anchor: { type: 'string' }, from_ref: nullableRef, to_ref: nullableRef,
      from: { type: 'string', nullable: true, example: '2 hours' }, to: { type: 'string', nullable: true, example: '1 hour' },
      moved: { type: 'boolean', enum: [true], description: 'present when the sentence is now in another clause than before (a piece of a split, a merge, or a sentence that moved): "2 hours → 1 hour, moved from 7.3 to 7.4"' },
    },
  },
  DiffSplit: {
    type: 'object',
    required: ['anchor', 'from_ref', 'to_refs', 'text'],
    description: 'A clause whose text now lives in several clauses.',
    properties: { anchor: { type: 'string' }, from_ref: { type: 'string' }, to_refs: { type: 'array', items: { type: 'string' } }, text: { type: 'string', example: '7.3 was split into 7.3 and 7.4' } },
  },
  DiffMerge: {
    type: 'object',
    required: ['anchor', 'from_refs', 'to_ref', 'text'],
    description: 'Several clauses now in one.',
    properties: { anchor: { type: 'string' }, from_refs: { type: 'array', items: { type: 'string' } }, to_ref: { type: 'string' }, text: { type: 'string', example: '6.1 and 6.2 were merged into 6.1' } },
  },
  DiffMovedSentence: {
    type: 'object',
    required: ['anchor', 'from_ref', 'to_ref', 'text', 'edited'],
    description: 'A sentence with a requirement verb or a number that moved to a clause other than its own (not a piece of it): not removed, not new.',
    properties: {
      anchor: { type: 'string' }, from_ref: { type: 'string' }, to_ref: { type: 'string' },
      text: { type: 'string', description: 'the sentence as it reads now' },
      edited: { type: 'boolean', description: 'whether its words changed on the way (its verb and number changes are in `verbs` and `numbers`)' },
    },
  },
  DiffSummary: {
    type: 'object',
    required: ['verbs', 'numbers', 'added', 'removed', 'moved', 'renumbered', 'split', 'merged', 'splits', 'merges', 'moved_sentences', 'changed', 'words_added', 'words_removed'],
    properties: {
      verbs: { type: 'array', items: ref('DiffTermChange') },
      numbers: { type: 'array', items: ref('DiffTermChange') },
      added: { type: 'array', items: ref('DiffChangeLink') },
      removed: { type: 'array', items: ref('DiffChangeLink') },
      moved: { type: 'array', items: ref('DiffChangeLink') },
      renumbered: { type: 'array', items: ref('DiffChangeLink') },
      split: { type: 'array', items: ref('DiffChangeLink'), description: 'one entry per piece of a split clause' },
      merged: { type: 'array', items: ref('DiffChangeLink'), description: 'one entry per old clause of a merge' },
      splits: { type: 'array', items: ref('DiffSplit'), description: 'one entry per clause split, in words' },
      merges: { type: 'array', items: ref('DiffMerge'), description: 'one entry per clause others were merged into, in words' },
      moved_sentences: { type: 'array', items: ref('DiffMovedSentence') },
      changed: { type: 'integer', description: 'clause entries whose text or heading changed' },
      words_added: { type: 'integer' },
      words_removed: { type: 'integer' },
    },
  },
  DiffClause: {
    type: 'object',
    required: ['status', 'moved', 'renumbered', 'from_ref', 'to_ref', 'heading', 'parts'],
    description: 'A clause entry: joining equal + delete parts gives the old body, equal + insert the new. A split clause gives one entry per piece (same from_ref), merged clauses several entries with the same to_ref.',
    properties: {
      status: { type: 'string', enum: ['unchanged', 'changed', 'added', 'removed'] }, moved: { type: 'boolean' }, renumbered: { type: 'boolean' },
      from_ref: nullableRef, to_ref: nullableRef, heading: { type: 'string' }, from_heading: { type: 'string', description: 'present only when the heading changed' },
      parts: { type: 'array', items: { type: 'object', required: ['op', 'text'], properties: { op: { type: 'string', enum: ['equal', 'insert', 'delete'] }, text: { type: 'string' } } } },
    },
  },
};

export const diffPaths = {
  '/standards/{ref}/diff': {
    get: {
      summary: 'What changed between two versions: summary and clause entries (design.md §5)',
      parameters: [
        refParam,
        { name: 'from', in: 'query', required: true, schema: { type: 'string' }, description: 'a version number or "current"' },
        { name: 'to', in: 'query', required: true, schema: { type: 'string' }, description: 'a version number or "current"' },
      ],
      responses: {
        200: {
          description: 'The diff',
          content: json({
            type: 'object',
            properties: {
              ref: { type: 'string' }, from: { type: 'object' }, to: { type: 'object' },
              summary: ref('DiffSummary'),
              clauses: { type: 'array', items: ref('DiffClause') },
            },
          }),
        },
        400: error,
        404: error,
      },
    },
  },
};
