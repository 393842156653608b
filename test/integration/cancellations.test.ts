/**
 * Issue 14, cancellations and refunds: what a cancelled order and a refund do to the order's job,
 * through the real handler, fauxqs, dynalite and the contract-checked sandbox. Final ServiceTitan
 * state is asserted: the job's status, its cancel log (reason and memo), tags and notes.
 */
import { DeleteItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SyncConfig } from "../../lib/config/schema.ts";
import { OrderLedger } from "../../lib/ledger/ledger.ts";
import { orderPartitionKey } from "../../lib/ledger/order-key.ts";
import { noteRefund } from "../../lib/pipeline/note-refund.ts";
import { createWorkerDependencies } from "../../lib/worker/dependencies.ts";
import { seedIds } from "../../sandbox/seed.ts";
import { buildOrderEvent, type OrderEventOverrides } from "../support/order-factory.ts";
import { exampleConfig, startWorld, type World, worldConfig } from "../support/world.ts";

const tags = seedIds.tagTypes;
const reasons = seedIds.jobCancelReasons;

let customerNumber = 0;
/** An order of a customer of its own (so no two tests share a customer). */
function order(overrides: OrderEventOverrides = {}) {
  customerNumber += 1;
  return buildOrderEvent({
    customer: {
      firstName: "Cass",
      lastName: `Canceller${customerNumber}`,
      email: `cass.canceller${customerNumber}@example.test`,
      phone: `555-010-03${String(customerNumber).padStart(2, "0")}`,
    },
    billingAddress: { street: `${customerNumber} Cancel Court`, city: "Springfield", state: "IL", zip: "62704" },
    ...overrides,
  });
}

const cancellation = (event: ReturnType<typeof order>) => ({ ...event, event: "order.cancelled" as const });

function jobOf(world: World, jobId: number | undefined) {
  const job = world.sandbox.state.jobs.get(jobId ?? -1);
  if (!job) throw new Error("the order has no job in the sandbox");
  return job;
}

const notesOf = (world: World, jobId: number) =>
  world.sandbox.state.jobNotes.filter((note) => note.jobId === jobId).map((note) => note.text);

