/**
 * Issue 7: `npm start` on this machine — the bundled examples end in their expected states, orders
 * written by someone else (JSON lines, with a broken line) work with `--orders … --json`,
 * `--dry-run` writes nothing to ServiceTitan, and a broken config names its bad key.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { countLine } from "../../local/start.ts";
import type { OrderSummary } from "../../local/summary.ts";
import { startTestSandbox } from "../support/sandbox.ts";
import { effectCounts } from "../support/snapshot.ts";
import { start, startProcess } from "../support/start-cli.ts";
import { repoRoot } from "../support/world.ts";

/** The `npm start` sample output in README's "Get started": its "Sending" line, table rows and total line. */
function readmeSampleOutput() {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const getStarted = readme.slice(readme.indexOf("## Get started"), readme.indexOf("## `npm start` options"));
  const block = /```text\n([\s\S]*?)```/.exec(getStarted)?.[1] ?? "";
  const lines = block.split("\n").filter(Boolean);
  const cells = (line: string) =>
    line
      .split("│")
      .slice(1, -1)
      .map((cell) => cell.trim());
  const rows = lines
    .filter((line) => /^│ \d+ /.test(line))
    .map(cells)
    .map((c) => [c[1], c[2], c[7], (c[8] ?? "").replace(/ \(.*$/, "")]);
  return {
    sending: lines.find((line) => line.startsWith("Sending")),
    rows,
    total: lines.at(-1),
  };
}

interface SummaryRow {
  index: number;
  orderKey: string | null;
  status: string;
  matchedBy: string | null;
  jobId: number | null;
  lines: number | null;
  reason: string | null;
  detail: string | null;
}

describe("npm start", () => {
  it("runs the bundled examples to their expected states (as a real process, with its own sandbox)", async () => {
    // Act
    const { code, out: stdout } = await startProcess(["--json"]);

    // Assess: EX-1006 is broken on purpose: its dead letter is the expected outcome, so the run exits 0.
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as { orders: SummaryRow[]; drained: boolean; serviceTitanCalls: number };
    expect(summary.drained).toBe(true);
    expect(summary.orders.map((o) => [o.orderKey, o.status, o.matchedBy ?? o.reason])).toEqual([
      ["example-filters:EX-1001", "synced", "created"],
      ["example-filters:EX-1002", "synced", "email"],
      ["example-services:EX-1003", "synced", "phone"],
      ["example-services:EX-1004", "synced", "created"],
      ["example-filters:EX-1005", "synced", "name_address"],
      ["example-filters:EX-1006", "dlq", "CONTRACT_VIOLATION"],
      ["example-filters:EX-1001", "duplicate", "created"],
    ]);
    expect(summary.orders.every((o) => o.status === "dlq" || (o.jobId !== null && o.lines !== null))).toBe(true);

    // The README's sample output is this run: same rows, same totals, same number of ServiceTitan calls.
    const sample = readmeSampleOutput();
    expect(sample.sending).toBe(`Sending ${summary.orders.length} orders to the local orders queue…`);
    expect(sample.rows).toEqual(
      summary.orders.map((o) => [
        o.orderKey,
        o.matchedBy ?? "",
        String(o.lines ?? ""),
        o.status === "dlq" ? `DLQ: ${o.reason}` : o.status,
      ]),
    );
    const [readmeCounts, readmeCalls] = (sample.total ?? "").split("; ");
    expect(readmeCounts).toBe(countLine(summary.orders as OrderSummary[]));
    // The calls are the README's, plus 4 (one read of each export feed) for every batch that missed the
    // customer index more than `catchUpIntervalSeconds` (5 s) after the last refresh: on a quiet machine
    // the run takes less than that, on a loaded one some batches catch up.
    const extraCalls = summary.serviceTitanCalls - Number(/^(\d+) ServiceTitan calls$/.exec(readmeCalls ?? "")?.[1]);
    expect(extraCalls).toBeGreaterThanOrEqual(0);
    expect(extraCalls % 4).toBe(0);
    expect(extraCalls).toBeLessThanOrEqual(4 * summary.orders.length);
  }, 150_000);

  it("syncs orders written by someone else as JSON lines, a broken line included", async () => {
    // Prepare
    // Contact Management on: e-mail matching still goes through contact-methods; the customer-index work switches this.
    const sandbox = await startTestSandbox({ contactManagement: true });
    const dir = mkdtempSync(join(tmpdir(), "orders-"));
    const file = join(dir, "orders.jsonl");
    const order = (id: string, email: string) =>
      JSON.stringify({
        schemaVersion: 1,
        orderId: id,
        orderType: "product",
        purchaseType: "one_time",
        placedAt: "2026-11-22T10:00:00Z",
        currency: "usd",
        customer: { firstName: "Jo", lastName: "Otherwriter", email },
        billingAddress: { street: "9 Foreign Format Ave.", city: "Springfield", state: "il", zip: "627041234" },
        lines: [{ sku: "OTHER-1", name: "Something", quantity: 1.5, unitPrice: 7 }],
      });
    writeFileSync(
      file,
      [order("A-1", "jo.otherwriter@example.com"), "{not json", order("A-2", "jo.otherwriter@example.com"), ""].join(
        "\n",
      ),
    );
    try {
      // Act
      const { code, out } = await start(["--orders", file, "--json"], sandbox);

      // Assess: the broken line is dead-lettered (exit 3), the others are synced.
      expect(code).toBe(3);
      const rows = (JSON.parse(out) as { orders: SummaryRow[] }).orders;
      expect(rows.map((r) => [r.orderKey, r.status, r.matchedBy ?? r.reason])).toEqual([
        ["default:A-1", "synced", "created"],
        [null, "dlq", "INVALID_JSON"],
        ["default:A-2", "synced", "email"],
      ]);
      const invoice = sandbox.state.invoices.get(sandbox.state.jobs.get(rows[0]?.jobId ?? -1)?.invoiceId ?? -1);
      expect(invoice?.items.map((i) => [i.quantity, i.unitPriceCents])).toEqual([[1.5, 700]]);
    } finally {
      await sandbox.stop();
      sandbox.assertContract();
    }
  }, 60_000);

  it("cancels the job of an order whose order.cancelled event follows it in the file", async () => {
    // Prepare
    const sandbox = await startTestSandbox();
    const dir = mkdtempSync(join(tmpdir(), "orders-"));
    const file = join(dir, "orders.json");
    const placed = {
      schemaVersion: 1,
      orderId: "CXL-1",
      orderType: "product",
      purchaseType: "one_time",
      placedAt: "2026-11-22T10:00:00Z",
      currency: "USD",
      customer: { firstName: "Cy", lastName: "Cancelfile", email: "cy.cancelfile@example.com" },
      billingAddress: { street: "4 Second Thoughts Road", city: "Springfield", state: "IL", zip: "62704" },
      lines: [{ sku: "FLT-16x25x1", name: "Filter", quantity: 1, unitPrice: "9.00" }],
    };
    writeFileSync(file, JSON.stringify([placed, { ...placed, event: "order.cancelled" }]));
    try {
      // Act
      const { code, out } = await start(["--orders", file, "--json"], sandbox);

      // Assess
      expect(code).toBe(0);
      const rows = (JSON.parse(out) as { orders: SummaryRow[] }).orders;
      expect(rows.map((r) => [r.orderKey, r.status, r.detail])).toEqual([
        ["default:CXL-1", "synced", null],
        ["default:CXL-1", "synced", "job cancelled"],
      ]);
      const job = sandbox.state.jobs.get(rows[0]?.jobId ?? -1);
      expect(job?.jobStatus).toBe("Canceled");
      expect(sandbox.state.jobCancelLogs.map((log) => log.memo)).toEqual([
        "Cancelled in online store default, order CXL-1",
      ]);
    } finally {
      await sandbox.stop();
      sandbox.assertContract();
    }
  }, 120_000);

  it("--dry-run plans every order without writing to ServiceTitan", async () => {
    // Prepare
    // A dry run searches live only (it builds no index): e-mail is found on a Contact Management tenant.
    const sandbox = await startTestSandbox({ contactManagement: true });
    const dir = mkdtempSync(join(tmpdir(), "config-"));
    const configFile = join(dir, "config.json");
    const example = JSON.parse(readFileSync(join(repoRoot, "local/examples/config.json"), "utf8"));
    writeFileSync(configFile, JSON.stringify({ ...example, customerIndex: { contactManagement: true } }));
    const before = effectCounts(sandbox.state);
    try {
      // Act
      const { code, out } = await start(["--dry-run", "--json", "--config", configFile], sandbox);

      // Assess: EX-1006 would be dead-lettered, as in a real run, which is what the bundled examples expect.
      expect(code).toBe(0);
      const plans = JSON.parse(out) as {
        orders: { plan?: { customer: { action: string; matchedBy?: string } }; error?: { reason: string } }[];
      };
      expect(plans.orders.map((o) => o.plan?.customer.matchedBy ?? o.plan?.customer.action ?? o.error?.reason)).toEqual(
        ["create", "email", "phone", "create", "name_address", "CONTRACT_VIOLATION", "create"],
      );
      expect(effectCounts(sandbox.state)).toEqual(before);
      expect(sandbox.log.filter((e) => e.method !== "GET" && !e.path.endsWith("/connect/token"))).toEqual([]);
    } finally {
      await sandbox.stop();
      sandbox.assertContract();
    }
  }, 60_000);

  it("fails with the bad key's name when the config is broken", async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), "config-"));
    const file = join(dir, "config.json");
    writeFileSync(file, JSON.stringify({ tenantTimeZone: "Mars/Olympus", externalDataApplicationGuid: "nope" }));

    // Act + Assess
    await expect(start(["--config", file])).rejects.toThrow(/tenantTimeZone/);
  });
});
