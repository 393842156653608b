/**
 * The step ledger that makes the sync exactly-once in effect. SQS delivers at least once, a Lambda
 * can die between a ServiceTitan write and the ledger write, and ServiceTitan has no idempotency
 * keys — so one DynamoDB item per order records who is working on it (owner token + lease), which
 * content it is (payload hash) and which ServiceTitan ids each finished step produced.
 *
 * Everything is a single-item conditional write: dynalite (local) has no transactions, and
 * transactions would double the write cost in AWS. Cost on the happy path: `claim` on a fresh order
 * is one conditional PutItem and no read; the GetItem happens only when that put finds an item.
 * Every write after the claim is conditional on `ownerToken = :me`, so an invocation whose lease
 * ran out and was taken over can't overwrite the new owner's progress (it gets `LeaseLostError`).
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { LeaseLostError, LedgerUnavailableError, type SyncError, UnexpectedError } from "../errors.ts";
import { issuePaths } from "../validation/issues.ts";
import { ClaimDecision, decideClaim } from "./claim-decision.ts";
import { conditionFailed, type RequestStats, runDynamoRequest } from "./dynamo-errors.ts";
import { ExpressionBuilder } from "./expression-builder.ts";
import { type OrderKey, orderKeyToString, orderPartitionKey, orderPartitionKeyPrefix } from "./order-key.ts";
import {
  type LedgerRecord,
  LedgerStatus,
  type StoredOrderItem,
  type SyncProgress,
  storedOrderItemSchema,
  syncProgressSchema,
  toLedgerRecord,
} from "./record.ts";
import { ledgerPartitionKey, ledgerTtlAttribute } from "./table.ts";

export { LeaseLostError } from "../errors.ts";
export { type OrderKey, orderKeyToString } from "./order-key.ts";
export { hashOrderPayload } from "./payload-hash.ts";
export { FollowUpOutcome, type LedgerError, type LedgerRecord, LedgerStatus, type SyncProgress } from "./record.ts";

export type ClaimResult =
  /** Nothing was ever written for this order: the pipeline may skip reconcile look-ups. */
  | { outcome: "fresh"; record: LedgerRecord }
  /** We own it now; `progress` holds finished steps; ServiceTitan may hold unrecorded writes → reconcile. */
  | { outcome: "resumed"; record: LedgerRecord }
  /** Completed with the same payload hash: no effect. */
  | { outcome: "duplicate"; record: LedgerRecord }
  /** Same key, different payload hash: a permanent conflict. */
  | { outcome: "conflict"; record: LedgerRecord }
  /** Failed permanently with this content, and this delivery is no newer replay: not run again. */
  | { outcome: "failed"; record: LedgerRecord }
  /** Another live invocation owns it: retry later. */
  | { outcome: "lease_held"; record: LedgerRecord };

export interface OrderLedgerOptions {
  /** Created once per container by the caller and shared. */
  dynamo: DynamoDBClient;
  tableName: string;
  /** Days an item is kept after its last write (DynamoDB TTL); also how long duplicates are recognised. Default 90. */
  retentionDays?: number;
  /** Epoch milliseconds; injected by tests to expire leases without waiting. */
  now?: () => number;
}

export interface ClaimOptions {
  /** Unique per invocation attempt (e.g. Lambda request id + message id). */
  ownerToken: string;
  /**
   * How long the claim is ours: the invocation's remaining time plus the time a ServiceTitan write
   * sent before the deadline may still take to land (`lib/worker/invocation-budget.ts`).
   */
  leaseMs: number;
  /** The delivery's `replayCount` message attribute (DLQ replays raise it); default 0. */
  replayCount?: number;
}

export interface FailOptions {
  /** Final: status `failed` (waits for a replay). Otherwise the order stays `in_progress`. */
  permanent: boolean;
  /** What the attempt created, so a later attempt (or new content) knows it. */
  progress?: SyncProgress;
  /**
   * Keep the lease this long instead of releasing it: a write of this attempt got no reply and may
   * still land in ServiceTitan, so no other attempt may start writing until then.
   */
  holdLeaseMs?: number;
}

