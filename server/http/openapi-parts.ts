/** Pieces every feature's OpenAPI paths are built from (server/{feature}/openapi.ts). */
export const error = { $ref: '#/components/responses/Error' };
export const bearer = [{ bearer: [] }];
export const refParam = { name: 'ref', in: 'path', required: true, schema: { type: 'string' }, example: '07.11' };

/** A JSON body or response of this schema. */
export const json = (schema: object) => ({ 'application/json': { schema } });
/** A required JSON request body. */
export const body = (schema: object) => ({ required: true, content: json(schema) });
