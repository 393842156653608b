/**
 * Issue 5: every failure classified and explained, nothing lost. Malformed messages go to the DLQ
 * with their reason and never take the batch down; flaky ServiceTitan calls are retried until every
 * order is synced exactly once; a permanent failure fixed in the config is replayed and synced once.
 * Every world scans what the worker logged for the personal data it was sent when it stops.
 */
import { describe, expect, it } from "vitest";
import { replayDeadLetters } from "../../lib/dlq/replay.ts";
import { OrderLedger } from "../../lib/ledger/ledger.ts";
import { startLocalSession } from "../../local/session.ts";
import { type BadOrderBody, badOrderBodies, buildOrderEvent } from "../support/order-factory.ts";
import { drainQueue } from "../support/queues.ts";
import { effectCounts } from "../support/snapshot.ts";
import { startWorld } from "../support/world.ts";

describe("a batch mixing valid orders with 1,000 malformed ones", () => {
  it("syncs every valid order and dead-letters every bad one with its reason; no batch crashes", async () => {
    // Prepare: the generated bad bodies, cycled to 1,000, with 10 valid orders spread among them.
    const catalogue = [...badOrderBodies()];
    const bad: BadOrderBody[] = Array.from({ length: 1000 }, (_, i) => catalogue[i % catalogue.length] as BadOrderBody);
    const valid = Array.from({ length: 10 }, (_, i) =>
      buildOrderEvent({
        customer: {
          firstName: "Vera",
          lastName: `Validorder${i}`,
          email: `vera.validorder${i}@example.com`,
          phone: `(555) 010-01${String(10 + i)}`,
        },
        billingAddress: { street: `${i + 20} Mixed Batch Road`, city: "Springfield", state: "IL", zip: "62704" },
      }),
    );
    const bodies: string[] = [];
    const expected: ({ kind: "valid" } | { kind: "bad"; bad: BadOrderBody })[] = [];
    for (const [i, item] of bad.entries()) {
      bodies.push(item.body);
      expected.push({ kind: "bad", bad: item });
      if (i % 100 === 0) {
        bodies.push(JSON.stringify(valid[i / 100]));
        expected.push({ kind: "valid" });
      }
    }
    const world = await startWorld({ session: { recordConcurrency: 10 } });
    try {
      // Act
      const outcomes = await world.sync(bodies);

      // Assess
      for (const [i, outcome] of outcomes.entries()) {
        const want = expected[i];
        if (want?.kind === "valid") {
          expect(outcome.status).toBe("synced");
        } else if (want?.kind === "bad") {
          expect(outcome.status, want.bad.name).toBe("dead_lettered");
          expect(outcome.error?.reason, want.bad.name).toBe(want.bad.reason);
          expect(outcome.error?.kind).toBe("permanent");
        }
      }
      expect(world.lastRun?.handlerErrors).toBe(0);
      // The worker explained every failure in its logs (scanned for personal data when the world stops).
      const logged = world.logLines.map(
        (line) => JSON.parse(line) as { message?: string; error?: { reason?: string } },
      );
      expect(logged.filter((l) => l.error?.reason === "CONTRACT_VIOLATION").length).toBeGreaterThan(100);
      expect(logged.filter((l) => l.message === "Order synced")).toHaveLength(10);
      expect(world.sandbox.state.jobs.size).toBe(10);
      const dead = await drainQueue(world, world.session.aws.dlqUrl);
      expect(dead).toHaveLength(1000);
      const reasonsBySource = new Map(
        dead.map((m) => [m.MessageAttributes?.sourceMessageId?.StringValue, m.MessageAttributes?.reason?.StringValue]),
      );
      for (const [i, outcome] of outcomes.entries()) {
        const want = expected[i];
        if (want?.kind === "bad") expect(reasonsBySource.get(outcome.messageId)).toBe(want.bad.reason);
      }
      const bodiesInDlq = new Set(dead.map((m) => m.Body));
      expect(bad.every((b) => bodiesInDlq.has(b.body))).toBe(true);
      // Field paths, never values: the DLQ attributes of contract violations name the failing fields.
      const missingStreet = bad.find((b) => b.path === "billingAddress.street" && b.reason === "CONTRACT_VIOLATION");
      const inDlq = dead.find((m) => m.Body === missingStreet?.body);
      expect(inDlq?.MessageAttributes?.fieldPaths?.StringValue).toContain("billingAddress.street");
    } finally {
      await world.stop();
      world.sandbox.assertContract();
    }
  }, 180_000);
});

