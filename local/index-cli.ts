/**
 * `npm run index -- --status` and `npm run index -- --rebuild`: the customer index's feeds (position,
 * last read, records, skipped rows, restarts, backfill), its lag, and a rebuild from the export feeds
 * with a progress bar. Finds the index the way `npm run status` finds the ledger, or in the local
 * state folder of a real tenant, or builds one against the sandbox (`local/index-target.ts`).
 * Prints ids, counts and times only: the index holds no readable personal data.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import type { FeedProgress } from "../lib/customer-index/refresh.ts";
import { refreshCustomerIndex } from "../lib/customer-index/refresh.ts";
import { type CustomerIndexStatus, readCustomerIndexStatus } from "../lib/customer-index/status.ts";
import { feeds } from "../lib/customer-index/table.ts";
import { SyncError } from "../lib/errors.ts";
import { maskString } from "../lib/observability/redact.ts";
import { renderIndexStatus, statusJson } from "./index-status.ts";
import { type IndexTarget, openIndexTarget } from "./index-target.ts";
import type { CliStream } from "./replay-cli.ts";

export const indexUsage = `Usage:
  npm run index -- --status [--json] [--state <dir>]
  npm run index -- --rebuild [--json] [--state <dir>]

--status   each export feed's position, last read, records, skipped rows and restarts, whether the
           backfill is complete, and how far the index is behind ServiceTitan (its lag)
--rebuild  read every export feed again from the beginning (a progress bar on a terminal);
           matching keeps working meanwhile, and nothing is deleted first

Which index:
  CUSTOMER_INDEX_TABLE_NAME set   that table (AWS_REGION; DYNAMODB_ENDPOINT for dynalite); --rebuild
                                  also reads the HMAC key (CUSTOMER_INDEX_HMAC_SECRET_NAME or
                                  CUSTOMER_INDEX_HMAC_KEY) and ServiceTitan (ST_SECRET_NAME or the
                                  ST_* credentials, ST_TENANT_ID, ST_API_URL, ST_AUTH_URL)
  ST_* credentials set            the local state of that tenant, as npm start keeps it:
                                  .state/<ServiceTitan host>-<tenant id>/, or --state <dir>
  neither                         --rebuild builds an index of the sandbox's seeded tenant in
                                  memory and shows it (--status has nothing to read)
`;

export interface IndexCliDeps {
  env?: NodeJS.ProcessEnv;
  stdout?: CliStream;
  stderr?: CliStream;
  /** Where the per-tenant state folders are (default `.state/`); tests use a temp dir. */
  stateRoot?: string;
}

type IndexCommand = { kind: "help" } | { kind: "status" | "rebuild"; json: boolean; state: string | undefined };

export function parseIndexArgs(argv: readonly string[]): IndexCommand {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      status: { type: "boolean" },
      rebuild: { type: "boolean" },
      json: { type: "boolean" },
      state: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return { kind: "help" };
  if (values.status === values.rebuild) throw new Error("Give either --status or --rebuild");
  return { kind: values.rebuild ? "rebuild" : "status", json: values.json ?? false, state: values.state };
}

/** Exit codes: 0 done, 1 the index or ServiceTitan could not be read, 2 usage or configuration error. */
export async function runIndexCli(argv: readonly string[], deps: IndexCliDeps = {}): Promise<number> {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  let command: IndexCommand;
  try {
    command = parseIndexArgs(argv);
  } catch (error) {
    stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${indexUsage}`);
    return 2;
  }
  if (command.kind === "help") {
    stdout.write(indexUsage);
    return 0;
  }
  let target: IndexTarget;
  try {
    target = await openIndexTarget(deps.env ?? process.env, {
      state: command.state,
      forRebuild: command.kind === "rebuild",
      ...(deps.stateRoot === undefined ? {} : { stateRoot: deps.stateRoot }),
    });
  } catch (error) {
    if (!(error instanceof SyncError)) throw error;
    stderr.write(`${error.message}\n\n${indexUsage}`);
    return 2;
  }
  if (!command.json) stderr.write(`Customer index: ${target.where}\n`);
  try {
    if (command.kind === "status") {
      const status = await readCustomerIndexStatus(target.store);
      stdout.write(command.json ? statusJson(status) : renderIndexStatus(status, stdout.isTTY === true));
      return 0;
    }
    const rebuilt = await rebuild(target, stderr, command.json);
    const status = await readCustomerIndexStatus(target.store);
    if (command.json) {
      stdout.write(`${JSON.stringify({ rebuilt, status: JSON.parse(statusJson(status)) }, null, 2)}\n`);
    } else {
      const rows = rebuilt.feeds.reduce((sum, f) => sum + f.rows, 0);
      stdout.write(
        `Rebuilt: ${rows} feed rows read in ${rebuilt.serviceTitanCalls} ServiceTitan calls${rebuilt.caughtUp ? "" : " (stopped before the end of every feed: run it again to carry on)"}\n`,
      );
      stdout.write(renderIndexStatus(status, stdout.isTTY === true));
    }
    return rebuilt.caughtUp ? 0 : 1;
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    const message = error instanceof Error ? maskString(error.message) : "";
    stderr.write(`Customer index ${command.kind} failed: ${name}: ${message}\n`);
    return 1;
  } finally {
    await target.close();
  }
}

interface RebuildResult {
  feeds: FeedProgress[];
  caughtUp: boolean;
  serviceTitanCalls: number;
}

/**
 * Forgets every feed's position, then reads each feed to its end. Records stay: re-read rows replace
 * them, so matching keeps its candidates throughout. The bar's total is what the index held before
 * (a rebuild usually re-reads about that much); a first build grows it as rows arrive.
 */
async function rebuild(target: IndexTarget, stderr: CliStream, json: boolean): Promise<RebuildResult> {
  const refresh = await target.refreshDependencies();
  const before: CustomerIndexStatus = await readCustomerIndexStatus(target.store);
  const bar =
    stderr.isTTY === true && !json
      ? new cliProgress.SingleBar(
          {
            stream: stderr as NodeJS.WritableStream,
            format: "{bar} {value}/{total} feed rows | {feedsDone}/{feedCount} feeds done | {calls} calls",
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  const rowsByFeed = new Map<string, number>();
  const done = new Set<string>();
  const callsBefore = refresh.http.stats.calls;
  bar?.start(Math.max(1, before.records + before.skippedRows), 0, {
    feedsDone: 0,
    feedCount: feeds.length,
    calls: 0,
  });
  await Promise.all(feeds.map((feed) => target.store.resetFeed(feed)));
  try {
    const result = await refreshCustomerIndex(refresh, {
      onPage: (progress) => {
        rowsByFeed.set(progress.feed, progress.rows);
        if (progress.reachedEnd) done.add(progress.feed);
        if (bar === undefined) return;
        const rows = [...rowsByFeed.values()].reduce((sum, n) => sum + n, 0);
        if (rows > bar.getTotal()) bar.setTotal(rows);
        bar.update(rows, {
          feedsDone: done.size,
          feedCount: feeds.length,
          calls: refresh.http.stats.calls - callsBefore,
        });
      },
    });
    return {
      feeds: result.feeds,
      caughtUp: result.caughtUp,
      serviceTitanCalls: refresh.http.stats.calls - callsBefore,
    };
  } finally {
    bar?.stop();
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  process.exitCode = await runIndexCli(process.argv.slice(2));
}
