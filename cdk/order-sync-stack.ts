/**
 * Everything one environment runs in AWS: the orders queue and DLQ, the step ledger, the customer
 * index and its scheduled refresh, the order-sync and DLQ-replay functions, alarms and a dashboard.
 * ServiceTitan credentials live in a Secrets Manager secret the operator creates; the stack only
 * references it by name. The index's HMAC key is a secret the stack generates.
 */
import { CfnOutput, Duration, Stack, type StackProps } from "aws-cdk-lib";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type { NodejsFunction } from "aws-cdk-lib/aws-lambda-nodejs";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";
import { AlarmTopic } from "./constructs/alarm-topic.ts";
import { CustomerIndex } from "./constructs/customer-index.ts";
import { HandlerFunction } from "./constructs/handler-function.ts";
import { IndexRefreshSchedule } from "./constructs/index-refresh-schedule.ts";
import { LedgerTable } from "./constructs/ledger-table.ts";
import { OrderQueues } from "./constructs/order-queues.ts";
import { ShopifyEventRule } from "./constructs/shopify-event-rule.ts";
import { SyncAlarms } from "./constructs/sync-alarms.ts";
import { SyncDashboard } from "./constructs/sync-dashboard.ts";
import { WooCommerceWebhook } from "./constructs/woocommerce-webhook.ts";
import type { EnvironmentConfig } from "./environment-config.ts";
import {
  assertBatchFitsTimeout,
  dlqReplayEnvironment,
  indexRefreshEnvironment,
  orderSyncEnvironment,
  serviceName,
} from "./worker-environment.ts";

/**
 * Above ServiceTitan's 100 s request timeout, so a single slow call fails inside the handler
 * (as a transient error the handler reports) instead of killing the whole batch.
 */
export const orderSyncTimeout: Duration = Duration.seconds(150);
/** Replay is receive → send → delete in pages; an operator re-invokes it for big DLQs. */
export const dlqReplayTimeout: Duration = Duration.seconds(300);
/**
 * A refresh reads every export feed to its end; a first backfill that needs longer stops before the
 * timeout with its feed positions saved, and the next scheduled run carries on from them.
 */
export const indexRefreshTimeout: Duration = Duration.seconds(600);

/**
 * The ledger calls the Lambda makes: single-item reads and conditional writes only (no
 * transactions, queries or batches: see `lib/ledger/table.ts`). `Ledger.list`'s Scan is for the
 * ops status CLI, which runs with the operator's credentials. Add an action here when the
 * pipeline starts using one.
 */
export const ledgerActions: readonly string[] = [
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
];

export function stackName(envName: string): string {
  return `OrderSync-${envName}`;
}

export interface OrderSyncStackProps extends StackProps {
  readonly environment: EnvironmentConfig;
}

export class OrderSyncStack extends Stack {
  readonly queues: OrderQueues;
  readonly ledger: LedgerTable;
  readonly customerIndex: CustomerIndex;
  readonly orderSync: NodejsFunction;
  readonly indexRefresh: NodejsFunction;
  readonly dlqReplay: NodejsFunction;
  readonly alarmTopic: AlarmTopic;
  readonly alarms: SyncAlarms;
  readonly dashboard: SyncDashboard;
  /** Present when `sources.shopify.eventSourceName` names Shopify's partner event source. */
  readonly shopify: ShopifyEventRule | undefined;
  /** Only with `sources.woocommerce.webhookReceiver` on. */
  readonly wooCommerceWebhook: WooCommerceWebhook | undefined;