describe("a cancelled order", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => {
    await world?.stop();
    world?.sandbox.assertContract();
  });

  it("cancels a job that is still Scheduled, with the configured reason and a memo naming the store order", async () => {
    // Prepare
    const placed = order();
    const [synced] = await world.sync([placed]);

    // Act
    const [cancelled] = await world.sync([cancellation(placed)]);

    // Assess
    const job = jobOf(world, synced?.progress?.jobId);
    expect(cancelled?.status).toBe("synced");
    expect(cancelled?.progress?.followUpOutcome).toBe("cancelled");
    expect(job.jobStatus).toBe("Canceled");
    expect(world.sandbox.state.jobCancelLogs.filter((log) => log.jobId === job.id)).toEqual([
      expect.objectContaining({
        reasonId: reasons.cancelledOnline,
        memo: `Cancelled in online store test-store, order ${placed.orderId}`,
      }),
    ]);
    expect(job.tagTypeIds).not.toContain(tags.cancelledCheck);
    expect(notesOf(world, job.id)).toEqual([]);
  });

  it("cancels once when the cancellation is delivered again", async () => {
    // Prepare
    const placed = order();
    const [synced] = await world.sync([placed]);
    await world.sync([cancellation(placed)]);
    const callsBefore = world.sandbox.log.length;

    // Act
    const [again] = await world.sync([cancellation(placed)]);

    // Assess
    const job = jobOf(world, synced?.progress?.jobId);
    expect(again?.status).toBe("duplicate");
    expect(world.sandbox.state.jobCancelLogs.filter((log) => log.jobId === job.id)).toHaveLength(1);
    expect(world.sandbox.log.slice(callsBefore).filter((e) => e.operationId === "Jobs_Cancel")).toEqual([]);
  });

  for (const status of ["Dispatched", "InProgress", "Completed"] as const) {
    it(`leaves a ${status} job alone, with the configured tag and a note saying why`, async () => {
      // Prepare
      const placed = order();
      const [synced] = await world.sync([placed]);
      const jobId = synced?.progress?.jobId as number;
      world.sandbox.office.setJobStatus(jobId, status);

      // Act
      const [cancelled] = await world.sync([cancellation(placed)]);

      // Assess
      const job = jobOf(world, jobId);
      expect(cancelled?.progress).toMatchObject({ followUpOutcome: "left_alone", followUpReason: status });
      expect(job.jobStatus).toBe(status);
      expect(world.sandbox.state.jobCancelLogs.filter((log) => log.jobId === jobId)).toEqual([]);
      expect(job.tagTypeIds).toContain(tags.cancelledCheck);
      expect(notesOf(world, jobId)).toEqual([
        `Online store test-store order ${placed.orderId} was cancelled in the store. The job was left alone because ` +
          `its status is ${status}. Decide whether to cancel it, and refund or credit what was paid.`,
      ]);
    });
  }

  it("waits for an order that arrives after its cancellation, then cancels its job", async () => {
    // Prepare: the cancellation is sent first, in the same batch.
    const placed = order();

    // Act
    const [cancelled, synced] = await world.sync([cancellation(placed), placed]);

    // Assess
    expect(synced?.status).toBe("synced");
    expect(cancelled?.progress?.followUpOutcome).toBe("cancelled");
    expect(jobOf(world, synced?.progress?.jobId).jobStatus).toBe("Canceled");
  });

  it("finds the job by its externalData stamp when the ledger lost the order", async () => {
    // Prepare
    const placed = order();
    const [synced] = await world.sync([placed]);
    const key = orderPartitionKey({ store: "test-store", orderId: placed.orderId });
    await world.session.aws.dynamo.send(
      new DeleteItemCommand({ TableName: world.session.aws.tableName, Key: { pk: { S: key } } }),
    );

    // Act
    const [cancelled] = await world.sync([cancellation(placed)]);

    // Assess
    expect(cancelled?.progress?.followUpOutcome).toBe("cancelled");
    expect(jobOf(world, synced?.progress?.jobId).jobStatus).toBe("Canceled");
  });

  it("dead-letters at once, as ORDER_FAILED, the cancellation of an order that failed before it had a job", async () => {
    // Prepare
    const placed = order({ currency: "CAD" });
    const [failed] = await world.sync([placed]);

    // Act
    const [cancelled] = await world.sync([cancellation(placed)]);

    // Assess
    expect(failed?.error?.reason).toBe("CURRENCY_MISMATCH");
    expect(cancelled?.status).toBe("dead_lettered");
    expect(cancelled?.error?.reason).toBe("ORDER_FAILED");
  });
});

describe("a cancellation whose order never arrives", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ session: { maxReceiveCount: 2 } });
  });
  afterAll(async () => {
    await world?.stop();
    world?.sandbox.assertContract();
  });

  it("is retried, then dead-lettered with ORDER_NOT_SYNCED", async () => {
    // Prepare
    const placed = order();

    // Act
    const [cancelled] = await world.sync([cancellation(placed)]);

    // Assess
    expect(cancelled?.status).toBe("dead_lettered");
    expect(cancelled?.error?.reason).toBe("ORDER_NOT_SYNCED");
    const { dynamo, tableName } = world.session.aws;
    const ledger = new OrderLedger({ dynamo, tableName });
    const record = await ledger.get({ store: "test-store", orderId: placed.orderId, followUp: "cancellation" });
    expect(record?.attempts).toBe(2);
    expect(record?.lastError?.reason).toBe("ORDER_NOT_SYNCED");
    expect(world.sandbox.state.jobCancelLogs).toEqual([]);
  });
});