describe("with 20% of ServiceTitan calls failing", () => {
  it("ends with every order synced, none lost, none duplicated", async () => {
    // Prepare: 5xx, 429 bursts, timeouts and replies lost after commit, each on ~5% of calls.
    const world = await startWorld({
      sandbox: { randomSeed: 20261123 },
      session: { maxReceiveCount: 100, serviceTitanTimeoutMs: 800, recordConcurrency: 5, runnerConcurrency: 2 },
    });
    try {
      const everything = /./;
      world.sandbox.faults.add({
        path: everything,
        times: Number.POSITIVE_INFINITY,
        probability: 0.05,
        action: { type: "status", status: 500 },
      });
      world.sandbox.faults.add({
        path: everything,
        times: Number.POSITIVE_INFINITY,
        probability: 0.05,
        action: { type: "status", status: 429, retryAfterSeconds: 1 },
      });
      world.sandbox.faults.add({
        path: everything,
        times: Number.POSITIVE_INFINITY,
        probability: 0.05,
        action: { type: "delay", ms: 1200 },
      });
      world.sandbox.faults.add({
        path: everything,
        times: Number.POSITIVE_INFINITY,
        probability: 0.05,
        action: { type: "commit-then-fail" },
      });
      const orders = Array.from({ length: 20 }, (_, i) =>
        buildOrderEvent({
          customer: {
            firstName: "Flo",
            lastName: `Flaky${i}`,
            email: `flo.flaky${i}@example.com`,
            phone: `(555) 010-01${String(30 + i)}`,
          },
          billingAddress: { street: `${i + 1} Flaky Street`, city: "Springfield", state: "IL", zip: "62704" },
          lines: [
            { sku: `FLAKY-SKU-${i % 4}`, name: "Flaky item", quantity: 1, unitPrice: "3.00" },
            { sku: "FLT-16x25x1", name: "Filter", quantity: 2, unitPrice: "10.00" },
          ],
        }),
      );
      const before = effectCounts(world.sandbox.state);

      // Act
      const outcomes = await world.sync(orders);

      // Assess
      world.sandbox.faults.clear();
      const failedCalls = world.sandbox.log.filter((e) => e.status >= 429 || e.status === 0).length;
      expect(failedCalls).toBeGreaterThan(0);
      expect(outcomes.map((o) => o.status)).toEqual(Array(20).fill("synced"));
      const after = effectCounts(world.sandbox.state);
      expect(after.jobs - before.jobs).toBe(20);
      expect(after.customers - before.customers).toBe(20);
      expect(after.locations - before.locations).toBe(20);
      expect(after.skus - before.skus).toBe(4);
      expect(after.invoiceItems - before.invoiceItems).toBe(40);
      for (const outcome of outcomes) {
        const job = world.sandbox.state.jobs.get(outcome.progress?.jobId ?? -1);
        const items = world.sandbox.state.invoices.get(job?.invoiceId ?? -1)?.items ?? [];
        expect(items.map((i) => [i.quantity, i.unitPriceCents]).sort()).toEqual([
          [1, 300],
          [2, 1000],
        ]);
      }
      expect(await drainQueue(world, world.session.aws.dlqUrl)).toHaveLength(0);
    } finally {
      await world.stop();
      world.sandbox.assertContract();
    }
  }, 180_000);
});

