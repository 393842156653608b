/**
 * The orders queue and its DLQ. Both SQS-managed SSE (no KMS key to pay for or to grant: the
 * producers and the replay need no `kms:*`) and TLS-only (`enforceSSL` denies `aws:SecureTransport=false`).
 */
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

/**
 * AWS: set the source queue's visibility timeout to at least six times the function timeout
 * (plus the batching window), so a batch retried after throttling is not redelivered while a
 * first attempt is still running.
 */
export const visibilityTimeoutFactor = 6;

/** SQS's maximum: a message that failed permanently stays inspectable/replayable for two weeks. */
export const dlqRetention: Duration = Duration.days(14);

/** Orders are retried for at most this long; shorter than the DLQ's so redriven messages don't expire first. */
export const ordersRetention: Duration = Duration.days(4);

export interface OrderQueuesProps {
  readonly functionTimeout: Duration;
  readonly maxBatchingWindow: Duration;
  /** Receives before SQS moves an order to the DLQ (transient failures get this many tries). */
  readonly maxReceiveCount: number;
  readonly production: boolean;
}

export class OrderQueues extends Construct {
  readonly orders: Queue;
  readonly dlq: Queue;

  constructor(scope: Construct, id: string, props: OrderQueuesProps) {
    super(scope, id);
    const removalPolicy = props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.dlq = new Queue(this, "Dlq", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: dlqRetention,
      // The replay function receives with its own (short) visibility; the default 30 s is fine for it.
      removalPolicy,
    });

    this.orders = new Queue(this, "Orders", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: ordersRetention,
      visibilityTimeout: Duration.seconds(
        props.functionTimeout.toSeconds() * visibilityTimeoutFactor + props.maxBatchingWindow.toSeconds(),
      ),
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: props.maxReceiveCount },
      removalPolicy,
    });
  }
}
