/**
 * `npm run replay -- [--order <id>] [--store s] [--reason R] [--older-than 30m] [--newer-than 2h]
 * [--limit n] [--dry-run] [--json]`: moves dead letters back to the orders queue from a laptop or CI
 * (the same code as the `dlq-replay` Lambda). Reads `DLQ_URL`, `ORDERS_QUEUE_URL`, `AWS_REGION`
 * and, for fauxqs, `SQS_ENDPOINT`; credentials come from the usual AWS SDK chain.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { SQSClient } from "@aws-sdk/client-sqs";
import cliProgress from "cli-progress";
import Table from "cli-table3";
import { z } from "zod";
import {
  approximateDeadLetterCount,
  type ReplayFilter,
  type ReplayResult,
  replayDeadLetters,
} from "../lib/dlq/replay.ts";
import { ReasonCode } from "../lib/errors.ts";
import { readCliEnvironment } from "./cli-environment.ts";
import { drainAgain, type LocalRunArgs, withLocalRun } from "./local-run.ts";
import { renderSummaryTable } from "./summary.ts";

export const replayUsage = `Usage: npm run replay -- [options]

Moves messages from the dead-letter queue back to the orders queue (body and attributes kept,
replayCount incremented). A message leaves the DLQ only after the orders queue accepted it.

Options:
  --order <id>          only this orderId
  --store <store>       only this store
  --reason <REASON>     only this failure reason (e.g. ST_UNAVAILABLE, CONTRACT_VIOLATION)
  --older-than <dur>    only messages that failed at least <dur> ago (30s, 30m, 2h, 1d; bare number = minutes)
  --newer-than <dur>    only messages that failed at most <dur> ago
  --limit <n>           move at most n messages
  --dry-run             list what would move; move nothing
  --json                print the result as JSON (for scripts)
  --local               first do what \`npm start\` does (its table goes to stderr), then replay that
                        run's DLQ and let the worker process the replayed orders: try it without AWS
  --orders <file>       with --local: the orders to run first (default: npm start's examples)
  --config <file>       with --local: the mapping config
  -h, --help            this text

Environment (not with --local): DLQ_URL, ORDERS_QUEUE_URL, AWS_REGION, optional SQS_ENDPOINT (local fauxqs).
`;

/** The streams the CLI writes to; `isTTY` decides whether the progress bar is drawn. */
export interface CliStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ReplayCliDeps {
  env?: NodeJS.ProcessEnv;
  /** Injected by tests; otherwise built from the environment. */
  sqs?: SQSClient;
  stdout?: CliStream;
  stderr?: CliStream;
  /** Receive long-poll seconds (default 1; tests use 0). */
  waitTimeSeconds?: number;
}

const environmentSchema = z.object({
  DLQ_URL: z.string().min(1),
  ORDERS_QUEUE_URL: z.string().min(1),
  AWS_REGION: z.string().min(1).optional(),
  SQS_ENDPOINT: z.string().url().optional(),
});

