/**
 * Issue 12: one bad order never stops `npm start`, and every order gets a row that says what happened.
 * Hostile inputs go through `npm start` end to end (runStart against a contract-checked sandbox, or
 * the CLI as a child process), and the final ServiceTitan state is asserted.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildOrderEvent, type OrderEventOverrides } from "../support/order-factory.ts";
import { startTestSandbox, type TestSandbox } from "../support/sandbox.ts";
import { start, startProcess } from "../support/start-cli.ts";

interface Row {
  orderKey: string | null;
  status: string;
  reason: string | null;
  detail: string | null;
  customerId: number | null;
  jobId: number | null;
}

function ordersFile(name: string, content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "hostile-")), name);
  writeFileSync(file, content);
  return file;
}

/** Each order its own person, so each creates its own customer and the sandbox shows what arrived. */
function person(n: number, overrides: OrderEventOverrides = {}): OrderEventOverrides {
  return {
    orderId: `HOSTILE-${n}`,
    ...overrides,
    customer: {
      firstName: "Robin",
      lastName: `Sample${n}`,
      email: `robin.sample${n}@example.com`,
      phone: `(555) 010-01${10 + n}`,
      ...overrides.customer,
    },
  };
}

async function withSandbox<T>(run: (sandbox: TestSandbox) => Promise<T>): Promise<T> {
  const sandbox = await startTestSandbox();
  try {
    return await run(sandbox);
  } finally {
    await sandbox.stop();
    sandbox.assertContract();
  }
}

