/**
 * Issue 12: `npm run status -- --local` and `npm run replay -- --local` work without AWS: they do
 * what `npm start` does with the same orders, then read that run's ledger or replay its DLQ.
 */
import { describe, expect, it } from "vitest";
import { runReplayCli } from "../../local/replay-cli.ts";
import { runStatusCli } from "../../local/status-cli.ts";

function streams() {
  const captured = { out: "", err: "" };
  return {
    captured,
    stdout: { write: (text: string) => (captured.out += text) },
    stderr: { write: (text: string) => (captured.err += text) },
  };
}

describe("--local", () => {
  it("status reads the ledger of a local run of the examples", async () => {
    // Prepare
    const io = streams();

    // Act
    const code = await runStatusCli(["--local", "EX-1002", "--store", "example-filters", "--json"], { ...io, env: {} });

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(io.captured.out)).toMatchObject({
      orderKey: "example-filters:EX-1002",
      status: "completed",
      matchedBy: "email",
      invoiceVerified: true,
    });
    expect(io.captured.err).toContain("Local run (as npm start): sending 7 orders");
  }, 120_000);

  it("status shows the customer index the local run built, after the order", async () => {
    // Prepare
    const io = streams();

    // Act
    const code = await runStatusCli(["--local", "EX-1002", "--store", "example-filters"], { ...io, env: {} });

    // Assess
    expect(code).toBe(0);
    expect(io.captured.out).toContain("example-filters:EX-1002");
    expect(io.captured.out).toContain("Customer index: backfill complete, matching uses it");
    expect(io.captured.out).toMatch(/Index lag: \d+ (s|min) \(caught up to /);
  }, 120_000);

  it("replay moves the local run's dead letters back and shows what the worker made of them", async () => {
    // Prepare
    const io = streams();

    // Act
    const code = await runReplayCli(["--local", "--reason", "CONTRACT_VIOLATION", "--json"], { ...io, env: {} });

    // Assess: the broken example is replayed, and dead-lettered again by the worker.
    expect(code).toBe(0);
    const result = JSON.parse(io.captured.out) as {
      moved: { orderKey: string; replayCount: number }[];
      afterReplay: { orderKey: string; status: string; reason: string }[];
    };
    expect(result.moved.map((m) => [m.orderKey, m.replayCount])).toEqual([["example-filters:EX-1006", 1]]);
    expect(result.afterReplay.map((r) => [r.orderKey, r.status, r.reason])).toEqual([
      ["example-filters:EX-1006", "dlq", "CONTRACT_VIOLATION"],
    ]);
  }, 120_000);

  it("--orders and --config only go with --local", async () => {
    // Prepare
    const io = streams();

    // Act + Assess
    expect(await runStatusCli(["--orders", "x.json", "--failed"], { ...io, env: {} })).toBe(2);
    expect(await runReplayCli(["--orders", "x.json"], { ...io, env: {} })).toBe(2);
    expect(io.captured.err).toContain("--orders and --config go with --local");
  });
});
