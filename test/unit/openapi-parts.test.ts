import { expect } from 'chai';
import { z } from 'zod';
import { schemaOf } from '../../server/http/openapi-parts.ts';

describe('OpenAPI request schemas from zod', () => {
  const schema = z
    .object({
      at: z.string().trim().transform((s) => new Date(s)),
      rule: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['a', 'b']).default('a')),
      who: z.string().max(10).describe('from the schema'),
    })
    .strict();

  it('describes what the schema accepts: its input side, defaults optional, unknown fields refused', () => {
    expect(schemaOf(schema)).to.deep.equal({
      type: 'object',
      properties: { at: { type: 'string' }, rule: { type: 'string', enum: ['a', 'b'], default: 'a' }, who: { type: 'string', maxLength: 10, description: 'from the schema' } },
      required: ['at', 'who'],
      additionalProperties: false,
    });
  });

  it('merges notes into their fields, wraps a field with a function note, and keeps the schema\'s own description', () => {
    const out = schemaOf(schema, { at: { format: 'date-time' }, rule: (s) => ({ oneOf: [{ type: 'string', enum: [''] }, s] }), who: { description: 'from the note', example: 'x' } });
    expect(out.properties!.at).to.deep.equal({ type: 'string', format: 'date-time' });
    expect(out.properties!.rule).to.deep.equal({ oneOf: [{ type: 'string', enum: [''] }, { type: 'string', enum: ['a', 'b'], default: 'a' }] });
    expect(out.properties!.who).to.deep.equal({ type: 'string', maxLength: 10, description: 'from the schema', example: 'x' });
  });

  it('refuses a note on a field the schema does not have, so notes cannot outlive their fields', () => {
    expect(() => schemaOf(schema, { gone: { description: 'stale' } })).to.throw(/"gone"/);
  });
});
