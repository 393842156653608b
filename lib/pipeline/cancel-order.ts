/**
 * A cancelled order (`event: "order.cancelled"`) → its job. ServiceTitan's help: a job with a
 * payment can't be cancelled, and cancelling deletes the invoice's items (api-notes §0 item 11);
 * a job already dispatched, in progress, on hold or done has people and parts behind it. So the
 * worker cancels only a job that is still `Scheduled` and has no payment applied to its invoice
 * (`Jobs_Cancel` with `cancellations.reasonId` and a memo naming the store order). Any other job is
 * left alone: a tag (`cancellations.leftAloneJobTagTypeId`) and a job note saying why, so the
 * office decides. Without `cancellations.reasonId` every cancellation is left alone that way.
 *
 * Exactly once: the cancellation has a ledger item of its own (`followUp: "cancellation"`), claimed
 * like an order, so a redelivery is a duplicate and two deliveries never run at once. The job's
 * status is read fresh on every attempt; the intent to cancel is checkpointed before `Jobs_Cancel`,
 * so a resumed attempt that finds the job `Canceled` knows its own cancel landed (reply lost) rather
 * than the office's. A refusal of `Jobs_Cancel` (the job changed between the read and the write, or
 * a payment the worker could not see) leaves the job alone, noted, rather than failing.
 *
 * Which store order a job belongs to comes from the order's ledger record or, after a lost ledger,
 * the job's `externalData` stamp (`order-job.ts`); an order not synced yet is waited for.
 */
import { ServiceTitanRejectedError } from "../errors.ts";
import { FollowUpOutcome, type SyncProgress } from "../ledger/ledger.ts";
import type { Order } from "../order/event-schema.ts";
import { listInvoicePayments } from "../servicetitan/endpoints/accounting.ts";
import { dismissBooking, getBooking } from "../servicetitan/endpoints/bookings.ts";
import { cancelJob, getJob, type Job, JobStatus } from "../servicetitan/endpoints/jpm.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import type { AttemptSteps, SyncLease } from "./claimed-attempt.ts";
import { addJobNoteOnce, addJobTag } from "./job-annotations.ts";
import { type FollowUpDependencies, jobOfOrder, type OrderWait, runFollowUp } from "./order-job.ts";
import type { SyncResult } from "./sync-order.ts";

/** The follow-up name of a cancellation's ledger item. */
export const cancellationFollowUp = "cancellation";

/**
 * Every cancellation of an order is the same act, whatever else its payload says (a storefront's
 * cancelled order carries updated totals and timestamps): its ledger item has one fixed content.
 */
const cancellationContent = "order.cancelled";

/** Why a job was left alone (`progress.followUpReason`), besides a job status such as `Dispatched`. */
export const LeftAloneReason = {
  /** A payment is applied to the job's invoice: ServiceTitan can't cancel it. */
  Payment: "payment",
  /** `cancellations.reasonId` is not configured: cancellations are noted only. */
  NotConfigured: "not_configured",
  /** ServiceTitan refused `Jobs_Cancel`. */
  CancelRefused: "cancel_refused",
} as const;

/** The intent checkpointed before dismissing the order's booking (`progress.followUpReason`). */
const dismissBookingIntent = "booking";

export async function cancelOrder(order: Order, deps: FollowUpDependencies, lease: SyncLease): Promise<SyncResult> {
  const key = { store: order.store, orderId: order.orderId, followUp: cancellationFollowUp };
  const claim = {
    content: cancellationContent,
    conflictMessage: "This order's cancellation was already received with different content",
  };
  return runFollowUp(deps, key, claim, lease, (attempt, wait) => cancelSteps(order, deps, attempt, wait));
}

async function cancelSteps(
  order: Order,
  deps: FollowUpDependencies,
  attempt: AttemptSteps,
  wait: OrderWait,
): Promise<void> {
  const { http, progress } = attempt;
  await deps.references.verified();
  // The job as read this attempt: its tags save a read when the tag is added right after.
  const job = progress.followUpOutcome === undefined ? await decideAndCancel(order, deps, attempt, wait) : undefined;
  if (progress.followUpOutcome !== FollowUpOutcome.LeftAlone) return;
  const jobId = progress.jobId as number;
  const tag = deps.config.cancellations.leftAloneJobTagTypeId;
  if (tag !== undefined && !progress.tagged) {
    await addJobTag(http, jobId, tag, job);
    progress.tagged = true;
  }
  if (!progress.jobNoteAdded) {
    await addJobNoteOnce(http, jobId, {
      text: leftAloneNote(order, progress),
      marker: cancelledNoteMarker(order),
      mayExist: attempt.resumed,
    });
    progress.jobNoteAdded = true;
  }
}

