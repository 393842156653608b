/**
 * What `OrderLedger.claim` does when its create-if-absent put finds an item already there (the
 * caller has just read it, the one read of the claim path).
 *
 * | stored item                                         | same payload hash | different payload hash |
 * | --------------------------------------------------- | ----------------- | ---------------------- |
 * | completed                                           | `duplicate`       | `conflict`             |
 * | failed, nothing created recorded                    | see below         | take over (new hash)   |
 * | failed, a created record recorded                   | see below         | `conflict`             |
 * | failed, same hash, delivery replayed since (mark)   | take over         |                        |
 * | failed, same hash, no newer replay mark             | `failed`          |                        |
 * | in_progress, lease live, another owner              | `lease_held`      | `conflict`             |
 * | in_progress, lease expired (or our own token)       | take over         | `conflict`             |
 *
 * "Take over" is a conditional update (the revision, owner token and lease read must be unchanged)
 * that sets our token, a new lease, `attempts + 1` and `in_progress`; it yields `resumed`. Losing
 * that race means another invocation took it first, and the claim decides again from a fresh read
 * (normally `lease_held`).
 *
 * Why a failed order with recorded progress is a conflict for new content: ServiceTitan already
 * holds records made from the old content and has no idempotency keys to undo them by; syncing the
 * new content on top would leave two half-orders. With nothing recorded (`fail` saves what the
 * attempt created, see `recordsNothingCreated`), a corrected re-publish may proceed; it never reuses a
 * record an earlier version may have created without the ledger knowing, because the reconcile
 * only accepts records stamped with its own payload hash.
 *
 * Why a failed order with the same content waits for a replay: a permanent failure (a rejection, a
 * config id missing, or transient failures until the last receive) does not heal by running the
 * same content again. SQS may still redeliver the message (the dead-letter send failed, or the
 * invocation died before the message was deleted); that must not re-run the order behind the
 * operator's back. A deliberate replay (`lib/dlq/replay.ts`) raises the message's `replayCount`
 * attribute; the claim stores the highest count it saw, so only a delivery with a higher count
 * takes the failed order over.
 *
 * Lease expiry is decided here, in code, against the caller's clock: DynamoDB TTL deletes items
 * only eventually (and dynalite never), so it can't be what frees a lease.
 */
import { LedgerStatus, recordsNothingCreated, type SyncProgress } from "./record.ts";

export const ClaimDecision = {
  Duplicate: "duplicate",
  Conflict: "conflict",
  /** Failed permanently with this content; no replay since. */
  Failed: "failed",
  LeaseHeld: "lease_held",
  TakeOver: "take_over",
} as const;
export type ClaimDecision = (typeof ClaimDecision)[keyof typeof ClaimDecision];

export interface ClaimableState {
  status: LedgerStatus;
  payloadHash: string;
  ownerToken: string;
  leaseExpiresAtMs: number;
  progress: SyncProgress;
  replayCount: number;
}

/** Who is claiming: the attempt's owner token and the replay mark its message carries. */
export interface Claimant {
  ownerToken: string;
  payloadHash: string;
  /** The message's `replayCount` attribute (0 when never replayed). */
  replayCount: number;
}

export function decideClaim(current: ClaimableState, claimant: Claimant, nowMs: number): ClaimDecision {
  const leaseLive = current.leaseExpiresAtMs > nowMs && current.ownerToken !== claimant.ownerToken;
  if (current.payloadHash !== claimant.payloadHash) {
    // A failed attempt may still hold its lease (a write of it may land late): wait it out first.
    if (current.status !== LedgerStatus.Failed || !recordsNothingCreated(current.progress))
      return ClaimDecision.Conflict;
    return leaseLive ? ClaimDecision.LeaseHeld : ClaimDecision.TakeOver;
  }
  if (current.status === LedgerStatus.Completed) return ClaimDecision.Duplicate;
  if (current.status === LedgerStatus.Failed && claimant.replayCount <= current.replayCount) {
    return ClaimDecision.Failed;
  }
  return leaseLive ? ClaimDecision.LeaseHeld : ClaimDecision.TakeOver;
}
