/**
 * `npm start`: the whole pipeline on this machine. Starts SQS (fauxqs), DynamoDB (dynalite) and —
 * unless ServiceTitan credentials are set — the ServiceTitan sandbox; sends the orders; runs the real
 * handler through the local event-source runner until the queue is drained; prints a summary.
 *
 *   npm start -- [--orders <file>] [--config <file>] [--json] [--dry-run] [--verbose] [--state <dir>]
 *                  [--fresh-state] [--contact-management <on|off>]
 *
 * Against a real tenant the DynamoDB tables persist in a state folder per ServiceTitan host and tenant
 * (`local/state-folder.ts`), so the ledger remembers what a previous run synced.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { SyncConfig } from "../lib/config/schema.ts";
import { ReferenceCheck } from "../lib/config/verify-references.ts";
import { hmacKeyEnv } from "../lib/customer-index/keys.ts";
import { ConfigError, ReasonCode, SyncError } from "../lib/errors.ts";
import type { LogLevel } from "../lib/observability/logger.ts";
import { planOrder } from "../lib/pipeline/plan-order.ts";
import { createServiceTitanClient } from "../lib/servicetitan/client.ts";
import type { ServiceTitanSettings } from "../lib/servicetitan/settings.ts";
import { parseSourceMessage } from "../lib/sources/parse-source-message.ts";
import { handlingOf, isStorefront, mappedOrderText, mappedOrderView } from "./dry-run-view.ts";
import {
  buildCustomerIndex,
  bundledExpectedDeadLetters,
  connectServiceTitan,
  exitCodeFor,
  loadRunInputs,
  runOrders,
  StartExitCode,
  startLocalRun,
} from "./local-run.ts";
import { sqsAdmission } from "./sqs-admission.ts";
import { defaultStateFolder, defaultStateRoot, openStateFolder, type StateFolder } from "./state-folder.ts";
import { type OrderSummary, orderKeyNamedBy, renderSummaryTable } from "./summary.ts";

const usage = `Usage: npm start -- [options]

Runs the order → ServiceTitan sync locally: embedded SQS and DynamoDB, and the ServiceTitan sandbox
unless ST_CLIENT_ID, ST_CLIENT_SECRET, ST_APP_KEY and ST_TENANT_ID are set (then ST_API_URL and
ST_AUTH_URL, default: the integration environment, are used for real).

Options:
  --orders <file>   orders to send: a JSON array of order events, one JSON object, or JSON lines
                    (default: bundled examples); each may also be a Shopify EventBridge event
                    (detected per message)
  --config <file>   mapping config (default: $SYNC_CONFIG_FILE, else local/examples/config.json)
  --json            print the summary as one JSON document (use \`npm start --silent -- --json\`
                    so npm's own banner doesn't precede it)
  --dry-run         match and plan each order without writing to ServiceTitan
  --verbose         print the worker's structured log lines (JSON, personal data redacted) on stderr;
                    level: $POWERTOOLS_LOG_LEVEL, default DEBUG
  --state <dir>     real tenant only: keep the ledger and customer index in this folder
                    (default: .state/<ServiceTitan host>-<tenant id>/)
  --fresh-state     real tenant only: empty the state folder first
  --contact-management <on|off>
                    sandbox only: whether its tenant has ServiceTitan's Contact Management
                    (Early Access; most tenants don't) (default: off)
  --help            show this help

Against the sandbox the ledger lives in memory. Against a real tenant it is kept in the state
folder, so running the same orders again finds them synced instead of creating them twice.

Exit code: 0 every order synced or was a duplicate (the bundled examples' EX-1006 belongs in the DLQ),
1 some still pending, 2 an error stopped the run (config, orders file, no orders, ST_* variables),
3 some order went to the DLQ or was not sent.
`;

// The pinned AWS SDK warns on every run that its 2027 releases need Node 22 (stack.md); noise in a CLI.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export interface StartIo {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Tests pass a (contract-checked) sandbox here to assert on its state; otherwise one is started. */
  serviceTitan?: ServiceTitanSettings;
  /** Where the per-tenant state folders go (default `.state/` in the repository); tests use a temp dir. */
  stateRoot?: string;
}

