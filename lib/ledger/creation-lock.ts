/**
 * Keeps concurrent orders from creating the same ServiceTitan record twice. Every create in the
 * pipeline is search-then-create, and ServiceTitan offers nothing to make that atomic: no
 * idempotency keys, no unique constraint on a customer's e-mail or phone or on a location's address,
 * and none *documented* on pricebook codes. Two orders processed at once both search, both miss,
 * both create. So before creating, the pipeline locks what makes the record unique — a typed scope
 * and its normalised value — in the ledger table; the order that loses backs off (`LeaseHeldError`)
 * and its retry finds the winner's record by search.
 *
 * Keys are `<SCOPE>#<sha256 of the value>`: hashed, so no e-mail, phone number or street address
 * ends up in a key (keys appear in CloudWatch, exports and error messages). The customer-identity
 * scope keeps the `IDENTITY#` keys of the earlier identity-only lock, so containers of both versions
 * lock each other out during a deploy. Each lock is a single-item conditional put — free, expired, or
 * already ours — with expiry decided in code (`leaseExpiresAtMs` against `:now`): DynamoDB TTL
 * deletes only eventually, dynalite never.
 *
 * Locks are never deleted by the worker; they expire with their lease and TTL removes them a day
 * later. That is what makes `heldBefore` trustworthy: a lock that never existed means no order of
 * this worker set out to create the record in that time, so the caller's search (made just before)
 * is still current and no second search is needed — the first attempt pays no extra ServiceTitan
 * call. A lock that existed (expired, or held by this same order on an earlier attempt) means a
 * record may have been created since: search again before creating.
 *
 * Acquisition is all-or-nothing without transactions (dynalite has none): keys are taken one at a
 * time in a fixed (sorted) order and, on the first refusal, the ones this call took are expired
 * again — kept as items, so the next owner still learns that they were held. The fixed order means
 * two callers with overlapping keys can't each hold one the other needs, so one of them succeeds.
 */
import { createHash } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { conditionFailed, type RequestStats, runDynamoRequest } from "./dynamo-errors.ts";
import { ExpressionBuilder } from "./expression-builder.ts";
import { ledgerPartitionKey, ledgerTtlAttribute } from "./table.ts";

/** What a lock protects; also the prefix of its partition key. */
export const LockScope = {
  /** A new customer's normalised e-mail or phone (`email:…`, `phone:…`). */
  CustomerIdentity: "IDENTITY",
  /** A new location: the customer id and the service address's comparison key. */
  CustomerLocation: "LOCATION",
  /** A new pricebook item: its kind and code, exactly as the search compares them. */
  PricebookCode: "SKU",
  /** A membership sale: the customer id and the membership type id (one membership of a type per customer). */
  CustomerMembership: "MEMBERSHIP",
} as const;
export type LockScope = (typeof LockScope)[keyof typeof LockScope];

export interface LockKey {
  scope: LockScope;
  /** Normalised so that two spellings of the same record give the same key; hashed before storing. */
  value: string;
}

export type LockOutcome =
  /** Another owner holds a live lock on one of the keys: nothing is held now. */
  | { acquired: false }
  /**
   * Every key is held until the lease ends. `heldBefore`: one of them was locked before (by another
   * owner whose lease ran out, or by this owner on an earlier attempt): search again before creating.
   */
  | { acquired: true; heldBefore: boolean };

/** Locks outlive their lease by a day before TTL clean-up: `heldBefore` relies on expired locks staying readable. */
const ttlMarginSeconds = 86_400;

export interface CreationLockOptions {
  dynamo: DynamoDBClient;
  tableName: string;
  /** Epoch milliseconds; injected by tests to expire locks without waiting. */
  now?: () => number;
}

type PutOutcome = typeof conditionFailed | { heldBefore: boolean; previousOwner: string | undefined };

export class CreationLock {
  /** DynamoDB requests made (failed conditional writes included), for the benchmark. */
  readonly stats: RequestStats = { reads: 0, writes: 0 };
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly now: () => number;

