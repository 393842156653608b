/**
 * `npm run status -- <orderId> [--store s]` and `npm run status -- --failed`: what the ledger knows
 * about an order — status, the ServiceTitan ids each finished step produced, how the customer was
 * matched, attempts and the last error — without opening the DynamoDB console. Reads
 * `LEDGER_TABLE_NAME`, `AWS_REGION` and, for dynalite, `DYNAMODB_ENDPOINT`. The ledger holds no
 * personal data; error messages are masked again before printing all the same.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import Table from "cli-table3";
import { z } from "zod";
import { type LedgerRecord, LedgerStatus, OrderLedger, orderKeyToString } from "../lib/ledger/ledger.ts";
import { maskString } from "../lib/observability/redact.ts";
import { readCliEnvironment } from "./cli-environment.ts";
import { type LocalRunArgs, withLocalRun } from "./local-run.ts";
import { type CliStream, tableStyle } from "./replay-cli.ts";

export const statusUsage = `Usage:
  npm run status -- <orderId> [--store <store>] [--json]
  npm run status -- --failed [--limit n] [--json]
  npm run status -- --status in_progress|completed|failed [--limit n] [--json]
  npm run status -- --local [--orders <file>] [--config <file>] <orderId>|--failed|--status …

Shows what the ledger records for an order: status, ServiceTitan customer/location/job/invoice ids,
how the customer was matched, attempts and the last error. --failed lists failed orders (a table scan:
for operators, not for scripts running often).

--local first does what \`npm start\` does (the same --orders and --config; its table goes to stderr),
then reads that run's ledger: try the commands without AWS.

Environment (not with --local): LEDGER_TABLE_NAME, AWS_REGION, optional DYNAMODB_ENDPOINT (local dynalite).
`;

export interface StatusCliDeps {
  env?: NodeJS.ProcessEnv;
  /** Injected by tests; otherwise built from the environment. */
  dynamo?: DynamoDBClient;
  stdout?: CliStream;
  stderr?: CliStream;
}

const environmentSchema = z.object({
  LEDGER_TABLE_NAME: z.string().min(1),
  AWS_REGION: z.string().min(1).optional(),
  DYNAMODB_ENDPOINT: z.string().url().optional(),
});

const defaultStore = "default";
const statuses = Object.values(LedgerStatus) as string[];

export type StatusCommand =
  | { kind: "help" }
  | { kind: "order"; store: string; orderId: string; json: boolean; local?: LocalRunArgs }
  | { kind: "list"; status: LedgerStatus; limit: number; json: boolean; local?: LocalRunArgs };

export function parseStatusArgs(argv: readonly string[]): StatusCommand {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      store: { type: "string" },
      failed: { type: "boolean" },
      status: { type: "string" },
      limit: { type: "string" },
      json: { type: "boolean" },
      local: { type: "boolean" },
      orders: { type: "string" },
      config: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return { kind: "help" };
  const json = values.json ?? false;
  if (!values.local && (values.orders !== undefined || values.config !== undefined)) {
    throw new Error("--orders and --config go with --local");
  }
  const local = values.local ? { local: { orders: values.orders, config: values.config } } : {};
  const listStatus = values.failed ? LedgerStatus.Failed : values.status;
  if (listStatus !== undefined) {
    if (!statuses.includes(listStatus)) throw new Error(`--status must be one of ${statuses.join(", ")}`);
    if (positionals.length > 0) throw new Error("Give either an orderId or --failed/--status, not both");
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit <= 0) throw new Error("--limit must be a positive integer");
    return { kind: "list", status: listStatus as LedgerStatus, limit, json, ...local };
  }
  if (positionals.length !== 1 || positionals[0] === undefined || positionals[0] === "") {
    throw new Error("Give one orderId (or --failed)");
  }
  return { kind: "order", store: values.store ?? defaultStore, orderId: positionals[0], json, ...local };
}

