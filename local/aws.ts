/**
 * The local AWS world: fauxqs (SQS) and dynalite (DynamoDB, in memory, or on disk when given a
 * folder), both bound to 127.0.0.1 on free ports, with the orders queue, its DLQ (redrive after
 * `maxReceiveCount` receives), the ledger table and the customer index table created through the real
 * AWS SDK calls the CDK stack's resources answer in AWS. Queues always start empty; tables on disk are
 * kept between runs. Used by the vitest integration tests, the local runner (`npm start`), the index
 * CLI and the benchmarks.
 */
import type { AddressInfo } from "node:net";
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import dynalite from "dynalite";
import { startFauxqs } from "fauxqs";
import { customerIndexTableKeySchema, defaultCustomerIndexTableName } from "../lib/customer-index/table.ts";
import { ledgerTableKeySchema } from "../lib/ledger/table.ts";
import { useLocalBodyCodec } from "./sqs-body-codec.ts";

export interface LocalAwsOptions {
  /** Receives before SQS's redrive moves a message to the DLQ (the CDK default is 5 too). */
  maxReceiveCount?: number;
  /** Seconds a received message stays invisible; the Lambda default would be 6× the timeout. */
  visibilityTimeoutSeconds?: number;
  queueName?: string;
  tableName?: string;
  /** The customer index table (`lib/customer-index/table.ts`); default `order-sync-customer-index`. */
  indexTableName?: string;
  /**
   * A folder for dynalite's LevelDB store: the tables and their items outlive this process, and a
   * table that already exists there is reused. Default: in memory, gone when stopped.
   */
  dynamoPath?: string;
}

export interface LocalAws {
  readonly region: string;
  readonly sqsEndpoint: string;
  readonly dynamoEndpoint: string;
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly queueArn: string;
  readonly tableName: string;
  /** The customer index table, created with its `byLookupKey` global secondary index. */
  readonly indexTableName: string;
  readonly maxReceiveCount: number;
  readonly visibilityTimeoutSeconds: number;
  /** SDK clients already pointed at the local endpoints (static dummy credentials). */
  readonly sqs: SQSClient;
  readonly dynamo: DynamoDBClient;
  stop(): Promise<void>;
}

/** Local emulators accept any credentials; fixed dummies keep the SDK from searching the machine for real ones. */
export const localCredentials = { accessKeyId: "local", secretAccessKey: "local" } as const;
export const localRegion = "us-east-1";

export interface LocalDynamo {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly indexTableName: string;
  stop(): Promise<void>;
}

/** dynalite alone, with the ledger and customer index tables (created unless kept on disk). */
export async function startLocalDynamo(
  options: { path?: string; tableName?: string; indexTableName?: string } = {},
): Promise<LocalDynamo> {
  const tableName = options.tableName ?? "order-sync-ledger";
  const indexTableName = options.indexTableName ?? defaultCustomerIndexTableName;
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ region: localRegion, endpoint, credentials: localCredentials });
  const stop = async () => {
    client.destroy();
    // Closing the server closes the LevelDB store, flushing it to disk.
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    await ensureTable(client, { TableName: tableName, BillingMode: "PAY_PER_REQUEST", ...ledgerTableKeySchema });
    await ensureTable(client, {
      TableName: indexTableName,
      BillingMode: "PAY_PER_REQUEST",
      ...customerIndexTableKeySchema,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, client, tableName, indexTableName, stop };
}

export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const maxReceiveCount = options.maxReceiveCount ?? 5;
  const visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 30;
  const queueName = options.queueName ?? "orders";

  const [fauxqs, dynamo] = await Promise.all([
    startFauxqs({ port: 0, host: "127.0.0.1", logger: false }),
    startLocalDynamo({
      ...(options.dynamoPath === undefined ? {} : { path: options.dynamoPath }),
      ...(options.tableName === undefined ? {} : { tableName: options.tableName }),
      ...(options.indexTableName === undefined ? {} : { indexTableName: options.indexTableName }),
    }),
  ]);
  const sqsEndpoint = `http://127.0.0.1:${fauxqs.port}`;

  // An explicit endpoint matters: without it the SDK resolves the queue URL's host (stack.md trap).
  const sqs = new SQSClient({ region: localRegion, endpoint: sqsEndpoint, credentials: localCredentials });
  // Real SQS carries characters above U+FFFF; fauxqs refuses them unless they are escaped.
  useLocalBodyCodec(sqs);

  const stop = async () => {
    sqs.destroy();
    await Promise.allSettled([fauxqs.stop(), dynamo.stop()]);
  };

  try {
    const dlq = await sqs.send(
      new CreateQueueCommand({ QueueName: `${queueName}-dlq`, Attributes: { MessageRetentionPeriod: "1209600" } }),
    );
    const dlqUrl = required(dlq.QueueUrl, "DLQ url");
    const dlqAttributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }),
    );
    const dlqArn = required(dlqAttributes.Attributes?.QueueArn, "DLQ arn");
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: queueName,
        Attributes: {
          VisibilityTimeout: String(visibilityTimeoutSeconds),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
        },
      }),
    );
    const queueUrl = required(queue.QueueUrl, "queue url");
    const queueAttributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
    );

    return {
      region: localRegion,
      sqsEndpoint,
      dynamoEndpoint: dynamo.endpoint,
      queueUrl,
      dlqUrl,
      queueArn: required(queueAttributes.Attributes?.QueueArn, "queue arn"),
      tableName: dynamo.tableName,
      indexTableName: dynamo.indexTableName,
      maxReceiveCount,
      visibilityTimeoutSeconds,
      sqs,
      dynamo: dynamo.client,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Creates the table unless a store kept on disk already has it (a second run against the same state). */
export async function ensureTable(dynamo: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  const tableName = required(input.TableName, "table name");
  try {
    await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await dynamo.send(new CreateTableCommand(input));
  }
  await waitForActiveTable(dynamo, tableName);
}

async function waitForActiveTable(dynamo: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === "ACTIVE") return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`Local table ${tableName} did not become active`);
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`Local AWS setup returned no ${what}`);
  return value;
}