/** Reads the job as it is now and either cancels it or records that it is left alone (and why). */
async function decideAndCancel(
  order: Order,
  deps: FollowUpDependencies,
  attempt: AttemptSteps,
  wait: OrderWait,
): Promise<Job | undefined> {
  const { http, progress } = attempt;
  let found = await jobOfOrder({ ...deps, http }, order, wait);
  if (found.withoutJob) {
    const bookedJobId = await cancelWithoutJob({ ...deps, http }, order, found.withoutJob, attempt);
    if (bookedJobId === undefined) return undefined;
    found = { jobId: bookedJobId };
  }
  // Read fresh even when the look-up returned it: on a resumed attempt the status may have moved on.
  const job = found.job && !attempt.resumed ? found.job : await getJob(http, found.jobId);
  progress.jobId = job.id;
  const intendedCancel = progress.followUpReason === JobStatus.Scheduled;
  const status = statusOf(job);
  if (status === JobStatus.Canceled) {
    progress.followUpOutcome = intendedCancel ? FollowUpOutcome.Cancelled : FollowUpOutcome.AlreadyCancelled;
    return job;
  }
  const reasonId = deps.config.cancellations.reasonId;
  const leftAloneBecause = await whyLeftAlone(http, job, status, reasonId);
  if (leftAloneBecause !== undefined || reasonId === undefined) {
    Object.assign(progress, {
      followUpOutcome: FollowUpOutcome.LeftAlone,
      followUpReason: leftAloneBecause ?? LeftAloneReason.NotConfigured,
    });
    await attempt.checkpoint();
    return job;
  }
  // The intent, before the write: a resumed attempt that finds the job cancelled knows it was this.
  progress.followUpReason = JobStatus.Scheduled;
  await attempt.checkpoint();
  try {
    await cancelJob(http, job.id, { reasonId, memo: cancelMemo(order) });
    progress.followUpOutcome = FollowUpOutcome.Cancelled;
  } catch (error) {
    if (!(error instanceof ServiceTitanRejectedError)) throw error;
    Object.assign(progress, {
      followUpOutcome: FollowUpOutcome.LeftAlone,
      followUpReason: LeftAloneReason.CancelRefused,
    });
    await attempt.checkpoint();
  }
  return job;
}

/** Undefined: the job may be cancelled. The payment look-up is made only for a cancellable `Scheduled` job. */
/**
 * The order completed without a job: it became a booking (`lib/bookings/`), or sold memberships only.
 * A booking still on the Calls screen (`New`, `Accepted`) is dismissed, with a memo naming the store
 * order: no CSR has booked work from it yet, so the store's cancellation can take it back. One a CSR
 * converted leads to its job, which is then handled like any order's job (returned). One already
 * dismissed stays as it is. An order of memberships only has nothing to cancel in ServiceTitan: the
 * memberships were sold with their own invoices and are the office's to cancel (recorded, not retried).
 * The intent is checkpointed before the dismissal, as for `Jobs_Cancel`.
 */
async function cancelWithoutJob(
  deps: Pick<FollowUpDependencies, "http" | "config">,
  order: Order,
  orderProgress: SyncProgress,
  attempt: AttemptSteps,
): Promise<number | undefined> {
  const { progress } = attempt;
  const providerTagId = deps.config.bookings.providerTagId;
  if (orderProgress.bookingId === undefined || providerTagId === undefined) {
    progress.followUpOutcome = FollowUpOutcome.NoJob;
    return undefined;
  }
  const booking = await getBooking(deps.http, providerTagId, orderProgress.bookingId);
  progress.bookingId = booking.id;
  if (booking.jobId !== undefined) return booking.jobId;
  if (booking.status === "Dismissed") {
    const ours = progress.followUpReason === dismissBookingIntent;
    progress.followUpOutcome = ours ? FollowUpOutcome.Cancelled : FollowUpOutcome.AlreadyCancelled;
    return undefined;
  }
  progress.followUpReason = dismissBookingIntent;
  await attempt.checkpoint();
  await dismissBooking(deps.http, providerTagId, booking.id, { dismissingMemo: cancelMemo(order) });
  progress.followUpOutcome = FollowUpOutcome.Cancelled;
  return undefined;
}

async function whyLeftAlone(
  http: ServiceTitanHttp,
  job: Job,
  status: JobStatus | undefined,
  reasonId: number | undefined,
): Promise<string | undefined> {
  if (reasonId === undefined) return LeftAloneReason.NotConfigured;
  if (status !== JobStatus.Scheduled) return (job.jobStatus || "unknown").slice(0, 64);
  return (await hasPayment(http, job)) ? LeftAloneReason.Payment : undefined;
}

/** `jobStatus` is a plain string in the spec: compare with the documented values case-insensitively. */
function statusOf(job: Job): JobStatus | undefined {
  const status = job.jobStatus?.toLowerCase();
  return Object.values(JobStatus).find((known) => known.toLowerCase() === status);
}

/** An active payment applied to the job's invoice (recorded by the worker or by the office). */
async function hasPayment(http: ServiceTitanHttp, job: Job): Promise<boolean> {
  const payments = await listInvoicePayments(http, job.invoiceId);
  return payments.some((payment) => payment.active);
}

/** The cancel memo: the store order, no personal data. */
export function cancelMemo(order: Pick<Order, "store" | "orderId">): string {
  return `Cancelled in online store ${order.store}, order ${order.orderId}`;
}

function cancelledNoteMarker(order: Pick<Order, "store" | "orderId">): string {
  return `Online store ${order.store} order ${order.orderId} was cancelled in the store`;
}

function leftAloneNote(order: Order, progress: SyncProgress): string {
  const reason = progress.followUpReason;
  const why =
    reason === LeftAloneReason.Payment
      ? "a payment is applied to its invoice, and ServiceTitan can't cancel a job with a payment"
      : reason === LeftAloneReason.NotConfigured
        ? "cancelling jobs automatically is not configured (cancellations.reasonId)"
        : reason === LeftAloneReason.CancelRefused
          ? "ServiceTitan refused to cancel it"
          : `its status is ${reason}`;
  return (
    `${cancelledNoteMarker(order)}. The job was left alone because ${why}. ` +
    "Decide whether to cancel it, and refund or credit what was paid."
  );
}