describe("cancellations configured otherwise", () => {
  it("without the cancellations key, notes the cancellation on the job and cancels nothing", async () => {
    // Prepare
    const { cancellations: _cancellations, ...rest } = worldConfig();
    const world = await startWorld({ config: { ...rest, cancellations: {} } satisfies SyncConfig });
    try {
      const placed = order();
      const [synced] = await world.sync([placed]);

      // Act
      const [cancelled] = await world.sync([cancellation(placed)]);

      // Assess
      const job = jobOf(world, synced?.progress?.jobId);
      expect(cancelled?.progress).toMatchObject({ followUpOutcome: "left_alone", followUpReason: "not_configured" });
      expect(job.jobStatus).toBe("Scheduled");
      expect(job.tagTypeIds).not.toContain(tags.cancelledCheck);
      expect(notesOf(world, job.id)).toEqual([
        expect.stringContaining("cancelling jobs automatically is not configured (cancellations.reasonId)"),
      ]);
      world.sandbox.assertContract();
    } finally {
      await world.stop();
    }
  });

  it("leaves a Scheduled job with a payment alone (ServiceTitan can't cancel it)", async () => {
    // Prepare
    const config = exampleConfig();
    const world = await startWorld({
      config: { ...config, money: { ...config.money, payments: { record: seedIds.paymentTypes.onlineStore } } },
    });
    try {
      const placed = order({
        payment: { method: "card", reference: "ch_cxl_1", amount: "10.00", paidAt: "2026-11-20T15:04:05-06:00" },
        lines: [{ sku: "FLT-16x25x1", name: "Filter 16x25x1", quantity: 1, unitPrice: "10.00" }],
      });
      const [synced] = await world.sync([placed]);

      // Act
      const [cancelled] = await world.sync([cancellation(placed)]);

      // Assess
      const job = jobOf(world, synced?.progress?.jobId);
      expect(synced?.progress?.paymentId).toBeGreaterThan(0);
      expect(cancelled?.progress).toMatchObject({ followUpOutcome: "left_alone", followUpReason: "payment" });
      expect(job.jobStatus).toBe("Scheduled");
      expect(job.tagTypeIds).toContain(tags.cancelledCheck);
      expect(notesOf(world, job.id).filter((text) => text.includes("was cancelled in the store"))).toEqual([
        expect.stringContaining("a payment is applied to its invoice"),
      ]);
      world.sandbox.assertContract();
    } finally {
      await world.stop();
    }
  });
});

describe("a refund", () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => {
    await world?.stop();
    world?.sandbox.assertContract();
  });

  it("is noted on the job with the configured tag, once per refund id, never booked", async () => {
    // Prepare
    const placed = order();
    const [synced] = await world.sync([placed]);
    const jobId = synced?.progress?.jobId as number;
    const { aws } = world.session;
    const deps = createWorkerDependencies({ ...aws, config: world.config, serviceTitan: world.http });
    const refund = {
      kind: "refund" as const,
      source: "contract" as const,
      store: "test-store",
      orderId: placed.orderId,
      refundId: "7",
      amountCents: 1250,
      currency: "USD",
      refundedAt: "2026-11-21T10:00:00-06:00",
    };
    const lease = () => ({ ownerToken: crypto.randomUUID(), leaseMs: 60_000 });
    const paymentsBefore = world.sandbox.state.payments.size;

    // Act
    const first = await noteRefund(refund, deps, lease());
    const again = await noteRefund(refund, deps, lease());
    const second = await noteRefund({ ...refund, refundId: "71", amountCents: 500 }, deps, lease());

    // Assess
    expect([first.status, again.status, second.status]).toEqual(["synced", "duplicate", "synced"]);
    expect(notesOf(world, jobId)).toEqual([
      `Refunded $12.50 on 2026-11-21, test-store order ${placed.orderId}, refund 7.`,
      `Refunded $5.00 on 2026-11-21, test-store order ${placed.orderId}, refund 71.`,
    ]);
    expect(jobOf(world, jobId).tagTypeIds).toContain(tags.refunded);
    expect(world.sandbox.state.payments.size).toBe(paymentsBefore);
  });
});
