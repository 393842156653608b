/**
 * Keeps two orders for the same *new* customer, processed at the same time by different
 * invocations, from creating that customer twice: both search ServiceTitan, both find nothing, both
 * create. ServiceTitan has no unique constraint on email/phone and no idempotency keys, so the
 * pipeline locks the customer's normalised identities here before its search-then-create, and
 * releases them once the customer exists (the loser then finds it by search).
 *
 * Locks live in the ledger table as `pk = IDENTITY#<sha256 of identity>`: hashed, so no email or
 * phone number ends up in a key (keys appear in CloudWatch, exports and error messages). Each is a
 * single-item conditional put — free, expired, or already ours — with expiry decided in code
 * (`leaseExpiresAtMs` against `:now`): DynamoDB TTL deletes only eventually, dynalite never.
 *
 * Acquisition is all-or-nothing without transactions (dynalite has none): identities are taken one
 * at a time in a fixed (sorted key) order and, on the first refusal, the ones this call took are
 * released. The fixed order means two callers with overlapping identities can't each hold one the
 * other needs, so at least one of them always succeeds.
 */
import { createHash } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { conditionFailed, type RequestStats, runDynamoRequest } from "./dynamo-errors.ts";
import { ExpressionBuilder } from "./expression-builder.ts";
import { ledgerPartitionKey, ledgerTtlAttribute } from "./table.ts";

export const identityPartitionKeyPrefix = "IDENTITY#";

/** Locks outlive their lease by a day before TTL clean-up, so an expired lock is still readable when debugging. */
const ttlMarginSeconds = 86_400;

export interface IdentityLockOptions {
  dynamo: DynamoDBClient;
  tableName: string;
  /** Epoch milliseconds; injected by tests to expire locks without waiting. */
  now?: () => number;
}

export class IdentityLock {
  /** DynamoDB requests made (failed conditional writes included), for the benchmark. */
  readonly stats: RequestStats = { reads: 0, writes: 0 };
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly now: () => number;

  constructor(options: IdentityLockOptions) {
    this.doc = DynamoDBDocumentClient.from(options.dynamo, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = options.tableName;
    this.now = options.now ?? Date.now;
  }

  /**
   * Locks every identity for `leaseMs`, or none. Returns false when another owner holds a live
   * lock on one of them (retry later: `LeaseHeldError`). Re-acquiring identities this owner already
   * holds succeeds and extends them; on a partial failure those are kept, only the newly taken ones
   * are released. Pass identities normalised (email lower-cased, phone digits) and type-prefixed.
   */
  async acquire(identities: string[], ownerToken: string, leaseMs: number): Promise<boolean> {
    const keys = [...new Set(identities.map(identityPartitionKey))].sort();
    const nowMs = this.now();
    const taken: string[] = [];
    try {
      for (const pk of keys) {
        const previous = await this.put(pk, ownerToken, nowMs, leaseMs);
        if (previous === conditionFailed) {
          await this.releaseKeys(taken, ownerToken);
          return false;
        }
        if (previous !== ownerToken) taken.push(pk);
      }
      return true;
    } catch (error) {
      // Best effort: a lock we can't release now expires with its lease.
      await this.releaseKeys(taken, ownerToken).catch(() => undefined);
      throw error;
    }
  }

  /** Deletes the locks this owner holds; others' (and already expired-and-retaken) locks are left alone. */
  async release(identities: string[], ownerToken: string): Promise<void> {
    await this.releaseKeys([...new Set(identities.map(identityPartitionKey))], ownerToken);
  }

  /** The conditional put; returns the previous owner token (undefined when the lock was free). */
  private async put(
    pk: string,
    ownerToken: string,
    nowMs: number,
    leaseMs: number,
  ): Promise<string | undefined | typeof conditionFailed> {
    const leaseExpiresAtMs = nowMs + leaseMs;
    const condition = new ExpressionBuilder();
    const expression = [
      `attribute_not_exists(${condition.name(ledgerPartitionKey)})`,
      `${condition.name("ownerToken")} = ${condition.value(ownerToken)}`,
      `${condition.name("leaseExpiresAtMs")} <= ${condition.value(nowMs)}`,
    ].join(" OR ");
    const result = await runDynamoRequest(this.stats, "writes", "identity-lock acquire", () =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [ledgerPartitionKey]: pk,
            type: "identity",
            ownerToken,
            leaseExpiresAtMs,
            acquiredAt: new Date(nowMs).toISOString(),
            [ledgerTtlAttribute]: Math.ceil(leaseExpiresAtMs / 1000) + ttlMarginSeconds,
          },
          ConditionExpression: expression,
          ExpressionAttributeNames: condition.expressionAttributeNames,
          ExpressionAttributeValues: condition.expressionAttributeValues,
          // Returned by the write itself (no read): tells a lock we just took from one we already held.
          ReturnValues: "ALL_OLD",
        }),
      ),
    );
    if (result === conditionFailed) return conditionFailed;
    const previousOwner = result.Attributes?.ownerToken;
    return typeof previousOwner === "string" ? previousOwner : undefined;
  }

  private async releaseKeys(keys: string[], ownerToken: string): Promise<void> {
    await Promise.all(
      keys.map(async (pk) => {
        const condition = new ExpressionBuilder();
        // A failed condition means the lock is not ours (expired and retaken, or gone): nothing to do.
        await runDynamoRequest(this.stats, "writes", "identity-lock release", () =>
          this.doc.send(
            new DeleteCommand({
              TableName: this.tableName,
              Key: { [ledgerPartitionKey]: pk },
              ConditionExpression: `${condition.name("ownerToken")} = ${condition.value(ownerToken)}`,
              ExpressionAttributeNames: condition.expressionAttributeNames,
              ExpressionAttributeValues: condition.expressionAttributeValues,
            }),
          ),
        );
      }),
    );
  }
}

/** `IDENTITY#` + sha256 hex of the normalised identity: no personal data in the key. */
export function identityPartitionKey(identity: string): string {
  return `${identityPartitionKeyPrefix}${createHash("sha256").update(identity, "utf8").digest("hex")}`;
}
