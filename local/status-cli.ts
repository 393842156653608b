/**
 * `npm run status -- <orderId> [--store s]` and `npm run status -- --failed`: what the ledger knows
 * about an order — status, the ServiceTitan ids each finished step produced, how the customer was
 * matched, attempts and the last error — without opening the DynamoDB console. Reads
 * `LEDGER_TABLE_NAME`, `AWS_REGION` and, for dynalite, `DYNAMODB_ENDPOINT`; with
 * `CUSTOMER_INDEX_TABLE_NAME` (or `--local`) it adds the customer index's backfill state and lag, since
 * an incomplete backfill explains a customer created instead of matched by e-mail. The ledger and the
 * index hold no personal data; error messages are masked again before printing all the same.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { z } from "zod";
import { CustomerIndexStore } from "../lib/customer-index/store.ts";
import { LedgerStatus, OrderLedger, orderKeyToString } from "../lib/ledger/ledger.ts";
import { maskString } from "../lib/observability/redact.ts";
import { cancellationFollowUp } from "../lib/pipeline/cancel-order.ts";
import { readCliEnvironment } from "./cli-environment.ts";
import { indexSummary } from "./index-status.ts";
import { type LocalRunArgs, withLocalRun } from "./local-run.ts";
import {
  cancellationView,
  describeCancellation,
  renderOrderStatus,
  renderStatusList,
  statusView,
} from "./order-status-view.ts";
import type { CliStream } from "./replay-cli.ts";

export const statusUsage = `Usage:
  npm run status -- <orderId> [--store <store>] [--json]
  npm run status -- --failed [--limit n] [--json]
  npm run status -- --status in_progress|completed|failed [--limit n] [--json]
  npm run status -- --local [--orders <file>] [--config <file>] <orderId>|--failed|--status …

Shows what the ledger records for an order: status, ServiceTitan customer/location/job/invoice ids,
how the customer was matched, attempts, the last error and, once received, its cancellation
(cancelled, or left alone and why). --failed lists failed orders (a table scan:
for operators, not for scripts running often).

--local first does what \`npm start\` does (the same --orders and --config; its table goes to stderr),
then reads that run's ledger: try the commands without AWS.

Without --json, the customer index's state follows: backfill complete or not (until it is, matching
falls back to live phone and name + address searches) and its lag.

Environment (not with --local): LEDGER_TABLE_NAME, AWS_REGION, optional DYNAMODB_ENDPOINT (local dynalite),
optional CUSTOMER_INDEX_TABLE_NAME (the customer index's state).
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
  CUSTOMER_INDEX_TABLE_NAME: z.string().min(1).optional(),
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
        session.customerIndex.store,
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
    const ledger = new OrderLedger({ dynamo, tableName: env.LEDGER_TABLE_NAME });
    const tableName = env.CUSTOMER_INDEX_TABLE_NAME;
    const index = tableName === undefined ? undefined : new CustomerIndexStore({ dynamo, tableName });
    return await showStatus(command, ledger, stdout, stderr, index);
  } finally {
    if (ownsClient) dynamo.destroy();
  }
}

async function showStatus(
  command: Exclude<StatusCommand, { kind: "help" }>,
  ledger: OrderLedger,
  stdout: CliStream,
  stderr: CliStream,
  index?: CustomerIndexStore,
): Promise<number> {
  const code = await showLedger(command, ledger, stdout, stderr);
  if (index !== undefined && !command.json) stdout.write(`\n${await indexSummary(index)}`);
  return code;
}

async function showLedger(
  command: Exclude<StatusCommand, { kind: "help" }>,
  ledger: OrderLedger,
  stdout: CliStream,
  stderr: CliStream,
): Promise<number> {
  try {
    if (command.kind === "order") {
      const key = { store: command.store, orderId: command.orderId };
      const [record, cancellation] = await Promise.all([
        ledger.get(key),
        ledger.get({ ...key, followUp: cancellationFollowUp }),
      ]);
      if (record === undefined) {
        if (command.json) stdout.write(`${JSON.stringify({ orderKey: orderKeyToString(key), found: false })}\n`);
        else stderr.write(`No ledger record for ${orderKeyToString(key)} (never received, or expired).\n`);
        if (cancellation !== undefined && !command.json) {
          stderr.write(`Its cancellation: ${describeCancellation(cancellationView(cancellation))}\n`);
        }
        return 1;
      }
      stdout.write(
        command.json
          ? `${JSON.stringify(statusView(record, cancellation), null, 2)}\n`
          : renderOrderStatus(record, stdout.isTTY === true, cancellation),
      );
      return 0;
    }
    const records = await ledger.list({ status: command.status, limit: command.limit });
    stdout.write(
      command.json
        ? `${JSON.stringify(
            records.map((record) => statusView(record)),
            null,
            2,
          )}\n`
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

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  process.exitCode = await runStatusCli(process.argv.slice(2));
}
