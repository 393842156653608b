/**
 * ServiceTitan error bodies: every spec declares `ApiErrorResponse` "following RFC 7807"
 * (`type`, `title`, `status`, `traceId`, `errors: {field: string[]}`, `data`). 401/429/5xx are not
 * described and may come from a gateway as HTML or empty, so everything here is optional.
 *
 * Only the *names* of the fields in `errors` are kept: the messages often quote the submitted value
 * ("'Testy McTestface' is not a valid…"), i.e. personal data that must not reach logs or the DLQ.
 */
import * as z from "zod";

export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  traceId?: string;
  /** Keys of `errors` (field paths as ServiceTitan names them), without the messages. */
  fieldNames: string[];
}

const maxTitleLength = 200;
const maxFieldNames = 20;

/** Every field optional and type-checked on its own: one odd field must not hide the others. */
const problemSchema = z.object({
  type: z.string().optional().catch(undefined),
  title: z.string().optional().catch(undefined),
  status: z.number().int().optional().catch(undefined),
  traceId: z.string().optional().catch(undefined),
  errors: z.record(z.string(), z.unknown()).optional().catch(undefined),
});

/** Never throws: an unparseable body yields `{ fieldNames: [] }`. */
export function parseProblemDetails(body: string): ProblemDetails {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { fieldNames: [] };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return { fieldNames: [] };
  const parsed = problemSchema.safeParse(json);
  if (!parsed.success) return { fieldNames: [] };
  const { type, title, status, traceId, errors } = parsed.data;
  const problem: ProblemDetails = {
    fieldNames: Object.keys(errors ?? {})
      .slice(0, maxFieldNames)
      .map((name) => name.slice(0, 100)),
  };
  if (type?.trim()) problem.type = type.trim().slice(0, maxTitleLength);
  if (title?.trim()) problem.title = sanitizeTitle(title.trim());
  if (status !== undefined) problem.status = status;
  if (traceId?.trim()) problem.traceId = traceId.trim().slice(0, 100);
  return problem;
}

/** Titles are short problem summaries; cap and flatten them so a verbose gateway can't flood the DLQ. */
function sanitizeTitle(title: string): string {
  const flat = title.replace(/\s+/g, " ");
  return flat.length > maxTitleLength ? `${flat.slice(0, maxTitleLength - 1)}…` : flat;
}