/** Exit codes: 0 done, 1 the orders queue refused messages, 2 usage or configuration error. */
export async function runReplayCli(argv: readonly string[], deps: ReplayCliDeps = {}): Promise<number> {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  let options: ReturnType<typeof parseReplayArgs>;
  try {
    options = parseReplayArgs(argv);
  } catch (error) {
    stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${replayUsage}`);
    return 2;
  }
  if (options.help) {
    stdout.write(replayUsage);
    return 0;
  }

  if (options.local) {
    const { local } = options;
    return withLocalRun({ ...local, env: deps.env ?? process.env }, { stdout, stderr }, async (session) => {
      const queues = { sqs: session.aws.sqs, dlqUrl: session.aws.dlqUrl, queueUrl: session.aws.queueUrl };
      const replay = await replayOnce(options, queues, { stdout, stderr, waitTimeSeconds: 0, printJson: false });
      if (replay.result === undefined) return replay.code;
      // What the worker made of the replayed orders: the point of trying a replay locally.
      const after = options.dryRun ? [] : await drainAgain(session);
      if (options.json) stdout.write(`${JSON.stringify({ ...replay.result, afterReplay: after }, null, 2)}\n`);
      else if (!options.dryRun) stdout.write(`After the replay:\n${renderSummaryTable(after, stdout.columns)}\n`);
      return replay.code;
    });
  }
  const env = readCliEnvironment(environmentSchema, deps.env ?? process.env, stderr, replayUsage);
  if (env === undefined) return 2;
  const sqs =
    deps.sqs ??
    new SQSClient({
      ...(env.AWS_REGION === undefined ? {} : { region: env.AWS_REGION }),
      ...(env.SQS_ENDPOINT === undefined ? {} : { endpoint: env.SQS_ENDPOINT }),
    });
  try {
    const queues = { sqs, dlqUrl: env.DLQ_URL, queueUrl: env.ORDERS_QUEUE_URL };
    return (
      await replayOnce(options, queues, { stdout, stderr, waitTimeSeconds: deps.waitTimeSeconds, printJson: true })
    ).code;
  } finally {
    if (deps.sqs === undefined) sqs.destroy();
  }
}

/** One replay with a progress bar on a terminal; prints the result (JSON only when `printJson`). */
async function replayOnce(
  options: ReplayCliOptions,
  queues: { sqs: SQSClient; dlqUrl: string; queueUrl: string },
  io: { stdout: CliStream; stderr: CliStream; waitTimeSeconds: number | undefined; printJson: boolean },
): Promise<{ code: number; result?: ReplayResult }> {
  const { stdout, stderr } = io;
  const bar =
    stderr.isTTY === true && !options.json
      ? new cliProgress.SingleBar(
          {
            stream: stderr as NodeJS.WritableStream,
            format: "{bar} {value}/{total} scanned | {moved} {verb} | {skipped} skipped",
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  try {
    const total = bar === undefined ? undefined : await approximateDeadLetterCount(queues.sqs, queues.dlqUrl);
    const verb = options.dryRun ? "would move" : "moved";
    bar?.start(Math.max(total ?? 0, 1), 0, { moved: 0, skipped: 0, verb });
    const result = await replayDeadLetters({
      ...queues,
      filter: options.filter,
      dryRun: options.dryRun,
      ...(io.waitTimeSeconds === undefined ? {} : { waitTimeSeconds: io.waitTimeSeconds }),
      onProgress: (progress) => {
        if (bar === undefined) return;
        if (progress.scanned > bar.getTotal()) bar.setTotal(progress.scanned);
        bar.update(progress.scanned, { moved: progress.moved, skipped: progress.skipped, verb });
      },
    });
    bar?.stop();
    if (!options.json) stdout.write(renderReplayResult(result, stdout.isTTY === true));
    else if (io.printJson) stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return { code: result.failed.length > 0 ? 1 : 0, result };
  } catch (error) {
    bar?.stop();
    const name = error instanceof Error ? error.name : "Error";
    const message = error instanceof Error ? error.message : String(error);
    stderr.write(`Replay failed: ${name}: ${message}\n`);
    return { code: 1 };
  }
}

export interface ReplayCliOptions {
  filter: ReplayFilter;
  dryRun: boolean;
  json: boolean;
  help: boolean;
  /** `--local`: run the orders locally first (as `npm start`), then replay that run's DLQ. */
  local?: LocalRunArgs;
}

export function parseReplayArgs(argv: readonly string[]): ReplayCliOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      order: { type: "string" },
      store: { type: "string" },
      reason: { type: "string" },
      "older-than": { type: "string" },
      "newer-than": { type: "string" },
      limit: { type: "string" },
      "dry-run": { type: "boolean" },
      json: { type: "boolean" },
      local: { type: "boolean" },
      orders: { type: "string" },
      config: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (!values.local && (values.orders !== undefined || values.config !== undefined)) {
    throw new Error("--orders and --config go with --local");
  }
  const filter: ReplayFilter = {};
  if (values.order !== undefined) filter.orderId = values.order;
  if (values.store !== undefined) filter.store = values.store;
  if (values.reason !== undefined) {
    if (!reasonCodes.has(values.reason)) {
      throw new Error(`--reason must be one of ${[...reasonCodes].join(", ")}`);
    }
    filter.reason = values.reason;
  }
  if (values["older-than"] !== undefined) filter.olderThanMs = parseDuration(values["older-than"], "--older-than");
  if (values["newer-than"] !== undefined) filter.newerThanMs = parseDuration(values["newer-than"], "--newer-than");
  if (values.limit !== undefined) {
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit <= 0) throw new Error("--limit must be a positive integer");
    filter.limit = limit;
  }
  return {
    filter,
    dryRun: values["dry-run"] ?? false,
    json: values.json ?? false,
    help: values.help ?? false,
    ...(values.local ? { local: { orders: values.orders, config: values.config } } : {}),
  };
}

const reasonCodes: ReadonlySet<string> = new Set(Object.values(ReasonCode));

const durationUnits: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30s`, `30m`, `2h`, `1d`, `1.5h`; a bare number is minutes. */
export function parseDuration(text: string, option = "duration"): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (match === null) throw new Error(`${option} must look like 30s, 30m, 2h or 1d`);
  return Math.round(Number(match[1]) * (durationUnits[match[2] ?? "m"] ?? 60_000));
}

export function renderReplayResult(result: ReplayResult, color = false): string {
  const style = tableStyle(color);
  const lines: string[] = [];
  if (result.moved.length > 0) {
    const table = new Table({ head: ["DLQ message id", "Order", "Reason", "Failed at", "Replay #"], style });
    for (const entry of result.moved) {
      table.push([
        entry.deleted === false ? `${entry.messageId} (still in DLQ)` : entry.messageId,
        entry.orderKey ?? "-",
        entry.reason ?? "(redriven)",
        entry.failedAt ?? "-",
        entry.replayCount,
      ]);
    }
    lines.push(table.toString());
  }
  if (result.failed.length > 0) {
    const table = new Table({ head: ["Not moved (still in DLQ)", "Order", "Error"], style });
    for (const failure of result.failed) table.push([failure.messageId, failure.orderKey ?? "-", failure.code]);
    lines.push(table.toString());
  }
  const end = `${result.limitReached ? " Stopped at --limit: the DLQ may hold more." : ""}${
    result.complete ? "" : " Stopped before the end of the DLQ."
  }`;
  lines.push(
    result.dryRun
      ? `DRY RUN, nothing moved. Would move ${result.moved.length} of ${result.scanned} scanned.${end}`
      : `Moved ${result.moved.length} of ${result.scanned} scanned; ${result.skipped} skipped (left in the DLQ)` +
          `${result.failed.length > 0 ? `; ${result.failed.length} refused by the orders queue (left in the DLQ)` : ""}.${end}`,
  );
  return `${lines.join("\n")}\n`;
}

/** cli-table3 colours headers and borders with ANSI codes; plain when piped to a file or a script. */
export function tableStyle(color: boolean): { head: string[]; border: string[] } | undefined {
  return color ? undefined : { head: [], border: [] };
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  process.exitCode = await runReplayCli(process.argv.slice(2));
}
