/**
 * Issue 14 in the exactly-once harness: a cancellation cancels a Scheduled job once, and leaves a
 * Dispatched job alone with one tag and one note, whatever SQS and Lambda do — a process dying before
 * a ServiceTitan write, after it (the write committed, the reply lost), or after the ledger recorded
 * completion but before SQS deleted the message.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { seedIds } from "../../sandbox/seed.ts";
import type { FaultRule } from "../../sandbox/types.ts";
import { buildOrderEvent } from "../support/order-factory.ts";
import { snapshotState } from "../support/snapshot.ts";
import { startWorld } from "../support/world.ts";

const scheduled = buildOrderEvent({
  orderId: "eoc-2001",
  customer: { firstName: "Cato", lastName: "Scheduled", email: "cato.scheduled@example.com", phone: "555-010-0190" },
  billingAddress: { street: "1 Cancel Street", city: "Springfield", state: "IL", zip: "62704" },
});
const dispatched = buildOrderEvent({
  orderId: "eoc-2002",
  customer: { firstName: "Dora", lastName: "Dispatched", email: "dora.dispatched@example.com", phone: "555-010-0191" },
  billingAddress: { street: "2 Cancel Street", city: "Springfield", state: "IL", zip: "62704" },
});
const cancelled = (order: typeof scheduled) => ({ ...order, event: "order.cancelled" as const });

async function runScenario(faults: readonly FaultRule[], wrapFirstInvocation = false) {
  const world = await startWorld();
  try {
    const synced = await world.sync([scheduled, dispatched]);
    world.sandbox.office.setJobStatus(synced[1]?.progress?.jobId as number, "Dispatched");
    for (const rule of faults) world.sandbox.faults.add(rule);
    if (wrapFirstInvocation) world.session.crashAfterNextInvocation();
    const outcomes = await world.sync([cancelled(scheduled), cancelled(dispatched)]);
    world.sandbox.assertContract();
    return { snapshot: snapshotState(world.sandbox.state), outcomes, log: world.sandbox.log };
  } finally {
    await world.stop();
  }
}

describe("cancellations: crash at every write, then redelivery", () => {
  let clean: Awaited<ReturnType<typeof runScenario>>;
  beforeAll(async () => {
    clean = await runScenario([]);
  });

  it("the clean run cancelled the Scheduled job and left the Dispatched one alone, tagged and noted", () => {
    expect(clean.outcomes.map((o) => [o.status, o.progress?.followUpOutcome])).toEqual([
      ["synced", "cancelled"],
      ["synced", "left_alone"],
    ]);
    const [cato, dora] = ["Cato Scheduled", "Dora Dispatched"].map((name) =>
      clean.snapshot.jobs.find((job) => job.customer === name),
    );
    expect(cato?.status).toBe("Canceled");
    expect(cato?.cancelLogs).toEqual([
      [seedIds.jobCancelReasons.cancelledOnline, "Cancelled in online store test-store, order eoc-2001"],
    ]);
    expect(dora?.status).toBe("Dispatched");
    expect(dora?.tags).toContain(seedIds.tagTypes.cancelledCheck);
    expect(dora?.notes).toHaveLength(1);
  });

  for (const operationId of ["Jobs_Cancel", "Jobs_Update", "Jobs_CreateNote"] as const) {
    it(`dies before ${operationId} reaches ServiceTitan: same final state`, async () => {
      // Prepare + Act
      const faulted = await runScenario([{ operationId, times: 1, action: { type: "status", status: 503 } }]);

      // Assess
      expect(faulted.log.some((e) => e.operationId === operationId && e.status === 503)).toBe(true);
      expect(faulted.outcomes.map((o) => [o.status, o.progress?.followUpOutcome])).toEqual([
        ["synced", "cancelled"],
        ["synced", "left_alone"],
      ]);
      expect(faulted.snapshot).toEqual(clean.snapshot);
    });

    it(`${operationId} commits but the reply is lost: same final state`, async () => {
      // Prepare + Act
      const faulted = await runScenario([{ operationId, times: 1, action: { type: "commit-then-fail" } }]);

      // Assess
      expect(faulted.log.some((e) => e.operationId === operationId && e.status >= 500)).toBe(true);
      expect(faulted.outcomes.map((o) => [o.status, o.progress?.followUpOutcome])).toEqual([
        ["synced", "cancelled"],
        ["synced", "left_alone"],
      ]);
      expect(faulted.snapshot).toEqual(clean.snapshot);
    });
  }

  it("dies after the ledger recorded completion but before SQS deleted the messages: duplicates, same state", async () => {
    // Prepare + Act
    const faulted = await runScenario([], true);

    // Assess
    expect(faulted.outcomes.map((o) => o.status)).toEqual(["duplicate", "duplicate"]);
    expect(faulted.snapshot).toEqual(clean.snapshot);
  });
});
