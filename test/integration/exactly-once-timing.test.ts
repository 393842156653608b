/**
 * Issue 11 (and one case of issue 12): exactly-once when timing goes wrong — a corrected order
 * after a failure, a ServiceTitan write that lands after the attempt gave up, a redelivered failed
 * order, an invocation that runs out of time, and duplicate deliveries on their last receive.
 * Each test asserts final ServiceTitan state (or the dead letters), never durations.
 */
import { describe, expect, it } from "vitest";
import { replayDeadLetters } from "../../lib/dlq/replay.ts";
import { OrderLedger } from "../../lib/ledger/ledger.ts";
import { verifyInvoice } from "../../lib/pipeline/invoice-lines.ts";
import { addInvoiceItem } from "../../lib/servicetitan/endpoints/accounting.ts";
import { buildOrderEvent } from "../support/order-factory.ts";
import { drainQueue, waitUntil } from "../support/queues.ts";
import { startWorld, type World } from "../support/world.ts";

async function withWorld(options: Parameters<typeof startWorld>[0], act: (world: World) => Promise<void>) {
  const world = await startWorld(options);
  try {
    await act(world);
  } finally {
    await world.stop();
    world.sandbox.assertContract();
  }
}

const customersNamed = (world: World, name: string) =>
  [...world.sandbox.state.customers.values()].filter((c) => c.name === name);
const jobsOfOrder = (world: World, orderKey: string) =>
  [...world.sandbox.state.jobs.values()].filter((j) => j.externalData.some((e) => e.value === orderKey));

describe("a corrected order (same orderId, new content) after a failure", () => {
  const first = buildOrderEvent({
    orderId: "fix-2001",
    customer: {
      firstName: "Alma",
      lastName: "Firstversion",
      email: "alma.firstversion@example.com",
      phone: "555-010-0161",
    },
    billingAddress: { street: "61 First Street", city: "Springfield", state: "IL", zip: "62704" },
  });
  const corrected = buildOrderEvent({
    orderId: "fix-2001",
    customer: {
      firstName: "Bruno",
      lastName: "Corrected",
      email: "bruno.corrected@example.com",
      phone: "555-010-0162",
    },
    billingAddress: { street: "62 Second Street", city: "Springfield", state: "IL", zip: "62704" },
  });

  it("is a conflict once the first version created its customer, and nothing lands on that customer", async () => {
    await withWorld({}, async (world) => {
      // Prepare: the first version creates its customer, then ServiceTitan rejects its job.
      world.sandbox.faults.add({ operationId: "Jobs_Create", times: 1, action: { type: "status", status: 400 } });
      const [failed] = await world.sync([first]);

      // Act
      const [second] = await world.sync([corrected]);

      // Assess
      expect(failed?.error?.reason).toBe("ST_REJECTED");
      expect(second?.status).toBe("dead_lettered");
      expect(second?.error?.reason).toBe("ORDER_CONFLICT");
      const [alma] = customersNamed(world, "Alma Firstversion");
      expect([...world.sandbox.state.jobs.values()].filter((j) => j.customerId === alma?.id)).toHaveLength(0);
      expect(jobsOfOrder(world, "test-store:fix-2001")).toHaveLength(0);
      expect(customersNamed(world, "Bruno Corrected")).toHaveLength(0);
    });
  });

  it("never reuses a customer the first version created without the ledger knowing", async () => {
    await withWorld({}, async (world) => {
      // Prepare: the customer is created but ServiceTitan answers 400, so the attempt records nothing.
      world.sandbox.faults.add({
        operationId: "Customers_Create",
        times: 1,
        action: { type: "commit-then-fail", status: 400 },
      });
      const [failed] = await world.sync([first]);

      // Act
      const [second] = await world.sync([corrected]);

      // Assess
      expect(failed?.status).toBe("dead_lettered");
      expect(second?.status).toBe("synced");
      const [alma] = customersNamed(world, "Alma Firstversion");
      const [bruno] = customersNamed(world, "Bruno Corrected");
      expect(alma).toBeDefined();
      expect(bruno).toBeDefined();
      const jobs = jobsOfOrder(world, "test-store:fix-2001");
      expect(jobs.map((j) => j.customerId)).toEqual([bruno?.id]);
    });
  });
});

