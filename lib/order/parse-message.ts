/**
 * Turns an SQS message body into an `Order`, or an `InvalidMessageError` naming the failing field
 * paths. The error never quotes the body: it goes to the DLQ and logs, and the body holds
 * personal data.
 *
 * Decoding (size, JSON, an object) is shared with the storefront sources (`lib/sources/`): every
 * body, whatever its origin, passes the same checks before anything reads its fields.
 */
import { InvalidMessageError, ReasonCode } from "../errors.ts";
import { formatIssues, issuePaths } from "../validation/issues.ts";
import { formatBytes } from "./byte-size.ts";
import { type Order, orderEventSchema, supportedSchemaVersion } from "./event-schema.ts";

/**
 * The worker reads order contract bodies up to 256 KiB (SQS's limit until 2025; SQS now takes up to
 * 1 MiB). An order of at most 100 lines is a few KiB: anything near this is not an order, and reading
 * it costs memory in every container that receives it.
 */
export const maxBodyBytes = 256 * 1024;

/**
 * What any body may be before it is parsed: SQS's own maximum (1 MiB). Storefront envelopes need
 * it: Shopify sends webhook payloads of up to 1,000,000 bytes inline through EventBridge, whose
 * entries may be 1 MiB, and a 100-line Shopify order is a few hundred KiB of JSON (prices in two
 * currencies, tax and discount allocations per line). Our contract keeps `maxBodyBytes`.
 */
export const maxEnvelopeBytes = 1024 * 1024;

export type JsonObject = Record<string, unknown>;

/** A body over `limitBytes` is a permanent error saying by how much. */
export function assertBodySize(body: string, limitBytes: number): void {
  const bytes = Buffer.byteLength(body, "utf8");
  if (bytes > limitBytes) {
    throw new InvalidMessageError(
      ReasonCode.ContractViolation,
      `Message body is too large: ${formatBytes(bytes)}, ${formatBytes(bytes - limitBytes)} over the worker's ${limitLabel(limitBytes)} limit`,
      ["$"],
    );
  }
}

/** A body's size and JSON checked, and its top level an object. */
export function decodeMessageBody(body: string, limitBytes = maxBodyBytes): JsonObject {
  assertBodySize(body, limitBytes);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    // No `cause`: V8's SyntaxError quotes the body around the error ("...\"Testy McTestfa\"... is not
    // valid JSON"), and loggers print causes.
    throw new InvalidMessageError(ReasonCode.InvalidJson, "Message body is not valid JSON", ["$"]);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new InvalidMessageError(ReasonCode.ContractViolation, "Message body must be a JSON object", ["$"]);
  }
  return json as JsonObject;
}

/** A limit as people write it: `256 KiB`, `1 MiB`. */
function limitLabel(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;
}

/** Our own contract (`order-event.md`), already decoded. */
export function orderFromContractJson(json: JsonObject): Order {
  const version = json.schemaVersion;
  if (version !== undefined && version !== supportedSchemaVersion) {
    throw new InvalidMessageError(
      ReasonCode.UnsupportedSchemaVersion,
      `Unsupported schemaVersion; this worker reads version ${supportedSchemaVersion}`,
      ["schemaVersion"],
    );
  }
  const result = orderEventSchema.safeParse(json);
  if (!result.success) {
    throw new InvalidMessageError(
      ReasonCode.ContractViolation,
      `Order event violates the contract: ${formatIssues(result.error.issues)}`,
      issuePaths(result.error.issues),
    );
  }
  return result.data;
}

export function parseOrderMessage(body: string): Order {
  return orderFromContractJson(decodeMessageBody(body));
}
