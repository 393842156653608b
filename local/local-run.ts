/**
 * One local run, shared by `npm start` and the `--local` modes of `npm run replay` / `npm run status`:
 * connect to ServiceTitan (the sandbox unless all four credentials are set), start local AWS and the
 * worker, send the orders, run until the queue is drained, and keep everything up until `close()`
 * so a follow-up command can read the same ledger and queues.
 */
import { resolve } from "node:path";
import { loadSyncConfigFile } from "../lib/config/parse-config.ts";
import type { SyncConfig } from "../lib/config/schema.ts";
import { SyncError } from "../lib/errors.ts";
import { createLogger, type LogLevel } from "../lib/observability/logger.ts";
import { noopSyncMetrics } from "../lib/observability/metrics.ts";
import { type ServiceTitanSettings, serviceTitanSettingsFromEnv } from "../lib/servicetitan/settings.ts";
import { createTelemetryObserver } from "../lib/worker/telemetry.ts";
import { type SandboxOptions, startSandbox } from "../sandbox/server.ts";
import { readOrderBodies } from "./orders-file.ts";
import { type LocalSession, startLocalSession } from "./session.ts";
import { type OrderSummary, renderSummaryTable, summarize } from "./summary.ts";

export const examplesDir = resolve(import.meta.dirname, "examples");

const credentialVariables = ["ST_CLIENT_ID", "ST_CLIENT_SECRET", "ST_APP_KEY", "ST_TENANT_ID"] as const;

export interface ServiceTitanConnection {
  settings: ServiceTitanSettings;
  /** Where ServiceTitan is, for the first line of output. */
  where: string;
  /** A ServiceTitan whose records outlive this run (credentials set), as opposed to the sandbox started here. */
  real: boolean;
  stop(): Promise<void>;
}

/** The real tenant when all four credentials are set; otherwise the sandbox, saying which variables it ignores. */
export async function connectServiceTitan(
  env: NodeJS.ProcessEnv,
  sandboxOptions: SandboxOptions = {},
): Promise<ServiceTitanConnection> {
  if (credentialVariables.every((name) => env[name])) {
    const settings = serviceTitanSettingsFromEnv(env);
    return { settings, stop: async () => {}, where: `${settings.apiUrl} (tenant ${settings.tenantId})`, real: true };
  }
  const sandbox = await startSandbox(sandboxOptions);
  const ignored = [...credentialVariables, "ST_API_URL", "ST_AUTH_URL"].filter((name) => env[name]);
  const missing = credentialVariables.filter((name) => !env[name]);
  return {
    settings: { apiUrl: sandbox.apiUrl, authUrl: sandbox.authUrl, tenantId: sandbox.tenantId, ...sandbox.credentials },
    stop: () => sandbox.stop(),
    real: false,
    where:
      ignored.length > 0
        ? `sandbox at ${sandbox.apiUrl} (${ignored.join(", ")} ignored: a real tenant needs ${missing.join(", ")} too)`
        : `sandbox at ${sandbox.apiUrl} (set ST_CLIENT_ID, ST_CLIENT_SECRET, ST_APP_KEY, ST_TENANT_ID for a real tenant)`,
  };
}

/** `--orders` and `--config`, as `npm start` takes them (and the replay and status CLIs with `--local`). */
export interface LocalRunArgs {
  /** Default: the bundled examples. */
  orders?: string | undefined;
  /** Default: `$SYNC_CONFIG_FILE`, else the example config. */
  config?: string | undefined;
}

export interface LocalRunInputs extends LocalRunArgs {
  env: NodeJS.ProcessEnv;
}

export function loadRunInputs(inputs: LocalRunInputs): { config: SyncConfig; bodies: string[] } {
  return {
    config: loadSyncConfigFile(inputs.config ?? inputs.env.SYNC_CONFIG_FILE ?? resolve(examplesDir, "config.json")),
    bodies: readOrderBodies(inputs.orders ?? resolve(examplesDir, "orders.json")),
  };
}

export interface LocalRunOptions {
  config: SyncConfig;
  serviceTitan: ServiceTitanSettings;
  /** `--verbose`: the worker's structured (redacted) log lines, one JSON line each. */
  workerLog?: { write(line: string): unknown; level: LogLevel } | undefined;
  /** A real tenant's state folder: dynalite keeps the tables on disk there. */
  dynamoPath?: string;
  /** The HMAC key the index kept on disk was built with. */
  customerIndexHmacKey?: string;
}

export interface LocalRunResult {
  rows: OrderSummary[];
  serviceTitanCalls: number;
  drained: boolean;
}

export async function startLocalRun(options: LocalRunOptions): Promise<LocalSession> {
  const logger = options.workerLog
    ? createLogger({ level: options.workerLog.level, sink: (line) => options.workerLog?.write(`${line}\n`) })
    : undefined;
  return startLocalSession({
    config: options.config,
    serviceTitan: options.serviceTitan,
    visibilityTimeoutSeconds: 30,
    retryBackoff: { baseSeconds: 1, maxSeconds: 4 },
    ...(options.dynamoPath === undefined ? {} : { dynamoPath: options.dynamoPath }),
    ...(options.customerIndexHmacKey === undefined ? {} : { customerIndexHmacKey: options.customerIndexHmacKey }),
    ...(logger
      ? {
          telemetry: {
            observer: createTelemetryObserver(logger, noopSyncMetrics),
            onServiceTitanCall: (call) => logger.debug("ServiceTitan call", { ...call }),
          },
        }
      : {}),
  });
}

