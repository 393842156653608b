/**
 * Names the host that could not be reached, and how (`ENOTFOUND`, `ECONNREFUSED` …): with the API and
 * the token endpoint on different hosts (`ST_API_URL`, `ST_AUTH_URL`), "network error" alone leaves
 * the operator guessing which one is wrong. Hosts and error codes carry no personal data; the URL's
 * path and query (which may hold search terms) are left out.
 */
export function unreachableHost(url: string, error: unknown): string {
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    host = "(invalid URL)";
  }
  const code = errorCode(error);
  return `${host}${code === undefined ? "" : ` (${code})`}`;
}

/** Node's fetch wraps the socket error: `TypeError: fetch failed`, with `cause.code` (or a nested AggregateError). */
function errorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== "object" || error === null || depth > 3) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === "string" && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
  return (
    errorCode(cause, depth + 1) ??
    (Array.isArray(errors) && errors.length > 0 ? errorCode(errors[0], depth + 1) : undefined)
  );
}
