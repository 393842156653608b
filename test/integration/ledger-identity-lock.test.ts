/**
 * `IdentityLock` against dynalite over loopback: one new customer, many concurrent orders — only
 * one may hold the customer's identities at a time. Asserts the stored lock items.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { identityPartitionKey } from "../../lib/ledger/identity-lock.ts";
import { ledgerTestStartMs, useLedgerTable } from "../support/ledger-table.ts";

const startMs = ledgerTestStartMs;
const leaseMs = 30_000;

const table = useLedgerTable();
const lockAt = (clock: { ms: number }) => table.lockAt(clock);

/** Distinct fake identities per test, so tests sharing the table don't contend. */
function identities(): { email: string; phone: string } {
  const id = randomUUID().slice(0, 8);
  return { email: `email:testy.${id}@example.com`, phone: `phone:${id}5550142` };
}

const lockItem = (identity: string) => table.item(identityPartitionKey(identity));

describe("IdentityLock", () => {
  it("stores hashed keys only: no email or phone in the item", async () => {
    // Prepare
    const clock = { ms: startMs };
    const lock = lockAt(clock);
    const { email, phone } = identities();

    // Act
    const acquired = await lock.acquire([email, phone], "order-1", leaseMs);

    // Assess
    expect(acquired).toBe(true);
    expect(lock.stats).toEqual({ reads: 0, writes: 2 });
    const item = await lockItem(email);
    expect(item).toMatchObject({ ownerToken: "order-1", leaseExpiresAtMs: startMs + leaseMs });
    expect(item?.pk).toMatch(/^IDENTITY#[0-9a-f]{64}$/);
    const stored = JSON.stringify([item, await lockItem(phone)]);
    expect(stored).not.toContain("example.com");
    expect(stored).not.toContain(phone.slice("phone:".length));
  });

  it("lets exactly one of many concurrent acquirers hold the same identities", async () => {
    // Prepare
    const clock = { ms: startMs };
    const { email, phone } = identities();
    const owners = Array.from({ length: 6 }, (_, index) => `order-${index}`);

    // Act
    const results = await Promise.all(owners.map((owner) => lockAt(clock).acquire([email, phone], owner, leaseMs)));

    // Assess
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = owners[results.indexOf(true)];
    expect(await lockItem(email)).toMatchObject({ ownerToken: winner });
    expect(await lockItem(phone)).toMatchObject({ ownerToken: winner });
  });

  it("gives overlapping identity sets to one owner only, and the loser keeps nothing", async () => {
    // Prepare: same email, different phones — the same person ordering twice with another phone
    const clock = { ms: startMs };
    const first = identities();
    const second = identities();

    // Act
    const [a, b] = await Promise.all([
      lockAt(clock).acquire([first.email, first.phone], "order-a", leaseMs),
      lockAt(clock).acquire([first.email, second.phone], "order-b", leaseMs),
    ]);

    // Assess
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const winner = a ? "order-a" : "order-b";
    expect(await lockItem(first.email)).toMatchObject({ ownerToken: winner });
    const loserOnlyIdentity = a ? second.phone : first.phone;
    expect(await lockItem(loserOnlyIdentity)).toBeUndefined();
  });

  it("refuses a live lock of another owner, and takes it once the lease expired", async () => {
    // Prepare
    const clock = { ms: startMs };
    const { email, phone } = identities();
    await lockAt(clock).acquire([email], "order-1", leaseMs);
    clock.ms += leaseMs - 1;
    const refused = await lockAt(clock).acquire([phone, email], "order-2", leaseMs);
    const afterRefusal = { email: await lockItem(email), phone: await lockItem(phone) };
    clock.ms += 1;

    // Act
    const taken = await lockAt(clock).acquire([phone, email], "order-2", leaseMs);

    // Assess
    expect(refused).toBe(false);
    expect(afterRefusal.email).toMatchObject({ ownerToken: "order-1" });
    expect(afterRefusal.phone).toBeUndefined(); // released again after the refusal
    expect(taken).toBe(true);
    expect(await lockItem(email)).toMatchObject({ ownerToken: "order-2", leaseExpiresAtMs: clock.ms + leaseMs });
    expect(await lockItem(phone)).toMatchObject({ ownerToken: "order-2" });
  });

  it("re-acquiring its own lock succeeds and extends it; a partial failure keeps what was already held", async () => {
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
    expect(again).toBe(true);
    expect(partial).toBe(false);
    expect(await lockItem(mine.email)).toMatchObject({ ownerToken: "order-1", leaseExpiresAtMs: clock.ms + leaseMs });
    expect(await lockItem(mine.phone)).toBeUndefined();
    expect(await lockItem(theirs.phone)).toMatchObject({ ownerToken: "order-2" });
  });

  it("release deletes only the caller's own locks", async () => {
    // Prepare
    const clock = { ms: startMs };
    const mine = identities();
    const theirs = identities();
    await lockAt(clock).acquire([mine.email, mine.phone], "order-1", leaseMs);
    await lockAt(clock).acquire([theirs.email], "order-2", leaseMs);

    // Act
    await lockAt(clock).release([mine.email, mine.phone, theirs.email], "order-1");
    await lockAt(clock).release([mine.email], "order-2");

    // Assess
    expect(await lockItem(mine.email)).toBeUndefined();
    expect(await lockItem(mine.phone)).toBeUndefined();
    expect(await lockItem(theirs.email)).toMatchObject({ ownerToken: "order-2" });
  });

  it("after a release, the next owner acquires at once", async () => {
    // Prepare
    const clock = { ms: startMs };
    const { email, phone } = identities();
    await lockAt(clock).acquire([email, phone], "order-1", leaseMs);
    await lockAt(clock).release([email, phone], "order-1");

    // Act
    const acquired = await lockAt(clock).acquire([email, phone], "order-2", leaseMs);

    // Assess
    expect(acquired).toBe(true);
    expect(await lockItem(phone)).toMatchObject({ ownerToken: "order-2" });
  });

  it("an empty identity list locks nothing and costs nothing", async () => {
    // Prepare
    const lock = lockAt({ ms: startMs });

    // Act
    const acquired = await lock.acquire([], "order-1", leaseMs);

    // Assess
    expect(acquired).toBe(true);
    expect(lock.stats).toEqual({ reads: 0, writes: 0 });
  });
});
