/**
 * What `OrderLedger.claim` does when its create-if-absent put finds an item already there (the
 * caller has just read it, the one read of the claim path).
 *
 * | stored item                                         | same payload hash | different payload hash |
 * | --------------------------------------------------- | ----------------- | ---------------------- |
 * | completed                                           | `duplicate`       | `conflict`             |
 * | failed, progress empty (nothing written to ST)      | take over         | take over (new hash)   |
 * | failed, progress recorded                           | take over (replay)| `conflict`             |
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
 * new content on top would leave two half-orders. With nothing recorded, the failure (a contract
 * or config rejection) stopped before any ServiceTitan write, so a corrected re-publish can proceed.
 *
 * Lease expiry is decided here, in code, against the caller's clock: DynamoDB TTL deletes items
 * only eventually (and dynalite never), so it can't be what frees a lease.
 */
import { isProgressEmpty, LedgerStatus, type SyncProgress } from "./record.ts";

export const ClaimDecision = {
  Duplicate: "duplicate",
  Conflict: "conflict",
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
}

export function decideClaim(
  current: ClaimableState,
  payloadHash: string,
  ownerToken: string,
  nowMs: number,
): ClaimDecision {
  if (current.payloadHash !== payloadHash) {
    return current.status === LedgerStatus.Failed && isProgressEmpty(current.progress)
      ? ClaimDecision.TakeOver
      : ClaimDecision.Conflict;
  }
  if (current.status === LedgerStatus.Completed) return ClaimDecision.Duplicate;
  if (current.status === LedgerStatus.Failed) return ClaimDecision.TakeOver;
  const leaseLive = current.leaseExpiresAtMs > nowMs;
  return leaseLive && current.ownerToken !== ownerToken ? ClaimDecision.LeaseHeld : ClaimDecision.TakeOver;
}
