/**
 * `CreationLock` against dynalite over loopback: one record to create, many concurrent orders — only
 * one may hold its keys at a time. Asserts the stored lock items.
 */
import { createHash, randomUUID } from "node:crypto";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreationLock, type LockKey, LockScope, lockPartitionKey } from "../../lib/ledger/creation-lock.ts";
import { addressKey } from "../../lib/normalize/address.ts";
import { type LocalAws, startLocalAws } from "../../local/aws.ts";

const startMs = Date.UTC(2026, 10, 20, 15, 0, 0);
const leaseMs = 30_000;

let aws: LocalAws;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  aws = await startLocalAws();
  doc = DynamoDBDocumentClient.from(aws.dynamo);
});
afterAll(async () => {
  await aws?.stop();
});

function lockAt(clock: { ms: number }): CreationLock {
  return new CreationLock({ dynamo: aws.dynamo, tableName: aws.tableName, now: () => clock.ms });
}

/** Distinct fake identities per test, so tests sharing the table don't contend. */
function identities(): { email: LockKey; phone: LockKey } {
  const id = randomUUID().slice(0, 8);
  return {
    email: { scope: LockScope.CustomerIdentity, value: `email:testy.${id}@example.com` },
    phone: { scope: LockScope.CustomerIdentity, value: `phone:${id}5550142` },
  };
}

/** Two fresh keys, in the order the lock takes them (sorted partition keys). */
function sortedKeys(): [LockKey, LockKey] {
  const { email, phone } = identities();
  return lockPartitionKey(email) < lockPartitionKey(phone) ? [email, phone] : [phone, email];
}

async function lockItem(key: LockKey): Promise<Record<string, unknown> | undefined> {
  const { Item } = await doc.send(
    new GetCommand({ TableName: aws.tableName, Key: { pk: lockPartitionKey(key) }, ConsistentRead: true }),
  );
  return Item;
}

