/**
 * What one ledger item says about one order, and the zod schema that reads it back from DynamoDB
 * (a boundary: items outlive deployments, and a hand-edited item must not crash the pipeline with a
 * `TypeError` half-way through a sync).
 */
import * as z from "zod";
import type { OrderKey } from "./order-key.ts";

export const LedgerStatus = { InProgress: "in_progress", Completed: "completed", Failed: "failed" } as const;
export type LedgerStatus = (typeof LedgerStatus)[keyof typeof LedgerStatus];

/**
 * ServiceTitan ids each finished step produced. ServiceTitan has no idempotency keys, so a resumed
 * sync skips the steps recorded here and reconciles only the step that was running when the last
 * invocation died.
 */
export interface SyncProgress {
  customerId?: number;
  customerCreated?: boolean;
  matchedBy?: "email" | "phone" | "name_address" | "created";
  locationId?: number;
  locationCreated?: boolean;
  /** sku → ServiceTitan pricebook skuId */
  pricebookItemIds?: Record<string, number>;
  jobId?: number;
  invoiceId?: number;
  invoiceLinesAdded?: number;
  invoiceVerified?: boolean;
  /** The invoice total as read back after the lines (ServiceTitan's tax included), in cents. */
  invoiceTotalCents?: number;
  /** The invoice total differs from the order's `totals.total` by more than a cent (flagged, not failed). */
  totalMismatch?: boolean;
  /** The invoice summary says "Paid online …". */
  paidOnlineNoted?: boolean;
  /** The ServiceTitan payment recorded for the order (`money.payments.record`). */
  paymentId?: number;
  /** Why recording the payment didn't happen (a job note says so). */
  paymentNotRecorded?: "unavailable" | "rejected";
  jobNoteAdded?: boolean;
  mismatchTagged?: boolean;
  /** Membership lines (`memberships.plans`), by SKU: what each sold or renewed (`lib/memberships/`). */
  memberships?: Record<string, MembershipProgress>;
  tagged?: boolean;
  /** The order became a ServiceTitan booking (`bookings` config) instead of a job: its id. */
  bookingId?: number;
  /** The booking's status when the worker last read it (New, Accepted, Converted, Dismissed). */
  bookingStatus?: string;
  /** The job a CSR booked from the booking, when the worker last read it. */
  bookingJobId?: number;
  /** When the booking was last read (ISO 8601). */
  bookingReadAt?: string;
  /** No existing ServiceTitan customer matched the booking's order (`isFirstTimeClient`). */
  firstTimeClient?: boolean;
  /** Follow-ups (a cancellation, a refund): what was done to the order's job (`lib/pipeline/cancel-order.ts`). */
  followUpOutcome?: FollowUpOutcome;
  /** The job status that decided a cancellation (as ServiceTitan spelled it), or `payment` when one was found. */
  followUpReason?: string;
}

/** What one membership line did in ServiceTitan. */
export interface MembershipProgress {
  membershipTypeId: number;
  /** The customer membership sold by this order, or the existing one it renewed. */
  membershipId: number;
  /** `sold`: this order's sale created it. `renewed`: the customer already had it; nothing was sold. */
  outcome: "sold" | "renewed";
  /** The sale invoice (from the sale's reply; unknown when that reply was lost and the sale found later). */
  invoiceId?: number;
  /** The order's line price differs from the duration/billing option's sale price that ServiceTitan invoices. */
  priceDiffers?: boolean;
  /** The membership's memo names this order (the stamp a retry recognises it by). */
  noted?: boolean;
}

export const FollowUpOutcome = {
  /** `Jobs_Cancel` cancelled the job. */
  Cancelled: "cancelled",
  /** The job was already cancelled in ServiceTitan (by the office): nothing written. */
  AlreadyCancelled: "already_cancelled",
  /** The job went on (dispatched, working, done, paid) or cancelling is not configured: tag + note. */
  LeftAlone: "left_alone",
  /** A refund: tag + note on the job, never booked. */
  Noted: "noted",
  /**
   * The order made no job (memberships only, or a booking without one for a refund): nothing on a job
   * to act on. Recorded rather than retried: that job will never exist.
   */
  NoJob: "no_job",
} as const;
export type FollowUpOutcome = (typeof FollowUpOutcome)[keyof typeof FollowUpOutcome];

export interface LedgerError {
  reason: string;
  kind: string;
  message: string;
  /** ISO 8601 */
  at: string;
}

export interface LedgerRecord {
  key: OrderKey;
  status: LedgerStatus;
  payloadHash: string;
  ownerToken: string;
  leaseExpiresAtMs: number;
  attempts: number;
  /**
   * The highest `replayCount` (DLQ replay mark, a message attribute) of any delivery that claimed
   * this order: a permanently failed order runs again only for a delivery with a higher one.
   */
  replayCount: number;
  progress: SyncProgress;
  lastError?: LedgerError;
  createdAt: string;
  updatedAt: string;
  completedAt?: string;
  /** Epoch seconds; DynamoDB TTL deletes the item some time after (clean-up only, never a decision). */
  expiresAt: number;
}