  constructor(scope: Construct, id: string, props: OrderSyncStackProps) {
    super(scope, id, props);
    const env = props.environment;
    const { deploy } = env;
    assertBatchFitsTimeout(env, orderSyncTimeout.toSeconds());
    const maxBatchingWindow = Duration.seconds(deploy.maxBatchingWindowSeconds);

    this.queues = new OrderQueues(this, "Queues", {
      functionTimeout: orderSyncTimeout,
      maxBatchingWindow,
      maxReceiveCount: deploy.maxReceiveCount,
      production: deploy.production,
    });
    const { orders, dlq } = this.queues;
    this.ledger = new LedgerTable(this, "Ledger", { production: deploy.production });
    const table = this.ledger.table;
    this.customerIndex = new CustomerIndex(this, "CustomerIndex", { production: deploy.production });
    const index = {
      tableName: this.customerIndex.table.tableName,
      hmacSecretName: this.customerIndex.hmacKey.secretName,
    };

    // --- order-sync -------------------------------------------------------------------------
    const orderSync = new HandlerFunction(this, "OrderSync", {
      entry: "functions/order-sync.ts",
      description: `Syncs storefront orders into ServiceTitan (${env.envName})`,
      timeout: orderSyncTimeout,
      // Mostly waiting on HTTP; 512 MB buys the CPU share for zod parsing and init without paying for idle memory.
      memorySize: 512,
      environment: orderSyncEnvironment(env, {
        tableName: table.tableName,
        ordersQueueUrl: orders.queueUrl,
        dlqUrl: dlq.queueUrl,
        customerIndex: index,
      }),
      deploy,
    });
    this.orderSync = orderSync.function;
    // Receive, delete, change visibility (retry back-off) on the orders queue.
    this.orderSync.addEventSource(
      new SqsEventSource(orders, {
        batchSize: deploy.batchSize,
        maxBatchingWindow: deploy.maxBatchingWindowSeconds > 0 ? maxBatchingWindow : undefined,
        // ServiceTitan's 60 calls/s is per tenant: concurrency is the throttle, not Lambda's scaling.
        maxConcurrency: deploy.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
    // Permanent failures go to the DLQ at once (with the reason attribute), not after maxReceiveCount tries.
    dlq.grantSendMessages(this.orderSync);
    table.grant(this.orderSync, ...ledgerActions);
    // By name: the operator creates and rotates the value; CloudFormation never sees it.
    const secret = Secret.fromSecretNameV2(this, "ServiceTitanCredentials", deploy.secretName);
    secret.grantRead(this.orderSync);
    // The worker writes what it creates into the index and catches it up before matching.
    this.customerIndex.grantUse(this.orderSync);

    // --- customer-index refresh -------------------------------------------------------------
    const indexRefresh = new HandlerFunction(this, "IndexRefresh", {
      entry: "functions/customer-index-refresh.ts",
      description: `Reads ServiceTitan's export feeds into the customer index (${env.envName})`,
      timeout: indexRefreshTimeout,
      // Feed pages of 1,000 rows are processed one at a time; the backfill bench stays far below this.
      memorySize: 512,
      environment: indexRefreshEnvironment(env, { customerIndex: index }),
      deploy,
    });
    this.indexRefresh = indexRefresh.function;
    this.customerIndex.grantUse(this.indexRefresh);
    secret.grantRead(this.indexRefresh);
    new IndexRefreshSchedule(this, "IndexRefreshSchedule", {
      envName: env.envName,
      target: this.indexRefresh,
      interval: Duration.minutes(env.sync.customerIndex.refreshIntervalMinutes),
    });

    // --- dlq-replay -------------------------------------------------------------------------
    const dlqReplay = new HandlerFunction(this, "DlqReplay", {
      entry: "functions/dlq-replay.ts",
      description: `Moves orders from the DLQ back to the orders queue (${env.envName})`,
      timeout: dlqReplayTimeout,
      memorySize: 256,
      environment: dlqReplayEnvironment(env, { ordersQueueUrl: orders.queueUrl, dlqUrl: dlq.queueUrl }),
      deploy,
    });
    this.dlqReplay = dlqReplay.function;
    dlq.grantConsumeMessages(this.dlqReplay);
    orders.grantSendMessages(this.dlqReplay);

    // --- storefront sources (off unless configured) -------------------------------------------
    const shopifySource = env.sync.sources.shopify?.eventSourceName;
    this.shopify = shopifySource
      ? new ShopifyEventRule(this, "ShopifyEvents", {
          envName: env.envName,
          eventSourceName: shopifySource,
          ordersQueue: orders,
          dlq,
        })
      : undefined;
    // --- WooCommerce webhook receiver (off by default) ------------------------------------------
    this.wooCommerceWebhook = env.sync.sources.woocommerce?.webhookReceiver
      ? new WooCommerceWebhook(this, "WooCommerceWebhook", { environment: env, ordersQueue: orders })
      : undefined;

    // --- observability ----------------------------------------------------------------------
    const topic = new AlarmTopic(this, "AlarmTopic", {
      alarmEmail: deploy.alarmEmail,
      production: deploy.production,
    });
    this.alarmTopic = topic;
    const service = serviceName(env.envName);
    this.alarms = new SyncAlarms(this, "Alarms", {
      envName: env.envName,
      serviceName: service,
      ordersQueue: orders,
      dlq,
      orderSyncFunction: this.orderSync,
      dlqReplayFunction: this.dlqReplay,
      indexRefreshFunction: this.indexRefresh,
      indexRefreshInterval: Duration.minutes(env.sync.customerIndex.refreshIntervalMinutes),
      topic: topic.topic,
    });
    this.dashboard = new SyncDashboard(this, "Dashboard", {
      envName: env.envName,
      serviceName: service,
      ordersQueue: orders,
      dlq,
      orderSyncFunction: this.orderSync,
      indexRefreshFunction: this.indexRefresh,
      indexRefreshInterval: Duration.minutes(env.sync.customerIndex.refreshIntervalMinutes),
      alarms: this.alarms.alarms,
    });

    new CfnOutput(this, "OrdersQueueUrl", { value: orders.queueUrl });
    new CfnOutput(this, "OrdersQueueArn", { value: orders.queueArn });
    new CfnOutput(this, "DlqUrl", { value: dlq.queueUrl });
    new CfnOutput(this, "LedgerTableName", { value: table.tableName });
    new CfnOutput(this, "CustomerIndexTableName", { value: index.tableName });
    new CfnOutput(this, "CustomerIndexHmacSecretName", { value: index.hmacSecretName });
    new CfnOutput(this, "IndexRefreshFunctionName", { value: this.indexRefresh.functionName });
    new CfnOutput(this, "OrderSyncFunctionName", { value: this.orderSync.functionName });
    new CfnOutput(this, "DlqReplayFunctionName", { value: this.dlqReplay.functionName });
    new CfnOutput(this, "AlarmTopicArn", { value: topic.topic.topicArn });
  }
}
