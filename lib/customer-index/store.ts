/**
 * The one adapter for the customer index table (`table.ts` describes the layout). Records are
 * written with single-item conditional puts — a feed row never overwrites a newer version of its
 * record — and looked up through the sparse `byLookupKey` index. Feed positions move with a
 * conditional update on the position they were read from, so two refreshers (the schedule and a
 * batch's catch-up) can never move a feed backwards over each other's progress.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { conditionFailed, type RequestStats, runDynamoRequest } from "../ledger/dynamo-errors.ts";
import { ExpressionBuilder } from "../ledger/expression-builder.ts";
import type { IndexRecord, LocationRecord } from "./records.ts";
import {
  type Feed,
  feedPartitionKey,
  indexLookupAttribute,
  indexLookupIndexName,
  indexPartitionKey,
  type RecordKind,
  recordPartitionKey,
  statePartitionKey,
} from "./table.ts";

export const PutOutcome = { Created: "created", Updated: "updated", Stale: "stale" } as const;
export type PutOutcome = (typeof PutOutcome)[keyof typeof PutOutcome];

/** One feed's stored state. */
export interface FeedState {
  feed: Feed;
  /** `continueFrom` of the last page read; undefined = start from the beginning. */
  position: string | undefined;
  /** When a page of this feed was last read (ISO). */
  lastReadAt: string | undefined;
  /** When the feed was first read to its end (ISO): its backfill is complete. */
  backfillCompletedAt: string | undefined;
  /** Records of this feed's kind the index holds (first sightings counted). */
  records: number;
  /** Rows skipped because their e-mail/phone/address was unusable or the row malformed. */
  skippedRows: number;
  /** Times ServiceTitan rejected the position and the feed was read again from the beginning. */
  restarts: number;
}

export interface IndexState {
  /** Start of the last refresh that read every feed to its end (ISO): the index holds everything before it. */
  caughtUpAt: string | undefined;
  /** Start of the last refresh or catch-up, complete or not (ISO): catch-ups skip when it is recent. */
  lastRefreshStartedAt: string | undefined;
  /** Fingerprint of the HMAC key the index was built with. */
  keyFingerprint: string | undefined;
}

export interface CustomerIndexStoreOptions {
  dynamo: DynamoDBClient;
  tableName: string;
}

export class CustomerIndexStore {
  /** DynamoDB requests made (failed conditional writes included: AWS bills them), for the benchmark. */
  readonly stats: RequestStats = { reads: 0, writes: 0 };
  readonly tableName: string;
  private readonly doc: DynamoDBDocumentClient;

