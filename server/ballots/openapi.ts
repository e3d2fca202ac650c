/** OpenAPI paths of ballots, merged into /api/v1/openapi.json by server/http/openapi.ts. */
export const ballotsPaths: Record<string, unknown> = {};
