/**
 * Shopify orders in through Amazon EventBridge: Shopify's partner event source delivers each webhook
 * to the partner event bus of the same name; this rule sends the order topics the worker handles to
 * the orders queue, the whole event as the message body (`lib/sources/shopify/`).
 *
 * The `SqsQueue` target adds the queue policy EventBridge needs (the queue has no KMS key, so no key
 * policy): `events.amazonaws.com` may `sqs:SendMessage`, conditioned on `aws:SourceArn` being this
 * rule, so no other rule or account can use that grant. Events EventBridge can't deliver after its
 * retries go to the DLQ (same condition), where `npm run replay` moves them to the orders queue like
 * any dead letter: the body is the event the worker reads.
 */
import { EventBus, Rule } from "aws-cdk-lib/aws-events";
import { SqsQueue } from "aws-cdk-lib/aws-events-targets";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { shopifyDetailType } from "../../lib/sources/shopify/envelope.ts";
import { handledShopifyTopics } from "../../lib/sources/shopify/parse-shopify-event.ts";

export interface ShopifyEventRuleProps {
  readonly envName: string;
  /** `sources.shopify.eventSourceName`: the partner event source, and the name of its event bus. */
  readonly eventSourceName: string;
  readonly ordersQueue: IQueue;
  readonly dlq: IQueue;
}

export class ShopifyEventRule extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: ShopifyEventRuleProps) {
    super(scope, id);
    // The partner event bus exists once the partner event source is associated in the EventBridge
    // console (README, "Connect your store: Shopify"); deploying before that fails on this rule.
    const bus = EventBus.fromEventBusName(this, "PartnerEventBus", props.eventSourceName);
    this.rule = new Rule(this, "OrderTopics", {
      eventBus: bus,
      description: `Shopify order topics to the orders queue (${props.envName})`,
      eventPattern: {
        source: [props.eventSourceName],
        detailType: [shopifyDetailType],
        detail: { metadata: { "X-Shopify-Topic": [...handledShopifyTopics] } },
      },
    });
    this.rule.addTarget(new SqsQueue(props.ordersQueue, { deadLetterQueue: props.dlq }));
  }
}