  constructor(options: CustomerIndexStoreOptions) {
    this.doc = DynamoDBDocumentClient.from(options.dynamo, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = options.tableName;
  }

  /**
   * Writes a record unless the index holds a newer version (`modifiedOn`); a record the feeds have
   * not seen yet may be written by the worker (`onlyIfAbsent`), never overwriting feed data.
   */
  async putRecord(record: IndexRecord, options: { onlyIfAbsent?: boolean } = {}): Promise<PutOutcome> {
    const condition = new ExpressionBuilder();
    const absent = `attribute_not_exists(${condition.name(indexPartitionKey)})`;
    const expression =
      options.onlyIfAbsent || record.modifiedOn === ""
        ? options.onlyIfAbsent
          ? absent
          : undefined
        : `${absent} OR ${condition.name("modifiedOn")} <= ${condition.value(record.modifiedOn)}`;
    const result = await runDynamoRequest(this.stats, "writes", "customer-index put", () =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [indexPartitionKey]: recordPartitionKey(record.kind, record.id), ...record },
          ConditionExpression: expression,
          ExpressionAttributeNames: expression ? condition.expressionAttributeNames : undefined,
          ExpressionAttributeValues: expression ? condition.expressionAttributeValues : undefined,
          // Returned by the write itself: tells a first sighting (counted) from an update, without a read.
          ReturnValues: "ALL_OLD",
        }),
      ),
    );
    if (result === conditionFailed) return PutOutcome.Stale;
    return result.Attributes ? PutOutcome.Updated : PutOutcome.Created;
  }

  /**
   * Records the tags the worker just added to a location the index knows, so the next order of the
   * same customer doesn't add them again (the locations feed brings the same list later).
   */
  async setLocationTags(locationId: number, tagTypeIds: readonly number[]): Promise<void> {
    await runDynamoRequest(this.stats, "writes", "customer-index location tags", () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [indexPartitionKey]: recordPartitionKey("location", locationId) },
          UpdateExpression: "SET #t = :t",
          ConditionExpression: "attribute_exists(#pk)",
          ExpressionAttributeNames: { "#t": "tagTypeIds", "#pk": indexPartitionKey },
          ExpressionAttributeValues: { ":t": [...tagTypeIds] },
        }),
      ),
    );
  }

  /** Every record whose value hashes to `lookupKey` (sparse index: gone and inactive values are absent). */
  async lookup(lookupKey: string): Promise<IndexRecord[]> {
    const records: IndexRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    // A value shared by more records than this is not a person's; stop rather than page on.
    for (let page = 0; page < 4; page++) {
      const result = await runDynamoRequest(this.stats, "reads", "customer-index lookup", () =>
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: indexLookupIndexName,
            KeyConditionExpression: "#k = :k",
            ExpressionAttributeNames: { "#k": indexLookupAttribute },
            ExpressionAttributeValues: { ":k": lookupKey },
            ExclusiveStartKey: startKey,
            Limit: 100,
          }),
        ),
      );
      if (result === conditionFailed) break;
      records.push(...((result.Items ?? []) as IndexRecord[]));
      startKey = result.LastEvaluatedKey;
      if (!startKey) break;
    }
    return records;
  }

  /** Location records by id (to find the customer of a location contact). */
  async getLocations(ids: readonly number[]): Promise<LocationRecord[]> {
    const unique = [...new Set(ids)].slice(0, 100);
    if (unique.length === 0) return [];
    const result = await runDynamoRequest(this.stats, "reads", "customer-index get", () =>
      this.doc.send(
        new BatchGetCommand({
          RequestItems: {
            [this.tableName]: {
              Keys: unique.map((id) => ({ [indexPartitionKey]: recordPartitionKey("location", id) })),
            },
          },
        }),
      ),
    );
    if (result === conditionFailed) return [];
    return (result.Responses?.[this.tableName] ?? []) as LocationRecord[];
  }

  async getRecord(kind: RecordKind, id: number): Promise<IndexRecord | undefined> {
    const item = await this.getItem(recordPartitionKey(kind, id));
    return item as IndexRecord | undefined;
  }

  async getFeedState(feed: Feed): Promise<FeedState> {
    const item = await this.getItem(feedPartitionKey(feed));
    return {
      feed,
      position: stringOrUndefined(item?.position),
      lastReadAt: stringOrUndefined(item?.lastReadAt),
      backfillCompletedAt: stringOrUndefined(item?.backfillCompletedAt),
      records: numberOrZero(item?.records),
      skippedRows: numberOrZero(item?.skippedRows),
      restarts: numberOrZero(item?.restarts),
    };
  }

  /**
   * Moves a feed from `from` to `to` after a page was written, adding the page's counts. Returns
   * false when another refresher moved it first (the caller stops reading this feed for now).
   */
  async advanceFeed(
    feed: Feed,
    move: {
      from: string | undefined;
      to: string | undefined;
      readAt: string;
      reachedEnd: boolean;
      newRecords: number;
      skippedRows: number;
      restarted?: boolean;
    },
  ): Promise<boolean> {
    const update = new ExpressionBuilder();
    const sets = [`${update.name("lastReadAt")} = ${update.value(move.readAt)}`];
    if (move.to !== undefined) sets.push(`${update.name("position")} = ${update.value(move.to)}`);
    if (move.reachedEnd) {
      const at = update.name("backfillCompletedAt");
      sets.push(`${at} = if_not_exists(${at}, ${update.value(move.readAt)})`);
    }
    for (const [attribute, by] of [
      ["records", move.newRecords],
      ["skippedRows", move.skippedRows],
      ["restarts", move.restarted ? 1 : 0],
    ] as const) {
      const name = update.name(attribute);
      sets.push(`${name} = if_not_exists(${name}, ${update.value(0)}) + ${update.value(by)}`);
    }
    const positionName = update.name("position");
    const condition =
      move.from === undefined || move.restarted
        ? move.restarted
          ? undefined
          : `attribute_not_exists(${positionName})`
        : `${positionName} = ${update.value(move.from)}`;
    const result = await runDynamoRequest(this.stats, "writes", "customer-index feed position", () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [indexPartitionKey]: feedPartitionKey(feed) },
          UpdateExpression: `SET ${sets.join(", ")}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: update.expressionAttributeNames,
          ExpressionAttributeValues: update.expressionAttributeValues,
        }),
      ),
    );
    return result !== conditionFailed;
  }

  /** Forgets a feed's position and backfill (a rebuild, or a different HMAC key): read again from the start. */
  async resetFeed(feed: Feed): Promise<void> {
    await runDynamoRequest(this.stats, "writes", "customer-index feed reset", () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [indexPartitionKey]: feedPartitionKey(feed) },
          UpdateExpression: "REMOVE #p, #b",
          ExpressionAttributeNames: { "#p": "position", "#b": "backfillCompletedAt" },
        }),
      ),
    );
  }

  async getState(): Promise<IndexState> {
    const item = await this.getItem(statePartitionKey);
    return {
      caughtUpAt: stringOrUndefined(item?.caughtUpAt),
      lastRefreshStartedAt: stringOrUndefined(item?.lastRefreshStartedAt),
      keyFingerprint: stringOrUndefined(item?.keyFingerprint),
    };
  }

  /**
   * Claims a refresh: records `startedAt` unless another refresh started after `notBefore` (the
   * "refreshed within the last few seconds" rule for catch-ups). Returns false when one did.
   */
  async claimRefresh(startedAt: string, notBefore: string | undefined): Promise<boolean> {
    const update = new ExpressionBuilder();
    const started = update.name("lastRefreshStartedAt");
    const condition = notBefore
      ? `attribute_not_exists(${started}) OR ${started} < ${update.value(notBefore)}`
      : undefined;
    const result = await runDynamoRequest(this.stats, "writes", "customer-index refresh claim", () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [indexPartitionKey]: statePartitionKey },
          UpdateExpression: `SET ${started} = ${update.value(startedAt)}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: update.expressionAttributeNames,
          ExpressionAttributeValues: update.expressionAttributeValues,
        }),
      ),
    );
    return result !== conditionFailed;
  }

  /** Every feed was read to its end by a refresh that started at `startedAt`. */
  async markCaughtUp(startedAt: string): Promise<void> {
    const update = new ExpressionBuilder();
    const at = update.name("caughtUpAt");
    await runDynamoRequest(this.stats, "writes", "customer-index caught up", () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [indexPartitionKey]: statePartitionKey },
          UpdateExpression: `SET ${at} = ${update.value(startedAt)}`,
          // Never backwards: a slow refresh finishing after a newer one leaves the newer time.
          ConditionExpression: `attribute_not_exists(${at}) OR ${at} < ${update.value(startedAt)}`,
          ExpressionAttributeNames: update.expressionAttributeNames,
          ExpressionAttributeValues: update.expressionAttributeValues,
        }),
      ),
    );
  }

  /** Records the key fingerprint when the index is first built; returns the one stored. */
  async recordKeyFingerprint(fingerprint: string): Promise<string> {
    const update = new ExpressionBuilder();
    const name = update.name("keyFingerprint");
    await runDynamoRequest(this.stats, "writes", "customer-index key fingerprint", () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [indexPartitionKey]: statePartitionKey },
          UpdateExpression: `SET ${name} = ${update.value(fingerprint)}`,
          ConditionExpression: `attribute_not_exists(${name})`,
          ExpressionAttributeNames: update.expressionAttributeNames,
          ExpressionAttributeValues: update.expressionAttributeValues,
        }),
      ),
    );
    return (await this.getState()).keyFingerprint ?? fingerprint;
  }

  /** Replaces the key fingerprint (a rebuild with a new key). */
  async replaceKeyFingerprint(fingerprint: string): Promise<void> {
    await runDynamoRequest(this.stats, "writes", "customer-index key fingerprint", () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [indexPartitionKey]: statePartitionKey },
          UpdateExpression: "SET #f = :f REMOVE #c",
          ExpressionAttributeNames: { "#f": "keyFingerprint", "#c": "caughtUpAt" },
          ExpressionAttributeValues: { ":f": fingerprint },
        }),
      ),
    );
  }

  private async getItem(pk: string): Promise<Record<string, unknown> | undefined> {
    const result = await runDynamoRequest(this.stats, "reads", "customer-index get", () =>
      this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: { [indexPartitionKey]: pk }, ConsistentRead: true }),
      ),
    );
    return result === conditionFailed ? undefined : result.Item;
  }
}

const stringOrUndefined = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
const numberOrZero = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : 0);