/** Exit codes: 0 found (or listed), 1 order not in the ledger / read failed, 2 usage or configuration error. */
export async function runStatusCli(argv: readonly string[], deps: StatusCliDeps = {}): Promise<number> {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  let command: StatusCommand;
  try {
    command = parseStatusArgs(argv);
  } catch (error) {
    stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${statusUsage}`);
    return 2;
  }
  if (command.kind === "help") {
    stdout.write(statusUsage);
    return 0;
  }
  if (command.local) {
    const query = command;
    return withLocalRun({ ...command.local, env: deps.env ?? process.env }, { stdout, stderr }, (session) =>
      showStatus(
        query,
        new OrderLedger({ dynamo: session.aws.dynamo, tableName: session.aws.tableName }),
        stdout,
        stderr,
      ),
    );
  }
  const env = readCliEnvironment(environmentSchema, deps.env ?? process.env, stderr, statusUsage);
  if (env === undefined) return 2;
  const ownsClient = deps.dynamo === undefined;
  const dynamo =
    deps.dynamo ??
    new DynamoDBClient({
      ...(env.AWS_REGION === undefined ? {} : { region: env.AWS_REGION }),
      ...(env.DYNAMODB_ENDPOINT === undefined ? {} : { endpoint: env.DYNAMODB_ENDPOINT }),
    });
  try {
    return await showStatus(command, new OrderLedger({ dynamo, tableName: env.LEDGER_TABLE_NAME }), stdout, stderr);
  } finally {
    if (ownsClient) dynamo.destroy();
  }
}

async function showStatus(
  command: Exclude<StatusCommand, { kind: "help" }>,
  ledger: OrderLedger,
  stdout: CliStream,
  stderr: CliStream,
): Promise<number> {
  try {
    if (command.kind === "order") {
      const key = { store: command.store, orderId: command.orderId };
      const record = await ledger.get(key);
      if (record === undefined) {
        if (command.json) stdout.write(`${JSON.stringify({ orderKey: orderKeyToString(key), found: false })}\n`);
        else stderr.write(`No ledger record for ${orderKeyToString(key)} (never received, or expired).\n`);
        return 1;
      }
      stdout.write(
        command.json
          ? `${JSON.stringify(statusView(record), null, 2)}\n`
          : renderOrderStatus(record, stdout.isTTY === true),
      );
      return 0;
    }
    const records = await ledger.list({ status: command.status, limit: command.limit });
    stdout.write(
      command.json
        ? `${JSON.stringify(records.map(statusView), null, 2)}\n`
        : renderStatusList(records, command.status, command.limit, stdout.isTTY === true),
    );
    return 0;
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    const message = error instanceof Error ? maskString(error.message) : "";
    stderr.write(`Could not read the ledger: ${name}: ${message}\n`);
    return 1;
  }
}

/** What the CLI shows (and `--json` prints): the record without lease internals. */
export interface OrderStatusView {
  orderKey: string;
  status: LedgerStatus;
  attempts: number;
  matchedBy: string | null;
  customerId: number | null;
  customerCreated: boolean | null;
  locationId: number | null;
  locationCreated: boolean | null;
  jobId: number | null;
  invoiceId: number | null;
  invoiceLinesAdded: number | null;
  invoiceVerified: boolean | null;
  tagged: boolean | null;
  pricebookItemIds: Record<string, number>;
  lastError: { reason: string; kind: string; message: string; at: string } | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export function statusView(record: LedgerRecord): OrderStatusView {
  const p = record.progress;
  return {
    orderKey: orderKeyToString(record.key),
    status: record.status,
    attempts: record.attempts,
    matchedBy: p.matchedBy ?? null,
    customerId: p.customerId ?? null,
    customerCreated: p.customerCreated ?? null,
    locationId: p.locationId ?? null,
    locationCreated: p.locationCreated ?? null,
    jobId: p.jobId ?? null,
    invoiceId: p.invoiceId ?? null,
    invoiceLinesAdded: p.invoiceLinesAdded ?? null,
    invoiceVerified: p.invoiceVerified ?? null,
    tagged: p.tagged ?? null,
    pricebookItemIds: p.pricebookItemIds ?? {},
    lastError:
      record.lastError === undefined ? null : { ...record.lastError, message: maskString(record.lastError.message) },
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    completedAt: record.completedAt ?? null,
  };
}

function show(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "-";
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}

function created(id: number | null, wasCreated: boolean | null): string {
  if (id === null) return "-";
  return wasCreated === null ? String(id) : `${id} (${wasCreated ? "created" : "existing"})`;
}

export function renderOrderStatus(record: LedgerRecord, color = false): string {
  const view = statusView(record);
  const style = tableStyle(color);
  const table = new Table(style === undefined ? {} : { style });
  const skus = Object.entries(view.pricebookItemIds);
  table.push(
    { Order: view.orderKey },
    { Status: view.status },
    { Attempts: view.attempts },
    { "Matched by": show(view.matchedBy) },
    { Customer: created(view.customerId, view.customerCreated) },
    { Location: created(view.locationId, view.locationCreated) },
    { "Pricebook items": skus.length === 0 ? "-" : skus.map(([sku, id]) => `${sku} → ${id}`).join("\n") },
    { Job: show(view.jobId) },
    { Invoice: show(view.invoiceId) },
    { "Invoice lines added": show(view.invoiceLinesAdded) },
    { "Invoice verified": show(view.invoiceVerified) },
    { Tagged: show(view.tagged) },
    {
      "Last error":
        view.lastError === null
          ? "-"
          : `${view.lastError.reason} (${view.lastError.kind}) at ${view.lastError.at}\n${view.lastError.message}`,
    },
    { Created: view.createdAt },
    { Updated: view.updatedAt },
    { Completed: show(view.completedAt) },
  );
  return `${table.toString()}\n`;
}

export function renderStatusList(
  records: readonly LedgerRecord[],
  status: LedgerStatus,
  limit?: number,
  color = false,
): string {
  const style = tableStyle(color);
  if (records.length === 0) return `No ${status} orders in the ledger.\n`;
  const table = new Table({
    head: ["Order", "Status", "Attempts", "Job", "Invoice", "Last error", "Updated"],
    colWidths: [null, null, null, null, null, 60, null],
    wordWrap: true,
    ...(style === undefined ? {} : { style }),
  });
  for (const record of records) {
    const view = statusView(record);
    table.push([
      view.orderKey,
      view.status,
      view.attempts,
      show(view.jobId),
      show(view.invoiceId),
      view.lastError === null ? "-" : `${view.lastError.reason}: ${view.lastError.message}`,
      view.updatedAt,
    ]);
  }
  return `${table.toString()}\n${records.length} ${status} order(s)${limit !== undefined && records.length >= limit ? " (there may be more: raise --limit)" : ""}.\n`;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  process.exitCode = await runStatusCli(process.argv.slice(2));
}
