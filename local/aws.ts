/**
 * The local AWS world: fauxqs (SQS) and dynalite (DynamoDB, in memory), both bound to 127.0.0.1 on
 * free ports, with the orders queue, its DLQ (redrive after `maxReceiveCount` receives) and the
 * ledger table created through the real AWS SDK calls the CDK stack's resources answer in AWS.
 * Used by the vitest integration tests, the local runner (`npm start`) and the benchmarks.
 */
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import dynalite from "dynalite";
import { startFauxqs } from "fauxqs";
import { ledgerTableKeySchema } from "../lib/ledger/table.ts";
import { useLocalBodyCodec } from "./sqs-body-codec.ts";

export interface LocalAwsOptions {
  /** Receives before SQS's redrive moves a message to the DLQ (the CDK default is 5 too). */
  maxReceiveCount?: number;
  /** Seconds a received message stays invisible; the Lambda default would be 6× the timeout. */
  visibilityTimeoutSeconds?: number;
  queueName?: string;
  tableName?: string;
}

export interface LocalAws {
  readonly region: string;
  readonly sqsEndpoint: string;
  readonly dynamoEndpoint: string;
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly queueArn: string;
  readonly tableName: string;
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

export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const maxReceiveCount = options.maxReceiveCount ?? 5;
  const visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 30;
  const queueName = options.queueName ?? "orders";
  const tableName = options.tableName ?? "order-sync-ledger";

  const fauxqs = await startFauxqs({ port: 0, host: "127.0.0.1", logger: false });
  const dynamoServer = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    dynamoServer.once("error", reject);
    dynamoServer.listen(0, "127.0.0.1", () => resolve());
  });
  const sqsEndpoint = `http://127.0.0.1:${fauxqs.port}`;
  const dynamoEndpoint = `http://127.0.0.1:${(dynamoServer.address() as AddressInfo).port}`;

  // An explicit endpoint matters: without it the SDK resolves the queue URL's host (stack.md trap).
  const sqs = new SQSClient({ region: localRegion, endpoint: sqsEndpoint, credentials: localCredentials });
  // Real SQS carries characters above U+FFFF; fauxqs refuses them unless they are escaped.
  useLocalBodyCodec(sqs);
  const dynamo = new DynamoDBClient({ region: localRegion, endpoint: dynamoEndpoint, credentials: localCredentials });

  const stop = async () => {
    sqs.destroy();
    dynamo.destroy();
    await Promise.allSettled([fauxqs.stop(), new Promise<void>((resolve) => dynamoServer.close(() => resolve()))]);
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

    await dynamo.send(
      new CreateTableCommand({ TableName: tableName, BillingMode: "PAY_PER_REQUEST", ...ledgerTableKeySchema }),
    );
    await waitForActiveTable(dynamo, tableName);

    return {
      region: localRegion,
      sqsEndpoint,
      dynamoEndpoint,
      queueUrl,
      dlqUrl,
      queueArn: required(queueAttributes.Attributes?.QueueArn, "queue arn"),
      tableName,
      maxReceiveCount,
      visibilityTimeoutSeconds,
      sqs,
      dynamo,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
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
