/**
 * The minimum an error body must carry when ServiceTitan's documents do not describe the status (401, 429,
 * 5xx, undocumented 4xx): the RFC 7807 core of the documents' `ApiErrorResponse` (`type`, `title`,
 * `status`, `traceId`). The worker's error mapping reads `status`, `title` and `traceId` from every
 * failure; `errors`/`data` are required only where the documents list the status.
 */
export const problemDetailsSchema = {
  type: "object",
  required: ["type", "title", "status", "traceId"],
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    traceId: { type: "string" },
    errors: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
    data: { type: "object" },
  },
} as const;
