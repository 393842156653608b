/**
 * What the worker talks to during the throughput and backlog runs — the ServiceTitan sandbox and
 * local SQS + DynamoDB — each in a child process, so `process.cpuUsage()` and the resident memory
 * of this process are the worker's own (plus the local event-source runner standing in for Lambda's
 * poller, which is light: one receive and one delete per batch).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { ServiceTitanSettings } from "../lib/servicetitan/settings.ts";
import { type LocalAws, type LocalAwsOptions, localCredentials } from "../local/aws.ts";
import type { LocalAwsInfo } from "./aws-process.ts";
import { type ChildHandle, startChild } from "./child.ts";
import type { SandboxProcessOptions, SandboxStats } from "./sandbox-process.ts";

export interface BenchServices {
  aws: LocalAws;
  serviceTitan: ServiceTitanSettings;
  sandbox: {
    stats(): Promise<SandboxStats>;
    reset(): Promise<void>;
    setRateLimit(perSecond: number): Promise<void>;
    setLatency(ms: number): Promise<void>;
    jobOrderKeys(applicationGuid: string): Promise<string[]>;
  };
  /** CPU ms of the SQS + DynamoDB emulators' process since the last `resetAwsCpu`. */
  awsCpuMs(): Promise<number>;
  resetAwsCpu(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBenchServices(options: {
  sandbox: SandboxProcessOptions;
  aws: LocalAwsOptions;
}): Promise<BenchServices> {
  const [awsChild, sandboxChild] = await Promise.all([
    startChild<LocalAwsInfo>("aws-process.ts", options.aws),
    startChild<ServiceTitanSettings>("sandbox-process.ts", options.sandbox),
  ]);
  const info = awsChild.info;
  const sqs = new SQSClient({ region: info.region, endpoint: info.sqsEndpoint, credentials: localCredentials });
  const dynamo = new DynamoDBClient({
    region: info.region,
    endpoint: info.dynamoEndpoint,
    credentials: localCredentials,
  });
  const aws: LocalAws = {
    ...info,
    sqs,
    dynamo,
    async stop() {
      sqs.destroy();
      dynamo.destroy();
      await awsChild.stop();
    },
  };
  return {
    aws,
    serviceTitan: sandboxChild.info,
    sandbox: sandboxApi(sandboxChild),
    awsCpuMs: async () => (await awsChild.call<{ cpuMs: number }>("stats")).cpuMs,
    resetAwsCpu: async () => {
      await awsChild.call("reset");
    },
    async stop() {
      await Promise.allSettled([aws.stop(), sandboxChild.stop()]);
    },
  };
}

function sandboxApi(child: ChildHandle<ServiceTitanSettings>): BenchServices["sandbox"] {
  return {
    stats: () => child.call<SandboxStats>("stats"),
    reset: async () => {
      await child.call("reset");
    },
    setRateLimit: async (perSecond) => {
      await child.call("setRateLimit", perSecond);
    },
    setLatency: async (ms) => {
      await child.call("setLatency", ms);
    },
    jobOrderKeys: (guid) => child.call<string[]>("jobOrderKeys", guid),
  };
}