  constructor(options: CreationLockOptions) {
    this.doc = DynamoDBDocumentClient.from(options.dynamo, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = options.tableName;
    this.now = options.now ?? Date.now;
  }

  /**
   * Locks every key for `leaseMs`, or none. One conditional write per key. Re-acquiring keys this
   * owner already holds succeeds and extends them; on a partial failure those are kept, only the
   * newly taken ones are given up again.
   */
  async acquire(keys: readonly LockKey[], ownerToken: string, leaseMs: number): Promise<LockOutcome> {
    const partitionKeys = [...new Set(keys.map(lockPartitionKey))].sort();
    const nowMs = this.now();
    const taken: string[] = [];
    let heldBefore = false;
    try {
      for (const pk of partitionKeys) {
        const outcome = await this.put(pk, ownerToken, nowMs, leaseMs);
        if (outcome === conditionFailed) {
          await this.expire(taken, ownerToken, nowMs);
          return { acquired: false };
        }
        heldBefore ||= outcome.heldBefore;
        if (outcome.previousOwner !== ownerToken) taken.push(pk);
      }
      return { acquired: true, heldBefore };
    } catch (error) {
      // Best effort: a lock we can't give up now expires with its lease.
      await this.expire(taken, ownerToken, nowMs).catch(() => undefined);
      throw error;
    }
  }

  /** The conditional put: free, expired, or already ours. */
  private async put(pk: string, ownerToken: string, nowMs: number, leaseMs: number): Promise<PutOutcome> {
    const leaseExpiresAtMs = nowMs + leaseMs;
    const condition = new ExpressionBuilder();
    const expression = [
      `attribute_not_exists(${condition.name(ledgerPartitionKey)})`,
      `${condition.name("ownerToken")} = ${condition.value(ownerToken)}`,
      `${condition.name("leaseExpiresAtMs")} <= ${condition.value(nowMs)}`,
    ].join(" OR ");
    const result = await runDynamoRequest(this.stats, "writes", "creation-lock acquire", () =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [ledgerPartitionKey]: pk,
            type: "lock",
            ownerToken,
            leaseExpiresAtMs,
            acquiredAt: new Date(nowMs).toISOString(),
            [ledgerTtlAttribute]: Math.ceil(leaseExpiresAtMs / 1000) + ttlMarginSeconds,
          },
          ConditionExpression: expression,
          ExpressionAttributeNames: condition.expressionAttributeNames,
          ExpressionAttributeValues: condition.expressionAttributeValues,
          // Returned by the write itself (no read): whether the lock existed, and whose it was.
          ReturnValues: "ALL_OLD",
        }),
      ),
    );
    if (result === conditionFailed) return conditionFailed;
    const previousOwner = result.Attributes?.ownerToken;
    return {
      heldBefore: result.Attributes !== undefined,
      previousOwner: typeof previousOwner === "string" ? previousOwner : undefined,
    };
  }

  /**
   * Gives up locks this call took by ending their lease now. The items stay (rather than being
   * deleted), so whoever takes them next still sees `heldBefore` and searches again.
   */
  private async expire(keys: readonly string[], ownerToken: string, nowMs: number): Promise<void> {
    await Promise.all(
      keys.map(async (pk) => {
        const update = new ExpressionBuilder();
        // A failed condition means the lock is no longer ours (expired and retaken): nothing to do.
        await runDynamoRequest(this.stats, "writes", "creation-lock expire", () =>
          this.doc.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { [ledgerPartitionKey]: pk },
              UpdateExpression: `SET ${update.name("leaseExpiresAtMs")} = ${update.value(nowMs)}`,
              ConditionExpression: `${update.name("ownerToken")} = ${update.value(ownerToken)}`,
              ExpressionAttributeNames: update.expressionAttributeNames,
              ExpressionAttributeValues: update.expressionAttributeValues,
            }),
          ),
        );
      }),
    );
  }
}

/** `<SCOPE>#` + sha256 hex of the normalised value: no personal data in the key. */
export function lockPartitionKey(key: LockKey): string {
  return `${key.scope}#${createHash("sha256").update(key.value, "utf8").digest("hex")}`;
}
