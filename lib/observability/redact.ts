/**
 * Personal-data redaction for everything that leaves the worker as text: log items, error
 * summaries, CLI output. Orders carry names, emails, phones and street addresses; CloudWatch Logs
 * keeps them for the retention period and anyone with `logs:FilterLogEvents` can read them, so
 * they are removed before a log line is serialised rather than trusted to never be logged.
 *
 * Two layers: values under personal-data keys are replaced whole (at any depth, in objects,
 * arrays and error properties), and email/phone patterns are masked inside every other string
 * (error messages from libraries sometimes echo the input).
 */

export const redactedValue = "[redacted]";
export const redactedEmail = "[redacted-email]";
export const redactedPhone = "[redacted-phone]";

/**
 * Keys (compared lower-case, without `_`/`-`) whose values are personal data whatever their type.
 * `name` and `value` are broad on purpose: ServiceTitan contacts are `{ type, value }` and
 * customer/location bodies use `name`; a redacted product name costs less than a leaked person.
 */
const personalKeys: ReadonlySet<string> = new Set([
  "email",
  "emails",
  "emailaddress",
  "phone",
  "phones",
  "phonenumber",
  "mobile",
  "fax",
  "firstname",
  "lastname",
  "fullname",
  "name",
  "customername",
  "contactname",
  "street",
  "streetaddress",
  "address",
  "address1",
  "address2",
  "addressline1",
  "addressline2",
  "billingaddress",
  "serviceaddress",
  "unit",
  "zip",
  "zipcode",
  "postalcode",
  "company",
  "companyname",
  "notes",
  "note",
  "value",
]);

/**
 * Free-text keys redacted when they hold a string: the order `notes` end up in the job `summary`,
 * but an object under `summary` (an `ErrorSummary`) is safe and useful.
 */
const freeTextKeys: ReadonlySet<string> = new Set(["summary", "comment", "comments", "memo", "instructions"]);

const emailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/**
 * North American numbers as they appear in real order data: `(555) 010-0142`, `555.201.7788`,
 * `+1 555 201 7788`, `5552017788`, `555-0123`, with an optional extension. Formatted numbers are
 * masked whatever their digits (storefront data doesn't respect NANP rules); bare digit runs only
 * when exactly 10 (or 11 with a leading 1) long and starting with 2–9, which keeps epoch seconds
 * (`17…`), epoch milliseconds and ids inside longer runs (UUIDs, X-Ray ids) out.
 */
const extension = String.raw`(?:\s*(?:x|ext\.?|extension)\s*\d{1,6})?`;
const phonePattern = new RegExp(
  [
    String.raw`(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}${extension}(?!\w)`,
    String.raw`(?<![\w+.-])[2-9]\d{2}[\s.-]\d{4}${extension}(?!\w)`,
    String.raw`(?<![\w+])(?:\+?1)?[2-9]\d{9}(?!\w)`,
  ].join("|"),
  "g",
);

const maxDepth = 12;

export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[_\-\s]/g, "");
}

export function isPersonalKey(key: string): boolean {
  return personalKeys.has(normalizeKey(key));
}

/** Masks emails and phone numbers inside a free-form string. */
export function maskString(text: string): string {
  return text.replace(emailPattern, redactedEmail).replace(phonePattern, redactedPhone);
}

/**
 * Returns a JSON-safe deep copy of `value` with personal data removed. Errors become plain objects
 * (`name`, `message`, `stack`, `cause` and their own properties), cycles become `"[circular]"`.
 */
export function redact(value: unknown): unknown {
  return redactValue(value, new WeakSet<object>(), 0);
}

function redactValue(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (typeof value === "string") return maskString(value);
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") {
    return typeof value === "function" || typeof value === "symbol" ? undefined : value;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return "[binary]";
  if (seen.has(value)) return "[circular]";
  if (depth >= maxDepth) return "[truncated]";
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redactValue(item, seen, depth + 1));
    if (value instanceof Map)
      return redactEntries(
        [...value.entries()].map(([k, v]) => [String(k), v]),
        seen,
        depth,
      );
    if (value instanceof Set) return [...value].map((item) => redactValue(item, seen, depth + 1));
    if (value instanceof Error) return redactError(value, seen, depth);
    return redactEntries(Object.entries(value), seen, depth);
  } finally {
    seen.delete(value);
  }
}

function redactEntries(entries: [string, unknown][], seen: WeakSet<object>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const normalized = normalizeKey(key);
    const safeKey = maskString(key);
    if (personalKeys.has(normalized) && !isErrorClassName(normalized, item)) {
      out[safeKey] = item === undefined ? undefined : redactedValue;
    } else if (freeTextKeys.has(normalized) && typeof item === "string") {
      out[safeKey] = redactedValue;
    } else {
      out[safeKey] = redactValue(item, seen, depth + 1);
    }
  }
  return out;
}

/**
 * `name` holding an error class (`ErrorSummary.name`, a serialised error) is kept: a person is not
 * called `…Error`, and logs without the error class are much harder to read.
 */
function isErrorClassName(normalizedKey: string, value: unknown): boolean {
  return normalizedKey === "name" && typeof value === "string" && /^[A-Za-z]{0,64}(?:Error|Exception)$/.test(value);
}

/** `name` on an error is its class, not a person: kept, unlike a `name` key anywhere else. */
function redactError(error: Error, seen: WeakSet<object>, depth: number): Record<string, unknown> {
  const { name, message, stack } = error;
  const own = redactEntries(
    Object.entries(error).filter(([key]) => key !== "name" && key !== "message" && key !== "stack" && key !== "cause"),
    seen,
    depth,
  );
  return {
    name: maskString(String(name)),
    message: maskString(String(message)),
    ...(typeof stack === "string" ? { stack: maskString(stack) } : {}),
    ...(error.cause === undefined ? {} : { cause: redactValue(error.cause, seen, depth + 1) }),
    ...own,
  };
}
