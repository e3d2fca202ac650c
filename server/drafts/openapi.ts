/** OpenAPI paths of drafts, merged into /api/v1/openapi.json by server/http/openapi.ts. */
export const draftsPaths: Record<string, unknown> = {};
