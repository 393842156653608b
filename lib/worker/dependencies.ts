/**
 * Builds the worker's dependencies once per container: the ServiceTitan client (token cache, rate
 * limiter), the ledger and creation lock over one DynamoDB client, the SQS client, and the caches
 * (reference check, SKU → item id). The Lambda handler, the local runner, the benchmarks and the
 * tests all come through here, so they run the same wiring with different endpoints.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SyncConfig } from "../config/schema.ts";
import { ReferenceCheck } from "../config/verify-references.ts";
import type { CustomerIndex } from "../customer-index/environment.ts";
import { CreationLock } from "../ledger/creation-lock.ts";
import { OrderLedger } from "../ledger/ledger.ts";
import { PricebookCache } from "../pipeline/pricebook-items.ts";
import { createServiceTitanClient, type ServiceTitanClientOptions } from "../servicetitan/client.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import type { InvocationTiming } from "./invocation-budget.ts";
import type { WorkerDependencies, WorkerObserver } from "./process-batch.ts";

export interface WorkerWiring {
  config: SyncConfig;
  /** A ready client, or the options to create one. */
  serviceTitan: ServiceTitanHttp | ServiceTitanClientOptions;
  dynamo: DynamoDBClient;
  sqs: SQSClient;
  tableName: string;
  queueUrl: string;
  dlqUrl: string;
  recordConcurrency?: number;
  maxReceiveCount?: number;
  retryBackoff?: { baseSeconds: number; maxSeconds: number };
  timing?: InvocationTiming;
  observer?: WorkerObserver;
  /** The customer index; absent, matching searches ServiceTitan live (no e-mail without Contact Management). */
  customerIndex?: CustomerIndex | undefined;
}

/** Default orders in flight per invocation: enough to keep ~60 calls/s busy at ServiceTitan's latency. */
export const defaultRecordConcurrency = 5;

export function createWorkerDependencies(wiring: WorkerWiring): WorkerDependencies {
  const http = "request" in wiring.serviceTitan ? wiring.serviceTitan : createServiceTitanClient(wiring.serviceTitan);
  return {
    http,
    config: wiring.config,
    references: new ReferenceCheck(http, wiring.config),
    ledger: new OrderLedger({ dynamo: wiring.dynamo, tableName: wiring.tableName }),
    creationLock: new CreationLock({ dynamo: wiring.dynamo, tableName: wiring.tableName }),
    pricebookCache: new PricebookCache(),
    customerIndex: wiring.customerIndex,
    sqs: wiring.sqs,
    queueUrl: wiring.queueUrl,
    dlqUrl: wiring.dlqUrl,
    recordConcurrency: wiring.recordConcurrency ?? defaultRecordConcurrency,
    ...(wiring.maxReceiveCount ? { maxReceiveCount: wiring.maxReceiveCount } : {}),
    ...(wiring.retryBackoff ? { retryBackoff: wiring.retryBackoff } : {}),
    ...(wiring.timing ? { timing: wiring.timing } : {}),
    ...(wiring.observer ? { observer: wiring.observer } : {}),
  };
}
