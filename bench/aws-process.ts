/**
 * fauxqs and dynalite in their own process: in AWS, SQS and DynamoDB run elsewhere, so the
 * emulators' CPU and memory must not be counted as the worker's. Reports the endpoints and resource
 * names when ready (`startBenchServices` turns them back into a `LocalAws` in the parent); answers
 * `stats` (this process's CPU since the last `reset`) and `reset`.
 */
import { type LocalAws, type LocalAwsOptions, startLocalAws } from "../local/aws.ts";
import { serveParent } from "./child.ts";

export type LocalAwsInfo = Omit<LocalAws, "sqs" | "dynamo" | "stop">;

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? "{}") as LocalAwsOptions;
  const { sqs: _sqs, dynamo: _dynamo, stop, ...info } = await startLocalAws(options);
  let cpuAtReset = process.cpuUsage();
  serveParent(
    info satisfies LocalAwsInfo,
    {
      stats: () => {
        const cpu = process.cpuUsage(cpuAtReset);
        return { cpuMs: (cpu.user + cpu.system) / 1000 };
      },
      reset: () => {
        cpuAtReset = process.cpuUsage();
        return true;
      },
    },
    stop,
  );
}

await main();