describe("a permanent failure fixed in the config and replayed", () => {
  it("is synced exactly once", async () => {
    // Prepare: deployed with a campaign id the tenant doesn't have.
    const broken = structuredClone((await import("../support/world.ts")).exampleConfig());
    broken.service.campaignId = 424_242;
    const world = await startWorld({ config: broken });
    try {
      const order = buildOrderEvent({
        orderType: "service",
        customer: {
          firstName: "Reo",
          lastName: "Replayson",
          email: "reo.replayson@example.com",
          phone: "555-010-0199",
        },
        billingAddress: { street: "6 Replay Road", city: "Springfield", state: "IL", zip: "62704" },
      });
      const [failed] = await world.sync([order]);
      expect(failed?.status).toBe("dead_lettered");
      expect(failed?.error?.details).toMatchObject({ key: "service.campaignId" });
      const ledger = new OrderLedger({ dynamo: world.session.aws.dynamo, tableName: world.session.aws.tableName });
      const key = { store: order.store ?? "default", orderId: order.orderId };
      expect((await ledger.get(key))?.status).toBe("failed");

      // Act: redeploy with the corrected config (new containers), replay the DLQ, run again.
      const fixed = await startLocalSession({
        config: (await import("../support/world.ts")).exampleConfig(),
        serviceTitan: {
          apiUrl: world.sandbox.apiUrl,
          authUrl: world.sandbox.authUrl,
          tenantId: world.sandbox.tenantId,
          ...world.sandbox.credentials,
        },
        aws: world.session.aws,
        retryBackoff: { baseSeconds: 1, maxSeconds: 2 },
      });
      const replay = await replayDeadLetters({
        sqs: world.session.aws.sqs,
        dlqUrl: world.session.aws.dlqUrl,
        queueUrl: world.session.aws.queueUrl,
        filter: { reason: "CONFIG_ID_MISSING" },
      });
      await fixed.runUntilDrained({ deadlineMs: 60_000 });
      await fixed.stop();

      // Assess
      expect(replay.moved).toHaveLength(1);
      expect(replay.moved[0]?.replayCount).toBe(1);
      const outcomes = [...fixed.outcomes.values()];
      expect(outcomes.map((o) => o.status)).toEqual(["synced"]);
      const jobs = [...world.sandbox.state.jobs.values()].filter((j) =>
        j.externalData.some((e) => e.key === "orderKey" && e.value === `${key.store}:${key.orderId}`),
      );
      expect(jobs).toHaveLength(1);
      expect(jobs[0]?.campaignId).toBe(701);
      expect((await ledger.get(key))?.status).toBe("completed");
      expect(await drainQueue(world, world.session.aws.dlqUrl)).toHaveLength(0);
    } finally {
      await world.stop();
      world.sandbox.assertContract();
    }
  }, 120_000);
});

describe("a transient failure that outlasts its retries", () => {
  it("is dead-lettered with its reason on the last receive, then replayed by reason and synced once", async () => {
    // Prepare: ServiceTitan refuses every job create with 503.
    const world = await startWorld({ session: { maxReceiveCount: 2 } });
    try {
      world.sandbox.faults.add({
        operationId: "Jobs_Create",
        times: Number.POSITIVE_INFINITY,
        action: { type: "status", status: 503 },
      });
      const order = buildOrderEvent({
        customer: { firstName: "Tom", lastName: "Timedout", email: "tom.timedout@example.com", phone: "555-010-0198" },
        billingAddress: { street: "4 Outage Lane", city: "Springfield", state: "IL", zip: "62704" },
      });
      const key = { store: order.store ?? "default", orderId: order.orderId };
      const ledger = new OrderLedger({ dynamo: world.session.aws.dynamo, tableName: world.session.aws.tableName });

      // Act 1
      const [failed] = await world.sync([order]);

      // Assess 1
      expect(failed?.status).toBe("dead_lettered");
      expect(failed?.error).toMatchObject({ kind: "transient", reason: "ST_UNAVAILABLE" });
      expect(world.sandbox.log.filter((e) => e.operationId === "Jobs_Create")).toHaveLength(2);
      expect(await ledger.get(key)).toMatchObject({ status: "failed", lastError: { reason: "ST_UNAVAILABLE" } });

      // Act 2: ServiceTitan is back; replay what failed for that reason.
      world.sandbox.faults.clear();
      const replay = await replayDeadLetters({
        sqs: world.session.aws.sqs,
        dlqUrl: world.session.aws.dlqUrl,
        queueUrl: world.session.aws.queueUrl,
        filter: { reason: "ST_UNAVAILABLE" },
      });
      await world.session.runUntilDrained({ deadlineMs: 60_000 });

      // Assess 2
      expect(replay.moved).toHaveLength(1);
      expect(await ledger.get(key)).toMatchObject({ status: "completed" });
      const all = [...world.sandbox.state.jobs.values()].filter((j) =>
        j.externalData.some((e) => e.value === `${key.store}:${key.orderId}`),
      );
      expect(all).toHaveLength(1);
      expect(await drainQueue(world, world.session.aws.dlqUrl)).toHaveLength(0);
    } finally {
      await world.stop();
      world.sandbox.assertContract();
    }
  }, 60_000);
});