export async function runStart(argv: readonly string[], io: StartIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      orders: { type: "string" },
      config: { type: "string" },
      json: { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
      state: { type: "string" },
      "fresh-state": { type: "boolean", default: false },
      "contact-management": { type: "string", default: "off" },
      help: { type: "boolean", default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const contactManagement = values["contact-management"];
  if (contactManagement !== "on" && contactManagement !== "off") {
    io.stderr.write(`--contact-management takes on or off, not "${contactManagement}"\n${usage}`);
    return StartExitCode.Error;
  }
  const { config, bodies } = loadRunInputs({ orders: values.orders, config: values.config, env: io.env });
  const say = (line: string) => {
    if (!values.json) io.stderr.write(`${line}\n`);
  };

  const serviceTitan = io.serviceTitan
    ? { settings: io.serviceTitan, stop: async () => {}, where: io.serviceTitan.apiUrl, real: false }
    : await connectServiceTitan(io.env, { contactManagement: contactManagement === "on" });
  say(`ServiceTitan: ${serviceTitan.where}`);
  let state: StateFolder | undefined;
  try {
    if (values["dry-run"]) return await dryRun(bodies, config, serviceTitan.settings, values.json, io, values.orders);

    state = openRunState(
      { state: values.state, fresh: values["fresh-state"] },
      serviceTitan.real,
      serviceTitan.settings,
      io,
    );
    if (state) say(`Local state: ${state.dir} (${state.empty ? "new" : "kept from earlier runs"})`);
    const session = await startLocalRun({
      config,
      serviceTitan: serviceTitan.settings,
      // The index kept on disk was hashed with the folder's key: the same key every run (or the variable's).
      ...(state ? { dynamoPath: state.dynamoPath, customerIndexHmacKey: io.env[hmacKeyEnv] || state.hmacKey() } : {}),
      workerLog: values.verbose
        ? { write: (line) => io.stderr.write(line), level: workerLogLevel(io.env.POWERTOOLS_LOG_LEVEL) }
        : undefined,
    });
    try {
      await buildCustomerIndex(session, say);
      say(`Sending ${bodies.length} order${bodies.length === 1 ? "" : "s"} to the local orders queue…`);
      const progress = !values.json && !values.verbose && io.stderr.isTTY === true;
      const result = await runOrders(session, bodies, (done, total) => {
        if (progress) io.stderr.write(`\rprocessed ${done}/${total}`);
      });
      if (progress) io.stderr.write("\n");
      if (values.json) {
        io.stdout.write(
          `${JSON.stringify({ orders: result.rows, serviceTitanCalls: result.serviceTitanCalls, drained: result.drained, stateFolder: state?.dir ?? null }, null, 2)}\n`,
        );
      } else {
        io.stdout.write(`${renderSummaryTable(result.rows, io.stdout.columns)}\n`);
        io.stdout.write(`${countLine(result.rows)}; ${result.serviceTitanCalls} ServiceTitan calls\n`);
      }
      return exitCodeFor(result.rows, result.drained, expectedDeadLetters(values.orders));
    } finally {
      await session.stop();
    }
  } finally {
    state?.release();
    await serviceTitan.stop();
  }
}

/**
 * The state folder for a real tenant, or undefined for the sandbox: the sandbox starts empty on every
 * run, so a ledger kept from an earlier run would point at records it no longer has.
 */
function openRunState(
  flags: { state: string | undefined; fresh: boolean },
  real: boolean,
  settings: ServiceTitanSettings,
  io: StartIo,
): StateFolder | undefined {
  if (!real) {
    if (flags.state !== undefined || flags.fresh) {
      throw new ConfigError(
        ReasonCode.ConfigInvalid,
        "--state",
        "--state and --fresh-state apply to a real tenant (ST_* variables set); the sandbox's ledger lives in memory",
      );
    }
    return undefined;
  }
  const dir =
    flags.state === undefined ? defaultStateFolder(settings, io.stateRoot ?? defaultStateRoot) : resolve(flags.state);
  return openStateFolder(dir, settings, flags.fresh);
}

/** Only the bundled examples have an order that belongs in the DLQ; `--orders` files have none. */
function expectedDeadLetters(ordersFile: string | undefined): ReadonlySet<string> {
  return ordersFile === undefined ? bundledExpectedDeadLetters : new Set();
}

export function countLine(rows: readonly OrderSummary[]): string {
  const count = (status: string) => rows.filter((r) => r.status === status).length;
  const refused = count("refused");
  return `${count("synced")} synced, ${count("duplicate")} duplicate, ${count("dlq")} in the DLQ, ${refused > 0 ? `${refused} not sent, ` : ""}${count("pending")} pending`;
}

const logLevels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"] as const;

function workerLogLevel(value: string | undefined): LogLevel {
  const level = value?.toUpperCase();
  return (logLevels as readonly string[]).includes(level ?? "") ? (level as LogLevel) : "DEBUG";
}

async function dryRun(
  bodies: readonly string[],
  config: SyncConfig,
  settings: ServiceTitanSettings,
  json: boolean,
  io: StartIo,
  orders: string | undefined,
) {
  const http = createServiceTitanClient({ settings });
  const references = new ReferenceCheck(http, config);
  const plans = [];
  for (const [index, body] of bodies.entries()) {
    const orderKey = orderKeyNamedBy(body);
    // As in a real run: what SQS would refuse never reaches the worker.
    const admission = sqsAdmission(body);
    if (!admission.accepted) {
      plans.push({ index: index + 1, orderKey, refused: admission.why });
      continue;
    }
    try {
      const message = parseSourceMessage(body, config);
      const handling = handlingOf(message);
      if (handling !== undefined || message.kind !== "order") {
        plans.push({ index: index + 1, orderKey, handling: handling ?? message.kind });
        continue;
      }
      const order = message.order;
      plans.push({
        index: index + 1,
        orderKey: `${order.store}:${order.orderId}`,
        ...(isStorefront(message) ? { mapped: mappedOrderView(message.source, order) } : {}),
        plan: await planOrder(order, { http, config, references }),
      });
    } catch (error) {
      if (!(error instanceof SyncError)) throw error;
      plans.push({ index: index + 1, orderKey, error: error.toSummary() });
    }
  }
  if (json) {
    io.stdout.write(
      `${JSON.stringify({ dryRun: true, orders: plans, serviceTitanCalls: http.stats.calls }, null, 2)}\n`,
    );
  } else {
    for (const entry of plans) {
      const label = `#${entry.index}${entry.orderKey ? ` ${entry.orderKey}` : ""}`;
      if ("refused" in entry) {
        io.stdout.write(`${label} would not be sent: ${entry.refused}\n`);
        continue;
      }
      if ("error" in entry) {
        io.stdout.write(`${label} would go to the DLQ: ${entry.error?.reason} — ${entry.error?.message}\n`);
        continue;
      }
      if ("handling" in entry) {
        io.stdout.write(`${label}: ${entry.handling}\n`);
        continue;
      }
      if (entry.mapped) io.stdout.write(`${label} ${mappedOrderText(entry.mapped)}\n`);
      const p = entry.plan;
      const customer =
        p.customer.action === "reuse"
          ? `reuse customer ${p.customer.id} (${p.customer.matchedBy})`
          : `${p.customer.action} customer`;
      const location = p.location.action === "reuse" ? `reuse location ${p.location.id}` : "create location";
      const items = p.items
        .map((i) => `${i.sku}: ${i.action === "reuse" ? `reuse ${i.id}` : `create ${i.kind}`}`)
        .join(", ");
      const memberships = p.memberships.map((m) => `; membership ${m.sku} (sell, or renew the customer's)`).join("");
      const job =
        p.job.action === "create"
          ? `create job; ${p.invoiceLines} invoice line${p.invoiceLines === 1 ? "" : "s"}`
          : "no job (membership lines only)";
      io.stdout.write(`${label}: ${customer}; ${location}; items ${items || "none"}${memberships}; ${job}\n`);
    }
    io.stdout.write(`Dry run: nothing was written to ServiceTitan (${http.stats.calls} read calls).\n`);
  }
  return exitCodeFor(
    plans.map((entry) => ({
      status: "refused" in entry ? "refused" : "error" in entry ? "dlq" : "note" in entry ? "ignored" : "synced",
      orderKey: entry.orderKey ?? null,
    })),
    true,
    expectedDeadLetters(orders),
  );
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename);
if (isMain) {
  runStart(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = StartExitCode.Error;
    },
  );
}
