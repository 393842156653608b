/**
 * Shared set-up for the ledger's integration tests: one local AWS (dynalite over loopback) per test
 * file, ledgers and identity locks whose clock the test moves by hand, fresh order keys, and a
 * strongly consistent read of the stored item (what each test asserts).
 */
import { randomUUID } from "node:crypto";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll } from "vitest";
import { CreationLock } from "../../lib/ledger/creation-lock.ts";
import { type OrderKey, OrderLedger } from "../../lib/ledger/ledger.ts";
import { orderPartitionKey } from "../../lib/ledger/order-key.ts";
import { type LocalAws, startLocalAws } from "../../local/aws.ts";

/** A fixed start for the hand-moved clocks. */
export const ledgerTestStartMs = Date.UTC(2026, 10, 20, 15, 0, 0);
export const hashA = "a".repeat(64);
export const hashB = "b".repeat(64);

export interface LedgerTable {
  readonly aws: LocalAws;
  /** A ledger whose clock the test moves by hand. */
  ledgerAt(clock: { ms: number }, tableName?: string): OrderLedger;
  lockAt(clock: { ms: number }): CreationLock;
  /** The raw stored item under `pk`, read strongly consistently. */
  item(pk: string): Promise<Record<string, unknown> | undefined>;
  /** The raw stored item of an order. */
  orderItem(key: OrderKey): Promise<Record<string, unknown> | undefined>;
}

/** Starts local AWS before the file's tests and stops it after them. */
export function useLedgerTable(): LedgerTable {
  let aws: LocalAws | undefined;
  let doc: DynamoDBDocumentClient | undefined;
  beforeAll(async () => {
    aws = await startLocalAws();
    doc = DynamoDBDocumentClient.from(aws.dynamo);
  });
  afterAll(async () => {
    await aws?.stop();
  });
  const started = (): { aws: LocalAws; doc: DynamoDBDocumentClient } => {
    if (aws === undefined || doc === undefined) throw new Error("useLedgerTable: local AWS is not started yet");
    return { aws, doc };
  };
  const item = async (pk: string) => {
    const { aws, doc } = started();
    const { Item } = await doc.send(new GetCommand({ TableName: aws.tableName, Key: { pk }, ConsistentRead: true }));
    return Item;
  };
  return {
    get aws() {
      return started().aws;
    },
    ledgerAt: (clock, tableName) => {
      const { aws } = started();
      return new OrderLedger({ dynamo: aws.dynamo, tableName: tableName ?? aws.tableName, now: () => clock.ms });
    },
    lockAt: (clock) => {
      const { aws } = started();
      return new CreationLock({ dynamo: aws.dynamo, tableName: aws.tableName, now: () => clock.ms });
    },
    item,
    orderItem: (key) => item(orderPartitionKey(key)),
  };
}

/** A fresh order key, so tests sharing the table never touch each other's items. */
export function newOrderKey(store = "test-store"): OrderKey {
  return { store, orderId: `order-${randomUUID()}` };
}