describe("npm start with hostile orders", () => {
  it("carries an emoji name, gives a 1 MiB field and a 300 KB notes field their own rows, and syncs the rest", async () => {
    // Prepare
    const emoji = "Zoë 😀🔧";
    const orders = [
      buildOrderEvent(person(1)),
      buildOrderEvent(person(2, { customer: { firstName: emoji } })),
      buildOrderEvent(person(3, { customer: { lastName: "x".repeat(1024 * 1024) } })),
      buildOrderEvent(person(4, { notes: "n".repeat(300 * 1024) })),
      buildOrderEvent(person(5)),
    ];
    const file = ordersFile("orders.json", JSON.stringify(orders));

    await withSandbox(async (sandbox) => {
      // Act
      const run = await start(["--orders", file, "--json"], sandbox);
      const plan = await start(["--orders", file, "--json", "--dry-run"], sandbox);

      // Assess: every order has a row; the worker never stopped.
      const rows = (JSON.parse(run.out) as { orders: Row[]; drained: boolean }).orders;
      expect(rows.map((r) => [r.orderKey, r.status, r.reason])).toEqual([
        ["test-store:HOSTILE-1", "synced", null],
        ["test-store:HOSTILE-2", "synced", null],
        ["test-store:HOSTILE-3", "refused", null],
        ["test-store:HOSTILE-4", "dlq", "CONTRACT_VIOLATION"],
        ["test-store:HOSTILE-5", "synced", null],
      ]);
      expect(rows[2]?.detail).toMatch(/over SQS's 1 MiB message limit \(1,048,576 bytes\)/);
      expect(rows[2]?.detail).toMatch(/^the body is 1\.00 MiB \([\d,]+ bytes\), [\d,]+ bytes over/);
      expect(rows[3]?.detail).toMatch(
        /too large: 300\.\d KiB \([\d,]+ bytes\), 44\.\d KiB \([\d,]+ bytes\) over the worker's 256 KiB limit/,
      );
      expect(run.code).toBe(3);
      // The emoji reached ServiceTitan intact; the refused order wrote nothing.
      const names = [...sandbox.state.customers.values()].map((c) => c.name);
      expect(names).toContain(`${emoji} Sample2`);
      expect(names.filter((name) => name.includes("Sample"))).toHaveLength(3);

      // The dry run agrees about every order.
      const plans = (
        JSON.parse(plan.out) as {
          orders: { orderKey: string; plan?: unknown; refused?: string; error?: { reason: string; message: string } }[];
        }
      ).orders;
      expect(plans.map((p) => [p.orderKey, p.plan ? "plan" : p.refused ? "refused" : p.error?.reason])).toEqual([
        ["test-store:HOSTILE-1", "plan"],
        ["test-store:HOSTILE-2", "plan"],
        ["test-store:HOSTILE-3", "refused"],
        ["test-store:HOSTILE-4", "CONTRACT_VIOLATION"],
        ["test-store:HOSTILE-5", "plan"],
      ]);
      expect(plans[2]?.refused).toBe(rows[2]?.detail);
      expect(plans[3]?.error?.message).toBe(rows[3]?.detail);
      expect(plan.code).toBe(3);
    });
  }, 120_000);

  it("reports a body with a character SQS refuses on its own row, in JSON lines", async () => {
    // Prepare: U+FFFE (valid JSON, but outside the characters SQS allows) (InvalidMessageContents).
    const file = ordersFile(
      "orders.jsonl",
      [
        JSON.stringify(buildOrderEvent(person(6))),
        JSON.stringify(buildOrderEvent(person(7))).replace("Robin", "Ro\uFFFEbin"),
      ].join("\n"),
    );

    await withSandbox(async (sandbox) => {
      // Act
      const { code, out } = await start(["--orders", file, "--json"], sandbox);

      // Assess
      const rows = (JSON.parse(out) as { orders: Row[] }).orders;
      expect(rows.map((r) => [r.orderKey, r.status])).toEqual([
        ["test-store:HOSTILE-6", "synced"],
        ["test-store:HOSTILE-7", "refused"],
      ]);
      expect(rows[1]?.detail).toMatch(/contains U\+FFFE at character \d+, a character SQS refuses/);
      expect(code).toBe(3);
    });
  }, 60_000);

  it("reads a file holding one pretty-printed JSON object as one order", async () => {
    // Prepare
    const file = ordersFile("order.json", JSON.stringify(buildOrderEvent(person(8)), null, 2));

    await withSandbox(async (sandbox) => {
      // Act
      const { code, out } = await start(["--orders", file, "--json"], sandbox);

      // Assess
      const rows = (JSON.parse(out) as { orders: Row[] }).orders;
      expect(rows.map((r) => [r.orderKey, r.status])).toEqual([["test-store:HOSTILE-8", "synced"]]);
      expect(sandbox.state.jobs.get(rows[0]?.jobId ?? -1)).toBeDefined();
      expect(code).toBe(0);
    });
  }, 60_000);

  it('says "no orders" and exits 2 for an empty file, and for []', async () => {
    // Prepare
    const empty = ordersFile("empty.json", "\n");
    const emptyArray = ordersFile("none.json", "[]\n");

    // Act
    const process = await startProcess(["--orders", empty]);
    const inProcess = start(["--orders", emptyArray]);

    // Assess
    expect(process.code).toBe(2);
    expect(process.err).toMatch(/^No orders: .*empty\.json holds no orders to send$/m);
    await expect(inProcess).rejects.toThrow(/^No orders: .*none\.json/);
  }, 150_000);

  it("shows whole details and the order key of a dead-lettered order in the table", async () => {
    // Prepare: a contract violation (with its key) and an order the worker reads as too large.
    const file = ordersFile(
      "orders.json",
      JSON.stringify([
        buildOrderEvent(person(9, { placedAt: "yesterday" })),
        buildOrderEvent(person(10, { notes: "n".repeat(260 * 1024) })),
      ]),
    );

    await withSandbox(async (sandbox) => {
      // Act
      const { code, out } = await start(["--orders", file], sandbox, { columns: 130 });

      // Assess: nothing is cut; the long detail wraps inside its column instead.
      const lines = out.split("\n");
      const text = lines
        .map((line) => line.replace(/[│┌┐└┘├┤┬┴┼─]/g, " ").trim())
        .join(" ")
        .replace(/\s+/g, " ");
      expect(text).toContain("test-store:HOSTILE-9");
      expect(text).toContain("DLQ: CONTRACT_VIOLATION (fields: placedAt)");
      expect(text).toContain("test-store:HOSTILE-10");
      expect(text).toMatch(
        /Message body is too large: 260\.\d KiB \([\d,]+ bytes\), 4\.\d KiB \([\d,]+ bytes\) over the worker's 256 KiB limit/,
      );
      expect(text).not.toContain("…");
      expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(130);
      expect(out).toMatch(/0 synced, 0 duplicate, 2 in the DLQ, 0 pending; \d+ ServiceTitan calls/);
      expect(code).toBe(3);
    });
  }, 60_000);
});