const stId = z.number().int().positive();

const syncProgressShape = {
  customerId: stId.optional(),
  customerCreated: z.boolean().optional(),
  matchedBy: z.enum(["email", "phone", "name_address", "created"]).optional(),
  locationId: stId.optional(),
  locationCreated: z.boolean().optional(),
  pricebookItemIds: z.record(z.string().min(1), stId).optional(),
  jobId: stId.optional(),
  invoiceId: stId.optional(),
  invoiceLinesAdded: z.number().int().nonnegative().optional(),
  invoiceVerified: z.boolean().optional(),
  invoiceTotalCents: z.number().int().optional(),
  totalMismatch: z.boolean().optional(),
  paidOnlineNoted: z.boolean().optional(),
  paymentId: stId.optional(),
  paymentNotRecorded: z.enum(["unavailable", "rejected"]).optional(),
  jobNoteAdded: z.boolean().optional(),
  mismatchTagged: z.boolean().optional(),
  memberships: z
    .record(
      z.string().min(1),
      z.strictObject({
        membershipTypeId: stId,
        membershipId: stId,
        outcome: z.enum(["sold", "renewed"]),
        invoiceId: stId.optional(),
        priceDiffers: z.boolean().optional(),
        noted: z.boolean().optional(),
      }),
    )
    .optional(),
  tagged: z.boolean().optional(),
  bookingId: stId.optional(),
  bookingStatus: z.string().min(1).max(40).optional(),
  bookingJobId: stId.optional(),
  bookingReadAt: z.string().max(40).optional(),
  firstTimeClient: z.boolean().optional(),
  followUpOutcome: z.enum(Object.values(FollowUpOutcome) as [FollowUpOutcome, ...FollowUpOutcome[]]).optional(),
  followUpReason: z.string().min(1).max(64).optional(),
};
/** What a checkpoint may write: unknown members are a caller bug and are refused. */
export const syncProgressSchema = z.strictObject(syncProgressShape);

/** The item as stored; `revision` is internal (optimistic concurrency for takeovers), not part of the record. */
export const storedOrderItemSchema = z.object({
  pk: z.string(),
  store: z.string(),
  orderId: z.string(),
  followUp: z.string().optional(),
  status: z.enum([LedgerStatus.InProgress, LedgerStatus.Completed, LedgerStatus.Failed]),
  payloadHash: z.string(),
  ownerToken: z.string(),
  leaseExpiresAtMs: z.number(),
  attempts: z.number().int(),
  revision: z.number().int(),
  // Absent on items written before replay marks existed: they count as never replayed.
  replayCount: z.number().int().nonnegative().default(0),
  // Unknown progress members (written by a newer version) are dropped, not fatal.
  progress: z.object(syncProgressShape).default({}),
  lastError: z.object({ reason: z.string(), kind: z.string(), message: z.string(), at: z.string() }).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().optional(),
  expiresAt: z.number(),
});
export type StoredOrderItem = z.output<typeof storedOrderItemSchema>;

export function toLedgerRecord(item: StoredOrderItem): LedgerRecord {
  const { pk: _pk, store, orderId, followUp, revision: _revision, progress, ...rest } = item;
  const key = followUp === undefined ? { store, orderId } : { store, orderId, followUp };
  return { key, ...rest, progress: withoutEmptyMaps(progress) };
}

/** Claims store an empty `pricebookItemIds` map so checkpoints can set `sku` members; callers never see it. */
function withoutEmptyMaps(progress: SyncProgress): SyncProgress {
  const { pricebookItemIds, ...rest } = progress;
  return pricebookItemIds && Object.keys(pricebookItemIds).length > 0 ? { ...rest, pricebookItemIds } : rest;
}

/**
 * True when the ledger records nothing this order *created* in ServiceTitan: no customer or
 * location it created, no job (hence no invoice lines), no membership it sold. A customer it only matched, or pricebook
 * items (shared by every order of that SKU), don't count: another version of the order may use them.
 *
 * Every attempt saves what it created before it lets go of the order (a checkpoint, or the progress
 * `fail` writes), so for a `failed` record this is what the claim may trust when new content wants
 * to take the order over. It is NOT proof that nothing reached ServiceTitan: a create whose reply
 * was lost (or a process killed before its ledger write) leaves no id. That is why such a take-over
 * never reuses records stamped for other content (`external-data.ts` stamps carry the payload hash),
 * and why an attempt that dies without a `fail` leaves the order `in_progress`, where new content
 * is always a conflict.
 */
export function recordsNothingCreated(progress: SyncProgress): boolean {
  return (
    progress.customerCreated !== true &&
    progress.locationCreated !== true &&
    progress.jobId === undefined &&
    progress.invoiceId === undefined &&
    (progress.invoiceLinesAdded ?? 0) === 0 &&
    !Object.values(progress.memberships ?? {}).some((membership) => membership.outcome === "sold")
  );
}
