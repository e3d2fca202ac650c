/** Pieces every feature's OpenAPI paths are built from (server/{feature}/openapi.ts). */
import { z } from 'zod';

export const error = { $ref: '#/components/responses/Error' };
export const bearer = [{ bearer: [] }];
export const refParam = { name: 'ref', in: 'path', required: true, schema: { type: 'string' }, example: '07.11' };

/** A JSON body or response of this schema. */
export const json = (schema: object) => ({ 'application/json': { schema } });
/** A required JSON request body. */
export const body = (schema: object) => ({ required: true, content: json(schema) });

export type JsonSchema = z.core.JSONSchema.BaseSchema;

/**
 * Notes on the fields of a request schema, for what zod cannot say itself: the forms a preprocess step
 * also accepts (`ge` for `general`), a rule checked in a refinement, a description or an example. A note
 * is merged into the field's generated schema, or is a function that wraps it (`oneOf` a string or it).
 * A note names a field the schema has, or the document refuses to build: a note cannot outlive its field.
 */
export type FieldNotes = Record<string, JsonSchema | ((generated: JsonSchema) => JsonSchema)>;

/**
 * The JSON Schema (OpenAPI 3.0 dialect) of what a request schema accepts — its input side, so a field
 * with a default is optional and a transform's result is not described — from the very zod object the
 * route parses with, so the document cannot drift from the server. A description written on the
 * schema itself (`.describe()`, `.meta()`) wins over the note's.
 */
export function schemaOf(schema: z.ZodType, notes: FieldNotes = {}): JsonSchema {
  const out = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete out.$schema;
  for (const [field, note] of Object.entries(notes)) {
    const property = out.properties?.[field];
    if (!property || typeof property !== 'object') throw new Error(`OpenAPI note on "${field}", a field the schema does not have`);
    const own = property.description ? { description: property.description } : {};
    out.properties![field] = typeof note === 'function' ? note(property) : { ...property, ...note, ...own };
  }
  return out;
}

/** A required JSON request body, from the zod schema the route validates it with. */
export const bodyOf = (schema: z.ZodType, notes?: FieldNotes) => body(schemaOf(schema, notes));
