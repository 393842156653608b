/**
 * A refund (`RefundMessage`) → a tag (`cancellations.refundJobTagTypeId`) and a note on the order's
 * job: "Refunded $12.00 on 2026-11-20, acme-filters order 1042, refund 981." Never booked: a refund
 * after the work is an adjustment invoice in ServiceTitan (api-notes §0 item 11), which is the
 * office's call, not the worker's.
 *
 * Once per refund id: each refund has a ledger item of its own (`followUp: "refund:<refundId>"`),
 * whose content is the amount and currency (the same refund id with another amount is a conflict).
 * The note is found by its text on a resumed attempt (notes have no id).
 */
import { FollowUpOutcome } from "../ledger/ledger.ts";
import { canonicalJson } from "../ledger/payload-hash.ts";
import type { RefundMessage } from "../sources/source-message.ts";
import type { AttemptSteps, SyncLease } from "./claimed-attempt.ts";
import { formatMoney } from "./invoice-money.ts";
import { addJobNoteOnce, addJobTag } from "./job-annotations.ts";
import { type FollowUpDependencies, jobOfOrder, type OrderWait, runFollowUp } from "./order-job.ts";
import type { SyncResult } from "./sync-order.ts";

export async function noteRefund(
  refund: RefundMessage,
  deps: FollowUpDependencies,
  lease: SyncLease,
): Promise<SyncResult> {
  const key = { store: refund.store, orderId: refund.orderId, followUp: `refund:${refund.refundId}` };
  const claim = {
    content: canonicalJson({ amountCents: refund.amountCents, currency: refund.currency }),
    conflictMessage:
      "This refund id was already received with another amount or currency; nothing was changed in ServiceTitan",
  };
  return runFollowUp(deps, key, claim, lease, (attempt, wait) => refundSteps(refund, deps, attempt, wait));
}

async function refundSteps(
  refund: RefundMessage,
  deps: FollowUpDependencies,
  attempt: AttemptSteps,
  wait: OrderWait,
): Promise<void> {
  const { http, progress } = attempt;
  await deps.references.verified();
  if (progress.jobId === undefined) {
    const found = await jobOfOrder({ ...deps, http }, refund, wait);
    if (found.withoutJob) {
      progress.followUpOutcome = FollowUpOutcome.NoJob;
      return;
    }
    progress.jobId = found.jobId;
  }
  const jobId = progress.jobId;
  const tag = deps.config.cancellations.refundJobTagTypeId;
  if (tag !== undefined && !progress.tagged) {
    await addJobTag(http, jobId, tag);
    progress.tagged = true;
  }
  if (!progress.jobNoteAdded) {
    const text = refundNote(refund, new Date());
    await addJobNoteOnce(http, jobId, { text, marker: refundNoteMarker(refund), mayExist: attempt.resumed });
    progress.jobNoteAdded = true;
  }
  progress.followUpOutcome = FollowUpOutcome.Noted;
}

/** Ends the note, so refund "7" is not found in the note of refund "71". */
function refundNoteMarker(refund: RefundMessage): string {
  return `, ${refund.store} order ${refund.orderId}, refund ${refund.refundId}.`;
}

/** The date as the store sent it; without one, the day the worker noted it (UTC). */
export function refundNote(refund: RefundMessage, now: Date): string {
  const date = (refund.refundedAt ?? now.toISOString()).slice(0, 10);
  return `Refunded ${formatMoney(refund.amountCents, refund.currency)} on ${date}${refundNoteMarker(refund)}`;
}
