/**
 * Errors specific to talking to ServiceTitan that `lib/errors.ts` has no class for. Both are
 * permanent: the same request or the same reply shape would fail the same way on every retry.
 * Messages name field paths only, never values (requests and replies carry personal data).
 */
import { PermanentError, ReasonCode, type SyncErrorOptions } from "../errors.ts";

/** A 2xx reply that doesn't match what the worker relies on (missing field, wrong type, not JSON). */
export class ServiceTitanResponseInvalidError extends PermanentError {
  readonly status: number;
  readonly fieldPaths: readonly string[];
  constructor(operation: string, status: number, fieldPaths: readonly string[], options: SyncErrorOptions = {}) {
    super(
      ReasonCode.ServiceTitanRejected,
      `ServiceTitan reply to ${operation} does not match the expected shape at: ${fieldPaths.join(", ")}`,
      { ...options, details: { ...options.details, status, fieldPaths } },
    );
    this.status = status;
    this.fieldPaths = fieldPaths;
  }
}

/**
 * A request body the worker built that violates ServiceTitan's documented request model (a required
 * field missing, a wrong type). Caught before sending, because ServiceTitan silently drops what it
 * doesn't bind and would create a half-filled record instead of failing.
 */
export class ServiceTitanRequestInvalidError extends PermanentError {
  readonly fieldPaths: readonly string[];
  constructor(operation: string, fieldPaths: readonly string[], options: SyncErrorOptions = {}) {
    super(
      ReasonCode.ServiceTitanRejected,
      `Request body for ${operation} violates the ServiceTitan model at: ${fieldPaths.join(", ")}`,
      { ...options, details: { ...options.details, fieldPaths } },
    );
    this.fieldPaths = fieldPaths;
  }
}

/** A paged listing had more pages than the caller allowed; returning a partial list would be wrong. */
export class ServiceTitanPageLimitError extends PermanentError {
  constructor(maxPages: number, options: SyncErrorOptions = {}) {
    super(ReasonCode.Unexpected, `ServiceTitan listing has more than ${maxPages} pages`, {
      ...options,
      details: { ...options.details, maxPages },
    });
  }
}