/**
 * Backfills the customer index before any order is sent, so e-mail matching works on a tenant without
 * Contact Management. A failure is reported and the run goes on: matching then searches ServiceTitan
 * live, as the worker does until a backfill completes.
 */
export async function buildCustomerIndex(session: LocalSession, say: (line: string) => void): Promise<void> {
  say("Building the customer index from ServiceTitan's export feeds…");
  try {
    const built = await session.refreshIndex();
    const feedRows = built.feeds.reduce((sum, f) => sum + f.rows, 0);
    say(`Customer index: ${feedRows} feed rows read, backfill ${built.backfillComplete ? "complete" : "INCOMPLETE"}`);
  } catch (error) {
    if (!(error instanceof SyncError)) throw error;
    say(`Customer index NOT built (${error.message}): matching falls back to live phone and name + address searches`);
  }
}

/** Sends the bodies (each on its own row, sent or not) and runs the worker until the queue is drained. */
export async function runOrders(
  session: LocalSession,
  bodies: readonly string[],
  onProgress?: (done: number, total: number) => void,
): Promise<LocalRunResult> {
  const deliveries = await session.offer(bodies);
  const sent = deliveries.filter((delivery) => "messageId" in delivery).length;
  const stats = await session.runUntilDrained({
    deadlineMs: 15 * 60_000,
    ...(onProgress ? { onProgress: (done: number) => onProgress(done, sent) } : {}),
  });
  const drained = stats.stoppedBy === "drained";
  return {
    rows: summarize(bodies, deliveries, session.outcomes, drained),
    serviceTitanCalls: session.serviceTitanCalls(),
    drained,
  };
}

/**
 * `npm start`'s exit code: 0 every order synced or was a duplicate, 1 some still pending, 3 every
 * order reached a final state but some went to the DLQ or were never sent (2 is for errors that stop
 * the run: unreadable config or orders file, no orders, an invalid `ST_*` variable).
 */
export const StartExitCode = { Done: 0, Pending: 1, Error: 2, Failed: 3 } as const;

export function exitCodeFor(
  rows: readonly Pick<OrderSummary, "status" | "orderKey">[],
  drained = true,
  expectedDeadLetters: ReadonlySet<string> = new Set(),
): number {
  if (!drained || rows.some((row) => row.status === "pending")) return StartExitCode.Pending;
  const failed = (row: Pick<OrderSummary, "status" | "orderKey">) =>
    (row.status === "dlq" || row.status === "refused") && !expectedDeadLetters.has(row.orderKey ?? "");
  if (rows.some(failed)) return StartExitCode.Failed;
  return StartExitCode.Done;
}

/**
 * The bundled example broken on purpose, to show a dead letter: its DLQ row is the expected outcome, so
 * a plain `npm start` on a fresh clone exits 0. Any other dead letter, and every one from `--orders`, counts.
 */
export const bundledExpectedDeadLetters: ReadonlySet<string> = new Set(["example-filters:EX-1006"]);

export interface LocalRunStreams {
  stdout: { write(text: string): unknown; columns?: number };
  stderr: { write(text: string): unknown };
}

/**
 * `--local` for the replay and status CLIs: does what `npm start` does (same `--orders`/`--config`,
 * its table on stderr), then hands the still-running session to `then` (its ledger, queues and
 * worker), and tears everything down afterwards. Local state lives only as long as the command.
 */
export async function withLocalRun(
  inputs: LocalRunInputs,
  streams: LocalRunStreams,
  then: (session: LocalSession) => Promise<number>,
): Promise<number> {
  const { config, bodies } = loadRunInputs(inputs);
  const serviceTitan = await connectServiceTitan(inputs.env);
  try {
    streams.stderr.write(`ServiceTitan: ${serviceTitan.where}\n`);
    const session = await startLocalRun({ config, serviceTitan: serviceTitan.settings });
    try {
      await buildCustomerIndex(session, (line) => streams.stderr.write(`${line}\n`));
      streams.stderr.write(`Local run (as npm start): sending ${bodies.length} orders…\n`);
      const result = await runOrders(session, bodies);
      streams.stderr.write(`${renderSummaryTable(result.rows, streams.stdout.columns)}\n`);
      return await then(session);
    } finally {
      await session.stop();
    }
  } finally {
    await serviceTitan.stop();
  }
}

/** Runs the worker until the queue is drained again and sums up the messages it handled meanwhile. */
export async function drainAgain(session: LocalSession): Promise<OrderSummary[]> {
  const before = session.history.length;
  const stats = await session.runUntilDrained({ deadlineMs: 15 * 60_000 });
  const ids = [...new Set(session.history.slice(before).map((outcome) => outcome.messageId))];
  return summarize(
    ids.map(() => ""),
    ids.map((messageId) => ({ messageId })),
    session.outcomes,
    stats.stoppedBy === "drained",
  );
}
