/**
 * A worker in its own process, for tests that kill it (SIGKILL) mid-order: the local event-source
 * runner and the real handler, against the parent's local AWS and ServiceTitan sandbox. Argument:
 * JSON `{ aws, serviceTitan, configFile }`; sends "ready" over IPC, then runs until the queue drains.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { loadSyncConfigFile } from "../../lib/config/parse-config.ts";
import type { ServiceTitanSettings } from "../../lib/servicetitan/settings.ts";
import { type LocalAws, localCredentials } from "../../local/aws.ts";
import { startLocalSession } from "../../local/session.ts";

export interface WorkerChildArgs {
  aws: Omit<LocalAws, "sqs" | "dynamo" | "stop">;
  serviceTitan: ServiceTitanSettings;
  configFile: string;
}

const args = JSON.parse(process.argv[2] ?? "{}") as WorkerChildArgs;
const client = { region: args.aws.region, credentials: localCredentials };
const aws: LocalAws = {
  ...args.aws,
  sqs: new SQSClient({ ...client, endpoint: args.aws.sqsEndpoint }),
  dynamo: new DynamoDBClient({ ...client, endpoint: args.aws.dynamoEndpoint }),
  stop: async () => undefined,
};
const session = await startLocalSession({
  config: loadSyncConfigFile(args.configFile),
  serviceTitan: args.serviceTitan,
  aws,
  timing: { lateWriteMarginMs: 500 },
});
process.send?.("ready");
await session.runUntilDrained({ stallMs: 60_000 });
process.exit(0);
