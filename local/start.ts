/**
 * `npm start`: the whole pipeline on this machine. Starts SQS (fauxqs), DynamoDB (dynalite) and —
 * unless ServiceTitan credentials are set — the ServiceTitan sandbox; sends the orders; runs the real
 * handler through the local event-source runner until the queue is drained; prints a summary.
 *
 *   npm start -- [--orders <file>] [--config <file>] [--json] [--dry-run] [--contact-management <on|off>]
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadSyncConfigFile } from "../lib/config/parse-config.ts";
import type { SyncConfig } from "../lib/config/schema.ts";
import { ReferenceCheck } from "../lib/config/verify-references.ts";
import { orderKeyFromBody } from "../lib/dlq/attributes.ts";
import { SyncError } from "../lib/errors.ts";
import { parseOrderMessage } from "../lib/order/parse-message.ts";
import { planOrder } from "../lib/pipeline/plan-order.ts";
import { createServiceTitanClient } from "../lib/servicetitan/client.ts";
import { type ServiceTitanSettings, serviceTitanSettingsFromEnv } from "../lib/servicetitan/settings.ts";
import { type SandboxOptions, startSandbox } from "../sandbox/server.ts";
import { readOrderBodies } from "./orders-file.ts";
import { type LocalSession, startLocalSession } from "./session.ts";
import { renderSummaryTable, summarize } from "./summary.ts";

const usage = `Usage: npm start -- [options]

Runs the order → ServiceTitan sync locally: embedded SQS and DynamoDB, and the ServiceTitan sandbox
unless ST_CLIENT_ID, ST_CLIENT_SECRET, ST_APP_KEY and ST_TENANT_ID are set (then ST_API_URL and
ST_AUTH_URL, default: the integration environment, are used for real).

Options:
  --orders <file>   orders to send: a JSON array of order events, or JSON lines (default: bundled examples)
  --config <file>   mapping config (default: $SYNC_CONFIG_FILE, else local/examples/config.json)
  --json            print the summary as one JSON document (use \`npm start --silent -- --json\`
                    so npm's own banner doesn't precede it)
  --dry-run         match and plan each order without writing to ServiceTitan
  --contact-management <on|off>
                    sandbox only: whether its tenant has ServiceTitan's Contact Management
                    (Early Access; most tenants don't) (default: on)
  --help            show this help
`;

const examplesDir = resolve(import.meta.dirname, "examples");

// The pinned AWS SDK warns on every run that its 2027 releases need Node 22 (stack.md); noise in a CLI.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export interface StartIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Tests pass a (contract-checked) sandbox here to assert on its state; otherwise one is started. */
  serviceTitan?: ServiceTitanSettings;
}

export async function runStart(argv: readonly string[], io: StartIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      orders: { type: "string" },
      config: { type: "string" },
      json: { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
      // On by default for now: e-mail matching still goes through contact-methods; the customer-index work switches this.
      "contact-management": { type: "string", default: "on" },
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
    return 2;
  }
  const config = loadSyncConfigFile(values.config ?? io.env.SYNC_CONFIG_FILE ?? resolve(examplesDir, "config.json"));
  const bodies = readOrderBodies(values.orders ?? resolve(examplesDir, "orders.json"));
  const say = (line: string) => {
    if (!values.json) io.stderr.write(`${line}\n`);
  };

  const {
    settings,
    stop: stopServiceTitan,
    where,
  } = io.serviceTitan
    ? { settings: io.serviceTitan, stop: async () => {}, where: io.serviceTitan.apiUrl }
    : await connectServiceTitan(io.env, { contactManagement: contactManagement === "on" });
  say(`ServiceTitan: ${where}`);
  try {
    if (values["dry-run"]) return await dryRun(bodies, config, settings, values.json, io);

    const session = await startLocalSession({
      config,
      serviceTitan: settings,
      visibilityTimeoutSeconds: 30,
      retryBackoff: { baseSeconds: 1, maxSeconds: 4 },
    });
    try {
      say("Building the customer index from ServiceTitan's export feeds…");
      await buildCustomerIndex(session, say);
      say(`Sending ${bodies.length} orders to the local orders queue…`);
      const messageIds = await session.send(bodies);
      const stats = await session.runUntilDrained({
        deadlineMs: 15 * 60_000,
        onProgress: (done) => {
          if (!values.json && io.stderr.isTTY) io.stderr.write(`\rprocessed ${done}/${bodies.length}`);
        },
      });
      if (!values.json && io.stderr.isTTY) io.stderr.write("\n");
      const drained = stats.stoppedBy === "drained";
      const rows = summarize(messageIds, session.outcomes, drained);
      const calls = session.serviceTitanCalls();
      if (values.json) {
        io.stdout.write(`${JSON.stringify({ orders: rows, serviceTitanCalls: calls, drained }, null, 2)}\n`);
      } else {
        io.stdout.write(`${renderSummaryTable(rows)}\n`);
        const count = (status: string) => rows.filter((r) => r.status === status).length;
        io.stdout.write(
          `${count("synced")} synced, ${count("duplicate")} duplicate, ${count("dlq")} in the DLQ, ${count("pending")} pending; ${calls} ServiceTitan calls\n`,
        );
      }
      return drained && rows.every((r) => r.status !== "pending") ? 0 : 1;
    } finally {
      await session.stop();
    }
  } finally {
    await stopServiceTitan();
  }
}

