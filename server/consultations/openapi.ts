/** OpenAPI paths of consultations, merged into /api/v1/openapi.json by server/http/openapi.ts. */
export const consultationsPaths: Record<string, unknown> = {};
