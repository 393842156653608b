/**
 * One error hierarchy for the whole worker. Whether a failure is retried is decided by the class
 * (`PermanentError` vs `TransientError`), never by message text: SQS redelivers what we report in
 * `batchItemFailures`, so a wrong classification either loses an order to the DLQ early or burns
 * ServiceTitan's 60 calls/s on something that can never succeed.
 *
 * Messages and `details` must never carry personal data (names, emails, phones, streets): they end up
 * in DLQ message attributes, the ledger and logs.
 */

/** Why an order failed; the DLQ `reason` attribute and the ledger's `lastError.reason`. */
export const ReasonCode = {
  InvalidJson: "INVALID_JSON",
  ContractViolation: "CONTRACT_VIOLATION",
  UnsupportedSchemaVersion: "UNSUPPORTED_SCHEMA_VERSION",
  PayloadOmitted: "PAYLOAD_OMITTED",
  OrderConflict: "ORDER_CONFLICT",
  ConfigInvalid: "CONFIG_INVALID",
  ConfigIdMissing: "CONFIG_ID_MISSING",
  CurrencyMismatch: "CURRENCY_MISMATCH",
  CustomerCreationDisabled: "CUSTOMER_CREATION_DISABLED",
  InvoiceMismatch: "INVOICE_MISMATCH",
  MembershipOrderInvalid: "MEMBERSHIP_ORDER_INVALID",
  ServiceTitanRejected: "ST_REJECTED",
  ServiceTitanAuthRejected: "ST_AUTH_REJECTED",
  ServiceTitanRateLimited: "ST_RATE_LIMITED",
  ServiceTitanUnavailable: "ST_UNAVAILABLE",
  ServiceTitanTimeout: "ST_TIMEOUT",
  Network: "NETWORK",
  LeaseHeld: "LEASE_HELD",
  OutOfTime: "OUT_OF_TIME",
  LedgerUnavailable: "LEDGER_UNAVAILABLE",
  /** A cancellation or refund arrived before its order was synced (retried, then dead-lettered). */
  OrderNotSynced: "ORDER_NOT_SYNCED",
  /** A cancellation or refund for an order that failed for good without a job: nothing to act on. */
  OrderFailed: "ORDER_FAILED",
  Unexpected: "UNEXPECTED",
} as const;
export type ReasonCode = (typeof ReasonCode)[keyof typeof ReasonCode];

export const ErrorKind = { Permanent: "permanent", Transient: "transient" } as const;
export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];

/** Safe, non-personal facts about a failure (field paths, ServiceTitan status/title/traceId, ids). */
export type ErrorDetails = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

export interface SyncErrorOptions {
  cause?: unknown;
  details?: ErrorDetails;
}

export abstract class SyncError extends Error {
  abstract readonly kind: ErrorKind;
  readonly reason: ReasonCode;
  readonly details: ErrorDetails;

  constructor(reason: ReasonCode, message: string, options: SyncErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.reason = reason;
    this.details = options.details ?? {};
  }

  /** A JSON-safe summary for the ledger, DLQ attributes and logs (no stack, no cause chain). */
  toSummary(): ErrorSummary {
    return { kind: this.kind, reason: this.reason, name: this.name, message: this.message, details: this.details };
  }
}

export interface ErrorSummary {
  kind: ErrorKind;
  reason: ReasonCode;
  name: string;
  message: string;
  details: ErrorDetails;
}

/** Retrying cannot fix it: the message goes to the DLQ at once. */
export abstract class PermanentError extends SyncError {
  readonly kind = ErrorKind.Permanent;
}

/** Retrying may fix it: the record is reported in `batchItemFailures` and SQS redelivers it. */
export abstract class TransientError extends SyncError {
  readonly kind = ErrorKind.Transient;
}

/**
 * A message breaks its contract: an order event (bad JSON, wrong version, contract violation) or a
 * `dlq-replay` request. `fieldPaths` names the fields at fault, never their values.
 */
export class InvalidMessageError extends PermanentError {
  readonly fieldPaths: readonly string[];
  constructor(
    reason:
      | typeof ReasonCode.InvalidJson
      | typeof ReasonCode.ContractViolation
      | typeof ReasonCode.UnsupportedSchemaVersion,
    message: string,
    fieldPaths: readonly string[] = [],
    options: SyncErrorOptions = {},
  ) {
    super(reason, message, { ...options, details: { ...options.details, fieldPaths } });
    this.fieldPaths = fieldPaths;
  }
}

/**
 * The storefront sent a stub instead of the order: Shopify delivers a webhook whose payload is over
 * 1,000,000 bytes as `{"id": …}` only. Nothing can be synced from it; the dead letter says which order
 * (store and id are not personal data) so someone can fetch it, or publish it through the contract.
 */
export class PayloadOmittedError extends PermanentError {
  readonly fieldPaths: readonly string[];
  constructor(message: string, fieldPaths: readonly string[], options: SyncErrorOptions = {}) {
    super(ReasonCode.PayloadOmitted, message, { ...options, details: { ...options.details, fieldPaths } });
    this.fieldPaths = fieldPaths;
  }
}

/** The same store + orderId arrived again with different content. */
export class OrderConflictError extends PermanentError {
  constructor(message: string, options: SyncErrorOptions = {}) {
    super(ReasonCode.OrderConflict, message, options);
  }
}