/**
 * Backfills the (in-memory) customer index before any order is sent, so e-mail matching works on a
 * tenant without Contact Management. A failure is reported and the run goes on: matching then
 * searches ServiceTitan live, as the worker does until a backfill completes.
 */
async function buildCustomerIndex(session: LocalSession, say: (line: string) => void): Promise<void> {
  try {
    const built = await session.refreshIndex();
    const feedRows = built.feeds.reduce((sum, f) => sum + f.rows, 0);
    say(`Customer index: ${feedRows} feed rows read, backfill ${built.backfillComplete ? "complete" : "INCOMPLETE"}`);
  } catch (error) {
    const reason = error instanceof SyncError ? error.message : String(error);
    say(`Customer index NOT built (${reason}): matching falls back to live phone and name + address searches`);
  }
}

async function connectServiceTitan(
  env: NodeJS.ProcessEnv,
  sandboxOptions: SandboxOptions,
): Promise<{
  settings: ServiceTitanSettings;
  stop: () => Promise<void>;
  where: string;
}> {
  if (env.ST_CLIENT_ID && env.ST_CLIENT_SECRET && env.ST_APP_KEY && env.ST_TENANT_ID) {
    const settings = serviceTitanSettingsFromEnv(env);
    return { settings, stop: async () => {}, where: `${settings.apiUrl} (tenant ${settings.tenantId})` };
  }
  const sandbox = await startSandbox(sandboxOptions);
  return {
    settings: {
      apiUrl: sandbox.apiUrl,
      authUrl: sandbox.authUrl,
      tenantId: sandbox.tenantId,
      ...sandbox.credentials,
    },
    stop: () => sandbox.stop(),
    where: `sandbox at ${sandbox.apiUrl} (set ST_CLIENT_ID, ST_CLIENT_SECRET, ST_APP_KEY, ST_TENANT_ID for a real tenant)`,
  };
}

async function dryRun(
  bodies: readonly string[],
  config: SyncConfig,
  settings: ServiceTitanSettings,
  json: boolean,
  io: StartIo,
) {
  const http = createServiceTitanClient({ settings });
  const references = new ReferenceCheck(http, config);
  const plans = [];
  for (const [index, body] of bodies.entries()) {
    try {
      const order = parseOrderMessage(body);
      plans.push({
        index: index + 1,
        orderKey: `${order.store}:${order.orderId}`,
        plan: await planOrder(order, { http, config, references }),
      });
    } catch (error) {
      if (!(error instanceof SyncError)) throw error;
      const key = orderKeyFromBody(body);
      plans.push({ index: index + 1, orderKey: key ? `${key.store}:${key.orderId}` : null, error: error.toSummary() });
    }
  }
  if (json) {
    io.stdout.write(
      `${JSON.stringify({ dryRun: true, orders: plans, serviceTitanCalls: http.stats.calls }, null, 2)}\n`,
    );
  } else {
    for (const entry of plans) {
      if ("error" in entry) {
        io.stdout.write(`#${entry.index} would go to the DLQ: ${entry.error?.reason} — ${entry.error?.message}\n`);
        continue;
      }
      const p = entry.plan;
      const customer =
        p.customer.action === "reuse"
          ? `reuse customer ${p.customer.id} (${p.customer.matchedBy})`
          : `${p.customer.action} customer`;
      const location = p.location.action === "reuse" ? `reuse location ${p.location.id}` : "create location";
      const items = p.items
        .map((i) => `${i.sku}: ${i.action === "reuse" ? `reuse ${i.id}` : `create ${i.kind}`}`)
        .join(", ");
      io.stdout.write(
        `#${entry.index} ${entry.orderKey}: ${customer}; ${location}; items ${items}; create job; ${p.invoiceLines} invoice line${p.invoiceLines === 1 ? "" : "s"}\n`,
      );
    }
    io.stdout.write(`Dry run: nothing was written to ServiceTitan (${http.stats.calls} read calls).\n`);
  }
  return 0;
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename);
if (isMain) {
  runStart(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