describe("an invoice line written after its attempt gave up", () => {
  it("is not added twice when ServiceTitan applies it late and SQS redelivers the order", async () => {
    await withWorld({ session: { maxReceiveCount: 10, timing: { lateWriteMarginMs: 6_000 } } }, async (world) => {
      // Prepare: the line's PATCH gets a 504 at once and is applied 3 s later.
      world.sandbox.faults.add({
        operationId: "Invoices_UpdateInvoiceItems",
        times: 1,
        action: { type: "late-commit", afterMs: 3_000 },
      });
      const order = buildOrderEvent({
        lines: [{ sku: "FLT-16x25x1", name: "Filter 16x25x1", quantity: 2, unitPrice: "10.00" }],
      });

      // Act
      const [outcome] = await world.sync([order]);
      await waitUntil(() => world.sandbox.lateCommits() === 1, "the late write to land");

      // Assess
      expect(outcome?.status).toBe("synced");
      const invoice = world.sandbox.state.invoices.get(outcome?.progress?.invoiceId ?? 0);
      expect(invoice?.items.map((i) => i.quantity)).toEqual([2]);
    });
  });

  it("verifying the invoice removes a second copy of our line and keeps the office's lines", async () => {
    await withWorld({}, async (world) => {
      // Prepare: a synced order whose line then appears twice, beside a line the office added.
      const order = buildOrderEvent({
        lines: [{ sku: "FLT-16x25x1", name: "Filter 16x25x1", quantity: 2, unitPrice: "10.00" }],
      });
      const [outcome] = await world.sync([order]);
      const invoiceId = outcome?.progress?.invoiceId ?? 0;
      const skuId = world.sandbox.state.invoices.get(invoiceId)?.items[0]?.skuId ?? 0;
      const office = [...world.sandbox.state.materials.values()].find((sku) => sku.id !== skuId && sku.active);
      await addInvoiceItem(world.http, invoiceId, { skuId, description: "again", quantity: 2, unitPrice: 10 });
      await addInvoiceItem(world.http, invoiceId, {
        skuId: office?.id ?? 0,
        description: "office",
        quantity: 1,
        unitPrice: 3,
      });

      // Act
      const result = await verifyInvoice(world.http, invoiceId, [
        { index: 0, skuId, description: "Filter 16x25x1", quantity: 2, unitPriceCents: 1000 },
      ]);

      // Assess
      expect(result.removed).toBe(1);
      const items = world.sandbox.state.invoices.get(invoiceId)?.items ?? [];
      expect(items.map((i) => [i.skuId, i.quantity])).toEqual([
        [skuId, 2],
        [office?.id, 1],
      ]);
    });
  });
});

describe("a permanently failed order", () => {
  it("is not run again when the same content is delivered again; a replay runs it once", async () => {
    await withWorld({}, async (world) => {
      // Prepare
      world.sandbox.faults.add({ operationId: "Jobs_Create", times: 1, action: { type: "status", status: 400 } });
      const order = buildOrderEvent({ orderId: "fail-3001" });
      const [failed] = await world.sync([order]);
      const jobCreatesAfterFailure = world.sandbox.log.filter((e) => e.operationId === "Jobs_Create").length;

      // Act 1: the same content arrives again (a redelivery or a re-publish)
      const [again] = await world.sync([order]);

      // Assess 1
      expect(failed?.error?.reason).toBe("ST_REJECTED");
      expect(again?.status).toBe("dead_lettered");
      expect(again?.error?.reason).toBe("ST_REJECTED");
      expect(world.sandbox.log.filter((e) => e.operationId === "Jobs_Create")).toHaveLength(jobCreatesAfterFailure);

      // Act 2: a deliberate replay
      await replayDeadLetters({
        sqs: world.session.aws.sqs,
        dlqUrl: world.session.aws.dlqUrl,
        queueUrl: world.session.aws.queueUrl,
        filter: { orderId: "fail-3001" },
      });
      await world.session.runUntilDrained({ deadlineMs: 120_000 });

      // Assess 2
      const ledger = new OrderLedger({ dynamo: world.session.aws.dynamo, tableName: world.session.aws.tableName });
      expect(await ledger.get({ store: "test-store", orderId: "fail-3001" })).toMatchObject({
        status: "completed",
        replayCount: 1,
      });
      expect(jobsOfOrder(world, "test-store:fail-3001")).toHaveLength(1);
    });
  });
});

describe("an invocation that runs out of time", () => {
  it("dead-letters an invalid body once and finishes the slow order on the next delivery", async () => {
    await withWorld({ session: { batchSize: 2, functionTimeoutMs: 4_000 } }, async (world) => {
      // Prepare: the invoice read-back hangs far past the function's timeout, once.
      world.sandbox.faults.add({ operationId: "Invoices_GetList", times: 1, action: { type: "delay", ms: 15_000 } });
      const order = buildOrderEvent({ orderId: "slow-4001" });

      // Act
      const outcomes = await world.sync(["{not json", JSON.stringify(order)]);

      // Assess
      expect(outcomes.map((o) => o.status)).toEqual(["dead_lettered", "synced"]);
      const dlq = await drainQueue(world, world.session.aws.dlqUrl);
      expect(dlq.map((m) => m.MessageAttributes?.reason?.StringValue)).toEqual(["INVALID_JSON"]);
      expect(jobsOfOrder(world, "test-store:slow-4001")).toHaveLength(1);
    });
  });
});

describe("duplicate deliveries of an order on their last receive (issue 12)", () => {
  it("dead-letters with the real cause, not LEASE_HELD", async () => {
    await withWorld(
      {
        session: {
          maxReceiveCount: 2,
          runnerConcurrency: 2,
          batchSize: 1,
          // Time enough for the last receive to wait out the other container's attempt.
          visibilityTimeoutSeconds: 30,
          retryBackoff: { baseSeconds: 1, maxSeconds: 1 },
        },
      },
      async (world) => {
        // Prepare: every ServiceTitan read answers 503 after 1.5 s: while one container retries the
        // order, the other receives the duplicate, twice.
        world.sandbox.faults.add({
          method: "GET",
          times: Number.POSITIVE_INFINITY,
          action: { type: "delay", ms: 1_500 },
        });
        world.sandbox.faults.add({
          method: "GET",
          times: Number.POSITIVE_INFINITY,
          action: { type: "status", status: 503 },
        });
        const order = JSON.stringify(buildOrderEvent({ orderId: "dup-5001" }));

        // Act
        const outcomes = await world.sync([order, order]);

        // Assess
        expect(outcomes.map((o) => o.status)).toEqual(["dead_lettered", "dead_lettered"]);
        expect(outcomes.map((o) => o.error?.reason)).toEqual(["ST_UNAVAILABLE", "ST_UNAVAILABLE"]);
      },
    );
  });
});