/** Rounds of read → decide → take over before giving up as `lease_held` (only reached under heavy churn). */
const maxClaimRounds = 3;
const maxErrorMessageLength = 1000;
const defaultRetentionDays = 90;
const defaultListLimit = 100;
const itemType = "order";

export class OrderLedger {
  /** DynamoDB requests made (failed conditional writes included: AWS bills them), for the benchmark. */
  readonly stats: RequestStats = { reads: 0, writes: 0 };
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionSeconds: number;
  private readonly now: () => number;

  constructor(options: OrderLedgerOptions) {
    const retentionDays = options.retentionDays ?? defaultRetentionDays;
    if (!(retentionDays > 0)) throw new RangeError("retentionDays must be positive");
    this.doc = DynamoDBDocumentClient.from(options.dynamo, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = options.tableName;
    this.retentionSeconds = Math.round(retentionDays * 86_400);
    this.now = options.now ?? Date.now;
  }

  /**
   * Takes ownership of an order before any ServiceTitan call. See `claim-decision.ts` for the full
   * decision table; in short: no item → `fresh` (one conditional put, no read); completed + same
   * hash → `duplicate`; different hash → `conflict` (except a failed order with no recorded
   * progress, which is taken over with the new hash); failed + same hash → `failed` unless the
   * delivery carries a newer replay mark; live lease of another owner → `lease_held`; otherwise a
   * conditional take-over → `resumed` (losing that race → decide again from a fresh read).
   */
  async claim(key: OrderKey, payloadHash: string, options: ClaimOptions): Promise<ClaimResult> {
    const pk = orderPartitionKey(key);
    const created = await this.create(key, payloadHash, options);
    if (created) return { outcome: "fresh", record: created };

    let last: StoredOrderItem | undefined;
    for (let round = 0; round < maxClaimRounds; round++) {
      const current = await this.read(pk, "claim");
      if (current === undefined) {
        // Deleted between our put and our read (TTL clean-up in AWS): nothing is left to resume.
        const again = await this.create(key, payloadHash, options);
        if (again) return { outcome: "fresh", record: again };
        continue;
      }
      last = current;
      const nowMs = this.now();
      const claimant = { ownerToken: options.ownerToken, payloadHash, replayCount: options.replayCount ?? 0 };
      const decision = decideClaim(current, claimant, nowMs);
      if (decision !== ClaimDecision.TakeOver) return { outcome: decision, record: toLedgerRecord(current) };
      const taken = await this.takeOver(current, payloadHash, options, nowMs);
      if (taken) return { outcome: "resumed", record: taken };
    }
    if (last === undefined) {
      throw new LedgerUnavailableError("Ledger item kept appearing and disappearing during claim", {
        details: { orderKey: orderKeyToString(key) },
      });
    }
    return { outcome: "lease_held", record: toLedgerRecord(last) };
  }

  /** Records finished steps (merged into `progress`, never replacing it). */
  async checkpoint(key: OrderKey, ownerToken: string, progress: SyncProgress): Promise<void> {
    const nowMs = this.now();
    const update = this.ownedUpdate(nowMs);
    mergeProgress(update, parseProgress(progress));
    await this.writeOwned(key, ownerToken, update, "checkpoint");
  }

  /** Merges the last steps' progress and marks the order completed; later deliveries become `duplicate`. */
  async complete(key: OrderKey, ownerToken: string, progress: SyncProgress): Promise<void> {
    const nowMs = this.now();
    const update = this.ownedUpdate(nowMs);
    mergeProgress(update, parseProgress(progress));
    update
      .set(["status"], LedgerStatus.Completed)
      .set(["completedAt"], new Date(nowMs).toISOString())
      .set(["leaseExpiresAtMs"], nowMs);
    await this.writeOwned(key, ownerToken, update, "complete");
  }

  /**
   * Records the failure with what the attempt created (`progress`, merged), and releases the lease
   * (`leaseExpiresAtMs = now`) so the next delivery can resume at once — unless a write may still
   * land (`holdLeaseMs`). Permanent → status `failed` (only a DLQ replay of the same content runs it
   * again); transient → stays `in_progress`. Same cost as before: one write, on failures only.
   */
  async fail(key: OrderKey, ownerToken: string, error: SyncError, options: FailOptions): Promise<void> {
    const nowMs = this.now();
    const update = this.ownedUpdate(nowMs);
    if (options.progress !== undefined) mergeProgress(update, parseProgress(options.progress));
    update
      .set(["lastError"], {
        reason: error.reason,
        kind: error.kind,
        // SyncError messages carry no personal data by convention; bound the size anyway.
        message: error.message.slice(0, maxErrorMessageLength),
        at: new Date(nowMs).toISOString(),
      })
      .set(["leaseExpiresAtMs"], nowMs + Math.max(0, options.holdLeaseMs ?? 0));
    if (options.permanent) update.set(["status"], LedgerStatus.Failed);
    await this.writeOwned(key, ownerToken, update, "fail");
  }

  /** A strongly consistent read of one order's record. */
  async get(key: OrderKey): Promise<LedgerRecord | undefined> {
    const item = await this.read(orderPartitionKey(key), "get");
    return item === undefined ? undefined : toLedgerRecord(item);
  }

  /**
   * For the ops `status` CLI only: a Scan (reads the whole table, identity locks included, and
   * filters afterwards), so never call it from the pipeline. Returns at most `limit` records
   * (default 100), most recently updated first among those found.
   */
  async list(options: { status?: LedgerStatus; limit?: number } = {}): Promise<LedgerRecord[]> {
    const limit = options.limit ?? defaultListLimit;
    const filter = new ExpressionBuilder();
    let filterExpression = `begins_with(${filter.name(ledgerPartitionKey)}, ${filter.value(orderPartitionKeyPrefix)})`;
    if (options.status !== undefined) {
      filterExpression += ` AND ${filter.name("status")} = ${filter.value(options.status)}`;
    }
    const records: LedgerRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await runDynamoRequest(this.stats, "reads", "list", () =>
        this.doc.send(
          new ScanCommand({
            TableName: this.tableName,
            FilterExpression: filterExpression,
            ExpressionAttributeNames: filter.expressionAttributeNames,
            ExpressionAttributeValues: filter.expressionAttributeValues,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      if (page === conditionFailed) throw new UnexpectedError("Scan reported a failed condition");
      for (const item of page.Items ?? []) records.push(toLedgerRecord(parseStoredItem(item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined && records.length < limit);
    return records.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).slice(0, limit);
  }

  /** The create-if-absent put: the whole happy-path claim. */
  private async create(key: OrderKey, payloadHash: string, options: ClaimOptions): Promise<LedgerRecord | undefined> {
    const nowMs = this.now();
    const at = new Date(nowMs).toISOString();
    const item = {
      [ledgerPartitionKey]: orderPartitionKey(key),
      type: itemType,
      store: key.store,
      orderId: key.orderId,
      ...(key.followUp === undefined ? {} : { followUp: key.followUp }),
      status: LedgerStatus.InProgress,
      payloadHash,
      ownerToken: options.ownerToken,
      leaseExpiresAtMs: nowMs + options.leaseMs,
      attempts: 1,
      revision: 1,
      replayCount: options.replayCount ?? 0,
      // The empty map lets checkpoints set `progress.pricebookItemIds.<sku>` (a path's parent must exist).
      progress: { pricebookItemIds: {} },
      createdAt: at,
      updatedAt: at,
      [ledgerTtlAttribute]: this.expiresAt(nowMs),
    };
    const condition = new ExpressionBuilder();
    const result = await runDynamoRequest(this.stats, "writes", "claim", () =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: `attribute_not_exists(${condition.name(ledgerPartitionKey)})`,
          ExpressionAttributeNames: condition.expressionAttributeNames,
        }),
      ),
    );
    return result === conditionFailed ? undefined : toLedgerRecord(parseStoredItem(item));
  }

  /**
   * Optimistic take-over: succeeds only if nothing was written since our read (`revision`, owner
   * token and lease unchanged), so of two invocations that both saw an expired lease only one wins.
   */
  private async takeOver(
    current: StoredOrderItem,
    payloadHash: string,
    options: ClaimOptions,
    nowMs: number,
  ): Promise<LedgerRecord | undefined> {
    const update = new ExpressionBuilder()
      .set(["status"], LedgerStatus.InProgress)
      .set(["payloadHash"], payloadHash)
      .set(["ownerToken"], options.ownerToken)
      .set(["leaseExpiresAtMs"], nowMs + options.leaseMs)
      .set(["replayCount"], Math.max(current.replayCount, options.replayCount ?? 0))
      .set(["updatedAt"], new Date(nowMs).toISOString())
      .set([ledgerTtlAttribute], this.expiresAt(nowMs))
      .increment("attempts")
      .increment("revision");
    const condition = [
      `${update.name("revision")} = ${update.value(current.revision)}`,
      `${update.name("ownerToken")} = ${update.value(current.ownerToken)}`,
      `${update.name("leaseExpiresAtMs")} = ${update.value(current.leaseExpiresAtMs)}`,
    ].join(" AND ");
    const result = await runDynamoRequest(this.stats, "writes", "claim", () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [ledgerPartitionKey]: current.pk },
          UpdateExpression: update.updateExpression,
          ConditionExpression: condition,
          ExpressionAttributeNames: update.expressionAttributeNames,
          ExpressionAttributeValues: update.expressionAttributeValues,
          // Returned by the write itself: no extra read.
          ReturnValues: "ALL_NEW",
        }),
      ),
    );
    if (result === conditionFailed) return undefined;
    return toLedgerRecord(parseStoredItem(result.Attributes));
  }

  /** The part every post-claim write shares: timestamps, TTL refresh and the revision bump. */
  private ownedUpdate(nowMs: number): ExpressionBuilder {
    return new ExpressionBuilder()
      .set(["updatedAt"], new Date(nowMs).toISOString())
      .set([ledgerTtlAttribute], this.expiresAt(nowMs))
      .increment("revision");
  }

  private async writeOwned(key: OrderKey, ownerToken: string, update: ExpressionBuilder, operation: string) {
    const condition = `${update.name("ownerToken")} = ${update.value(ownerToken)}`;
    const result = await runDynamoRequest(this.stats, "writes", operation, () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [ledgerPartitionKey]: orderPartitionKey(key) },
          UpdateExpression: update.updateExpression,
          ConditionExpression: condition,
          ExpressionAttributeNames: update.expressionAttributeNames,
          ExpressionAttributeValues: update.expressionAttributeValues,
        }),
      ),
    );
    if (result === conditionFailed) {
      throw new LeaseLostError(`Ledger ${operation} refused: another invocation owns the order now`, {
        details: { orderKey: orderKeyToString(key), operation },
      });
    }
  }

  private async read(pk: string, operation: string): Promise<StoredOrderItem | undefined> {
    const result = await runDynamoRequest(this.stats, "reads", operation, () =>
      this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: { [ledgerPartitionKey]: pk }, ConsistentRead: true }),
      ),
    );
    if (result === conditionFailed) throw new UnexpectedError("GetItem reported a failed condition");
    return result.Item === undefined ? undefined : parseStoredItem(result.Item);
  }

  private expiresAt(nowMs: number): number {
    return Math.floor(nowMs / 1000) + this.retentionSeconds;
  }
}

function mergeProgress(update: ExpressionBuilder, progress: SyncProgress): void {
  for (const [name, value] of Object.entries(progress)) {
    if (value === undefined) continue;
    if (name === "pricebookItemIds") {
      for (const [sku, skuId] of Object.entries(value as Record<string, number>)) {
        update.set(["progress", "pricebookItemIds", sku], skuId);
      }
    } else {
      update.set(["progress", name], value);
    }
  }
}

function parseProgress(progress: SyncProgress): SyncProgress {
  const result = syncProgressSchema.safeParse(progress);
  if (result.success) return result.data;
  throw new UnexpectedError("Invalid ledger progress", {
    details: { fieldPaths: issuePaths(result.error.issues) },
  });
}

function parseStoredItem(item: unknown): StoredOrderItem {
  const result = storedOrderItemSchema.safeParse(item);
  if (result.success) return result.data;
  throw new UnexpectedError("Malformed ledger item", {
    details: { fieldPaths: issuePaths(result.error.issues) },
  });
}
