/**
 * Search-then-create, safe when orders run concurrently: the shape shared by customers, locations
 * and pricebook items. A record that the search finds costs no lock at all (the happy path of a
 * returning customer at a known address buying known SKUs writes nothing here). Only when the search
 * misses does the order lock the record's unique keys (`CreationLock`), search again if they were
 * locked before, and create.
 *
 * The lock is owned by the order key, so a retry of the same order re-enters it, and it is left to
 * expire rather than released: while it lives, a concurrent order that also missed backs off with
 * `LeaseHeldError` and, on its retry, finds the record by search. The lease is long enough for
 * ServiceTitan's lists to show a record just created.
 */
import { LeaseHeldError } from "../errors.ts";
import type { CreationLock, LockKey } from "../ledger/creation-lock.ts";

/** How long a creation lock holds off concurrent orders creating the same record. */
export const creationLockLeaseMs = 5 * 60_000;

export interface CreateOnceSteps<T> {
  /** The record, when it already exists. Called once, and again after a contended lock. */
  find: () => Promise<T | undefined>;
  /** Runs when the search missed, before anything is locked: may refuse to create (throws). */
  beforeCreate?: () => void;
  create: () => Promise<T>;
}

export interface CreateOnceRequest {
  lock: CreationLock;
  keys: readonly LockKey[];
  /** The order key: the same order re-enters its own locks. */
  ownerToken: string;
  /** "customer", "location", "pricebook item": for the retry message. */
  what: string;
}

export async function findOrCreateOnce<T>(
  request: CreateOnceRequest,
  steps: CreateOnceSteps<T>,
): Promise<{ record: T; created: boolean }> {
  const existing = await steps.find();
  if (existing !== undefined) return { record: existing, created: false };
  steps.beforeCreate?.();

  const outcome = await request.lock.acquire(request.keys, request.ownerToken, creationLockLeaseMs);
  if (!outcome.acquired) {
    throw new LeaseHeldError(`Another order is creating this ${request.what}; retrying after it finished`);
  }
  if (outcome.heldBefore) {
    // Someone set out to create it since (or before) our search: it may exist by now.
    const raced = await steps.find();
    if (raced !== undefined) return { record: raced, created: false };
  }
  return { record: await steps.create(), created: true };
}
