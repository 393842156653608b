/**
 * `npm run bench`: every figure the issues ask for, one table at the end, and the same numbers as
 * JSON in `.bench/results.json`.
 *
 *   npm run bench -- [--quick] [--latency <ms>] [--only 1,3,5,6]
 *
 * 1–2 ServiceTitan calls and DynamoDB requests per order by scenario (exact counts)
 * 3–4 throughput against the 60 calls/s limit, worker CPU per order (1,000 orders, ~2.5 min)
 * 5   10,000-order backlog: none lost, worker memory (~3 min, rate limit lifted)
 * 6   Lambda bundle size and init time
 * 7–9 customer index: calls per order with and without Contact Management, backfill of a large
 *     tenant (~10 min at 60 calls/s and dynalite's write speed), index lag
 *
 * Inputs are deterministic (same orders, same seed every run), so call counts repeat exactly;
 * timings vary a little from run to run.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { measureBacklog } from "./backlog.ts";
import { measureBundle } from "./bundle.ts";
import { exampleConfig, measureCallsPerOrder, repoRoot } from "./calls-per-order.ts";
import { measureBackfill, measureIndexCallsPerOrder, measureIndexLag } from "./customer-index.ts";
import { type CustomerIndexFigures, renderCustomerIndexFigures } from "./customer-index-report.ts";
import { type BenchResults, renderOperationMix, renderSummary, summaryRows } from "./report.ts";
import { measureThroughput } from "./throughput.ts";

// The pinned AWS SDK warns on every client that its 2027 releases need Node 22 (stack.md); noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const usage = `Usage: npm run bench -- [--quick] [--latency <ms>] [--only <figures>]

  --quick           smoke run: 100 throughput orders, 1,000 backlog orders, 3 bundle timings
  --latency <ms>    sandbox latency per ServiceTitan call in the throughput run (default 100)
  --only <list>     comma-separated figure groups to run: 1 (calls + DynamoDB per order),
                    3 (throughput + CPU), 5 (backlog), 6 (bundle), 7 (customer index); default all
`;

const sizes = {
  full: {
    throughputOrders: 1_000,
    backlogOrders: 10_000,
    bundleRuns: 9,
    population: { customers: 100_000, customerContacts: 150_000, locations: 110_000 },
  },
  quick: {
    throughputOrders: 100,
    backlogOrders: 1_000,
    bundleRuns: 3,
    population: { customers: 5_000, customerContacts: 7_500, locations: 5_500 },
  },
} as const;

function progress(label: string) {
  let lastTenth = -1;
  return (done: number, total: number) => {
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${label}: ${done}/${total} orders${done >= total ? "\n" : ""}`);
      return;
    }
    const tenth = Math.floor((done / total) * 10);
    if (tenth !== lastTenth) {
      lastTenth = tenth;
      process.stderr.write(`${label}: ${done}/${total} orders\n`);
    }
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      latency: { type: "string", default: "100" },
      only: { type: "string" },
      help: { type: "boolean", default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const latencyMs = Number(values.latency);
  if (!Number.isInteger(latencyMs) || latencyMs < 0) throw new Error("--latency must be a whole number of ms ≥ 0");
  const only = new Set((values.only ?? "1,3,5,6,7").split(",").map((s) => s.trim()));
  const size = values.quick ? sizes.quick : sizes.full;
  const config = exampleConfig();
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const results: BenchResults = {};
  const startedAt = new Date();

  if (only.has("1")) {
    say("1–2: ServiceTitan calls and DynamoDB requests per order…");
    results.callsPerOrder = await measureCallsPerOrder();
  }
  if (only.has("3")) {
    say(`3–4: throughput, ${size.throughputOrders} orders at 60 calls/s, latency ${latencyMs} ms…`);
    results.throughput = await measureThroughput({
      orders: size.throughputOrders,
      latencyMs,
      config,
      onProgress: progress("throughput"),
    });
  }
  if (only.has("5")) {
    say(`5: backlog of ${size.backlogOrders} orders (rate limit lifted, latency 0)…`);
    results.backlog = await measureBacklog({ orders: size.backlogOrders, config, onProgress: progress("backlog") });
  }
  if (only.has("6")) {
    say("6: Lambda bundle size and init time…");
    results.bundle = await measureBundle({ runs: size.bundleRuns });
  }

  const indexFigures: CustomerIndexFigures = {};
  if (only.has("7")) {
    say("7: customer index, calls per order without and with Contact Management…");
    indexFigures.callsWithoutContactManagement = await measureIndexCallsPerOrder(false);
    indexFigures.callsWithContactManagement = await measureIndexCallsPerOrder(true);
    say(`8: backfill of ${size.population.customers} customers at 1,000 rows a page…`);
    let lastTenThousand = -1;
    indexFigures.backfill = await measureBackfill({
      population: size.population,
      pageSize: 1_000,
      onProgress: (rows) => {
        if (Math.floor(rows / 10_000) === lastTenThousand) return;
        lastTenThousand = Math.floor(rows / 10_000);
        say(`backfill: ${rows} feed rows`);
      },
    });
    say("9: index lag…");
    indexFigures.lag = await measureIndexLag();
  }

  const rows = summaryRows(results);
  const color = process.stdout.isTTY === true;
  if (results.callsPerOrder) {
    process.stdout.write(
      `\nServiceTitan calls per order, by operation\n${renderOperationMix(results.callsPerOrder, color)}\n`,
    );
  }
  process.stdout.write(`\n${renderSummary(rows, color)}\n`);
  if (only.has("7")) process.stdout.write(`\nCustomer index\n${renderCustomerIndexFigures(indexFigures)}`);
  if (values.quick) {
    process.stdout.write(
      "Quick run: throughput, CPU and memory are indicative only (start-up, JIT warm-up and the last batches weigh heavily on 100 orders).\n",
    );
  }

  const outDir = resolve(repoRoot, ".bench");
  mkdirSync(outDir, { recursive: true });
  const file = resolve(outDir, "results.json");
  const meta = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    mode: values.quick ? "quick" : "full",
    latencyMs,
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    totalMemoryMb: Math.round(totalmem() / 1024 / 1024),
  };
  writeFileSync(file, `${JSON.stringify({ meta, rows, results, customerIndex: indexFigures }, null, 2)}\n`);
  say(`Results written to ${file}`);
  const over = rows.filter((row) => row.verdict === "over").length;
  if (over > 0) say(`${over} figure(s) over target (see the table).`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