describe("CreationLock", () => {
  it("stores hashed keys only, per scope: no email, phone, address or code in the items", async () => {
    // Prepare
    const clock = { ms: startMs };
    const lock = lockAt(clock);
    const { email, phone } = identities();
    const street = `${randomUUID().slice(0, 6)} Fixture Court`;
    const location: LockKey = {
      scope: LockScope.CustomerLocation,
      value: `4242|${addressKey({ street, city: "Springfield", state: "IL", zip: "62704" })}`,
    };
    const sku: LockKey = { scope: LockScope.PricebookCode, value: `material:SKU-${randomUUID().slice(0, 8)}` };

    // Act
    const outcome = await lock.acquire([email, phone, location, sku], "order-1", leaseMs);

    // Assess
    expect(outcome).toEqual({ acquired: true, heldBefore: false });
    expect(lock.stats).toEqual({ reads: 0, writes: 4 });
    const items = await Promise.all([email, phone, location, sku].map(lockItem));
    expect(items[0]).toMatchObject({ ownerToken: "order-1", leaseExpiresAtMs: startMs + leaseMs });
    expect(items.map((item) => item?.pk)).toEqual([
      expect.stringMatching(/^IDENTITY#[0-9a-f]{64}$/),
      expect.stringMatching(/^IDENTITY#[0-9a-f]{64}$/),
      expect.stringMatching(/^LOCATION#[0-9a-f]{64}$/),
      expect.stringMatching(/^SKU#[0-9a-f]{64}$/),
    ]);
    const stored = JSON.stringify(items).toUpperCase();
    for (const value of ["example.com", phone.value.slice("phone:".length), street, "4242", sku.value]) {
      expect(stored).not.toContain(value.toUpperCase());
    }
  });

  it("keeps the keys of the identity-only lock it replaced, so both versions exclude each other during a deploy", () => {
    // Prepare
    const key = { scope: LockScope.CustomerIdentity, value: "email:testy@example.com" };
    const previousKey = `IDENTITY#${createHash("sha256").update("email:testy@example.com", "utf8").digest("hex")}`;

    // Act
    const pk = lockPartitionKey(key);

    // Assess
    expect(pk).toBe(previousKey);
  });

  it("lets exactly one of many concurrent acquirers hold the same keys", async () => {
    // Prepare
    const clock = { ms: startMs };
    const { email, phone } = identities();
    const owners = Array.from({ length: 6 }, (_, index) => `order-${index}`);

    // Act
    const results = await Promise.all(owners.map((owner) => lockAt(clock).acquire([email, phone], owner, leaseMs)));

    // Assess
    const winners = results.filter((r) => r.acquired);
    expect(winners).toHaveLength(1);
    const winner = owners[results.findIndex((r) => r.acquired)];
    expect(await lockItem(email)).toMatchObject({ ownerToken: winner });
    expect(await lockItem(phone)).toMatchObject({ ownerToken: winner });
  });

  it("gives overlapping key sets to one owner only; what the loser took is free again at once", async () => {
    // Prepare: keys are taken in sorted order; the loser takes its own key, then is refused the shared one
    const clock = { ms: startMs };
    const [own, shared] = sortedKeys();
    await lockAt(clock).acquire([shared], "order-a", leaseMs);

    // Act
    const refused = await lockAt(clock).acquire([own, shared], "order-b", leaseMs);
    const ownAfterRefusal = await lockItem(own);
    const next = await lockAt(clock).acquire([own], "order-c", leaseMs);

    // Assess
    expect(refused).toEqual({ acquired: false });
    expect(await lockItem(shared)).toMatchObject({ ownerToken: "order-a" });
    // Given up by expiring, not deleting: the next owner takes it at once and learns it was held.
    expect(ownAfterRefusal).toMatchObject({ ownerToken: "order-b", leaseExpiresAtMs: clock.ms });
    expect(next).toEqual({ acquired: true, heldBefore: true });
  });

  it("refuses a live lock of another owner, and takes it once the lease expired, reporting it was held", async () => {
    // Prepare
    const clock = { ms: startMs };
    const { email } = identities();
    await lockAt(clock).acquire([email], "order-1", leaseMs);
    clock.ms += leaseMs - 1;
    const refused = await lockAt(clock).acquire([email], "order-2", leaseMs);
    clock.ms += 1;

    // Act
    const taken = await lockAt(clock).acquire([email], "order-2", leaseMs);

    // Assess
    expect(refused).toEqual({ acquired: false });
    expect(taken).toEqual({ acquired: true, heldBefore: true });
    expect(await lockItem(email)).toMatchObject({ ownerToken: "order-2", leaseExpiresAtMs: clock.ms + leaseMs });
  });

  it("re-acquiring its own lock succeeds, extends it and says it was held; a partial failure keeps what was held", async () => {
    // Prepare
    const clock = { ms: startMs };
    const mine = identities();
    const theirs = identities();
    await lockAt(clock).acquire([mine.email], "order-1", leaseMs);
    await lockAt(clock).acquire([theirs.phone], "order-2", leaseMs);
    clock.ms += 1_000;

    // Act
    const again = await lockAt(clock).acquire([mine.email], "order-1", leaseMs);
    const partial = await lockAt(clock).acquire([mine.email, mine.phone, theirs.phone], "order-1", leaseMs);

    // Assess
    expect(again).toEqual({ acquired: true, heldBefore: true });
    expect(partial).toEqual({ acquired: false });
    expect(await lockItem(mine.email)).toMatchObject({ ownerToken: "order-1", leaseExpiresAtMs: clock.ms + leaseMs });
    expect(await lockItem(theirs.phone)).toMatchObject({ ownerToken: "order-2" });
  });

  it("locks scopes apart: the same value under another scope is another lock", async () => {
    // Prepare
    const clock = { ms: startMs };
    const value = `material:SKU-${randomUUID().slice(0, 8)}`;
    await lockAt(clock).acquire([{ scope: LockScope.PricebookCode, value }], "order-1", leaseMs);

    // Act
    const other = await lockAt(clock).acquire([{ scope: LockScope.CustomerLocation, value }], "order-2", leaseMs);

    // Assess
    expect(other).toEqual({ acquired: true, heldBefore: false });
  });

  it("an empty key list locks nothing and costs nothing", async () => {
    // Prepare
    const lock = lockAt({ ms: startMs });

    // Act
    const outcome = await lock.acquire([], "order-1", leaseMs);

    // Assess
    expect(outcome).toEqual({ acquired: true, heldBefore: false });
    expect(lock.stats).toEqual({ reads: 0, writes: 0 });
  });
});