/** The mapping config is malformed, or names an id the tenant doesn't have. */
export class ConfigError extends PermanentError {
  readonly key: string;
  constructor(
    reason: typeof ReasonCode.ConfigInvalid | typeof ReasonCode.ConfigIdMissing,
    key: string,
    message: string,
    options: SyncErrorOptions = {},
  ) {
    super(reason, message, { ...options, details: { ...options.details, key } });
    this.key = key;
  }
}

/** The order is valid but the tenant's rules forbid syncing it as is. */
export class BusinessRuleError extends PermanentError {}

/** ServiceTitan answered 400/404/409/422 (or another 4xx retrying can't fix; 401/403 are `ServiceTitanAuthError`). */
export class ServiceTitanRejectedError extends PermanentError {
  readonly status: number;
  readonly traceId: string | undefined;
  constructor(message: string, status: number, options: SyncErrorOptions & { traceId?: string } = {}) {
    super(ReasonCode.ServiceTitanRejected, message, {
      ...options,
      details: { ...options.details, status, traceId: options.traceId },
    });
    this.status = status;
    this.traceId = options.traceId;
  }
}

/**
 * The token endpoint refused our credentials, or a fresh token still gets 401/403. Transient on
 * purpose: after the secret is rotated or an API scope is granted, warm containers re-read the secret
 * and the order goes through; if nothing changes, the last receive dead-letters it with this reason.
 */
export class ServiceTitanAuthError extends TransientError {
  constructor(message: string, options: SyncErrorOptions = {}) {
    super(ReasonCode.ServiceTitanAuthRejected, message, options);
  }
}

/** 429, 5xx, timeouts and network failures talking to ServiceTitan (or its token endpoint). */
export class ServiceTitanUnavailableError extends TransientError {
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(
    reason:
      | typeof ReasonCode.ServiceTitanRateLimited
      | typeof ReasonCode.ServiceTitanUnavailable
      | typeof ReasonCode.ServiceTitanTimeout
      | typeof ReasonCode.Network,
    message: string,
    options: SyncErrorOptions & { status?: number; retryAfterMs?: number; traceId?: string } = {},
  ) {
    super(reason, message, {
      ...options,
      details: { ...options.details, status: options.status, traceId: options.traceId },
    });
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Another live invocation holds this order (or this customer identity); try again later. */
export class LeaseHeldError extends TransientError {
  /** When the holder's lease ends, if known: the redelivery waits at least this long. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: SyncErrorOptions & { retryAfterMs?: number } = {}) {
    super(ReasonCode.LeaseHeld, message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * The ledger item for this order is now owned by another invocation: our lease expired and it took
 * over (or the item is gone). Our later writes are refused so they can't overwrite its progress;
 * stop and let SQS redeliver — the retry sees `duplicate` or `lease_held`.
 */
export class LeaseLostError extends TransientError {
  constructor(message: string, options: SyncErrorOptions = {}) {
    super(ReasonCode.LeaseHeld, message, options);
  }
}

/**
 * The invocation's time (or this attempt's lease) is nearly up: the attempt stops instead of
 * starting a record or a ServiceTitan write that could outlive it, and the next delivery resumes.
 */
export class OutOfTimeError extends TransientError {
  constructor(message: string, options: SyncErrorOptions = {}) {
    super(ReasonCode.OutOfTime, message, options);
  }
}

/**
 * This delivery does not run the order: an earlier attempt failed for good (same content, no newer
 * replay), or its last receive found the order still held by an attempt that recorded why it
 * failed. The reason is that earlier failure's, so the dead letter names the real cause.
 */
export class EarlierFailureError extends PermanentError {
  constructor(reason: string, message: string, options: SyncErrorOptions = {}) {
    super(asReasonCode(reason), message, options);
  }
}

function asReasonCode(reason: string): ReasonCode {
  return (Object.values(ReasonCode) as string[]).includes(reason) ? (reason as ReasonCode) : ReasonCode.Unexpected;
}

/**
 * A cancellation or refund whose order has no job yet: not received, or still syncing. SQS
 * redelivers it (the order usually lands within seconds); on the last receive it is dead-lettered
 * with `ORDER_NOT_SYNCED`, which also covers an order that never existed.
 */
export class OrderNotSyncedError extends TransientError {
  constructor(message: string, options: SyncErrorOptions = {}) {
    super(ReasonCode.OrderNotSynced, message, options);
  }
}

/**
 * A cancellation or refund whose order failed for good (dead-lettered) before it had a job.
 * Nothing in ServiceTitan to act on; dead-lettered at once so the operator sees both together
 * (replaying the order would create the job of a cancelled order).
 */
export class OrderFailedError extends PermanentError {
  constructor(message: string, options: SyncErrorOptions = {}) {
    super(ReasonCode.OrderFailed, message, options);
  }
}

/** DynamoDB failed or throttled. */
export class LedgerUnavailableError extends TransientError {
  constructor(message: string, options: SyncErrorOptions = {}) {
    super(ReasonCode.LedgerUnavailable, message, options);
  }
}

/** Anything that is not a SyncError is treated as transient: SQS redrive bounds the retries. */
export class UnexpectedError extends TransientError {
  constructor(message: string, options: SyncErrorOptions = {}) {
    super(ReasonCode.Unexpected, message, options);
  }
}

export function toSyncError(error: unknown): SyncError {
  if (error instanceof SyncError) return error;
  const name = error instanceof Error ? error.name : typeof error;
  // The original message may quote personal data (e.g. a library echoing input): keep only the type.
  return new UnexpectedError(`Unexpected ${name}`, { cause: error });
}

export function isPermanent(error: unknown): boolean {
  return error instanceof PermanentError;
}
