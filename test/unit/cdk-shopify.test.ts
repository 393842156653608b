/**
 * Issue 14, Shopify in CDK: off by default; naming the partner event source in
 * `sources.shopify.eventSourceName` adds a rule on its partner event bus that sends Shopify's order
 * topics to the orders queue, which lets EventBridge send for that rule only. Synthesized offline,
 * bundling skipped; cdk-nag's AwsSolutions pack runs on the stack with the rule.
 */
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrderSyncApp, type OrderSyncApp } from "../../cdk/build-app.ts";
import { ConfigError } from "../../lib/errors.ts";
import { configDirWith, logicalId, only, type Resource, skipBundling } from "../support/cdk-template.ts";

const synthTimeoutMs = 120_000;
const eventSourceName = "aws.partner/shopify.com/1234567/order-sync";

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function withShopify(shopify: Record<string, unknown>): string {
  return configDirWith("dev", "shop", (config) => Object.assign(config, { sources: { shopify } }), tempDirs);
}

function synth(envName: string, configDir?: string): OrderSyncApp {
  return createOrderSyncApp({ envName, ...(configDir ? { configDir } : {}), appProps: { context: skipBundling } });
}

type Statement = { Effect: string; Principal?: unknown; Action: unknown; Resource: unknown; Condition?: unknown };

function queuePolicyStatements(template: Template, queueId: string): Statement[] {
  return (Object.values(template.findResources("AWS::SQS::QueuePolicy")) as Resource[])
    .filter((policy) => JSON.stringify(policy.Properties.Queues) === JSON.stringify([{ Ref: queueId }]))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

describe("Shopify switched on", () => {
  let built: OrderSyncApp;
  let template: Template;
  let ids: { orders: string; dlq: string; rule: string };

  beforeAll(() => {
    // Prepare / Act
    built = synth("shop", withShopify({ eventSourceName, serviceSkus: ["SVC-*"] }));
    template = Template.fromStack(built.stack);
    const { stack } = built;
    if (!stack.shopify) throw new Error("no Shopify rule");
    ids = {
      orders: logicalId(stack, stack.queues.orders),
      dlq: logicalId(stack, stack.queues.dlq),
      rule: logicalId(stack, stack.shopify.rule),
    };
  }, synthTimeoutMs);

  it("adds a rule on the partner event bus matching Shopify's detail-type and the handled topics", () => {
    // Act
    const rule = only(template, "AWS::Events::Rule", ids.rule).Properties;

    // Assess
    expect(rule.EventBusName).toBe(eventSourceName);
    expect(rule.State).toBe("ENABLED");
    expect(rule.EventPattern).toEqual({
      source: [eventSourceName],
      "detail-type": ["shopifyWebhook"],
      detail: {
        metadata: { "X-Shopify-Topic": ["orders/paid", "orders/updated", "orders/cancelled", "refunds/create"] },
      },
    });
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: { "Fn::GetAtt": [ids.orders, "Arn"] },
        DeadLetterConfig: { Arn: { "Fn::GetAtt": [ids.dlq, "Arn"] } },
      }),
    ]);
  });

  it("lets events.amazonaws.com send to the orders queue and the DLQ for that rule only", () => {
    // Prepare
    const forRule = { ArnEquals: { "aws:SourceArn": { "Fn::GetAtt": [ids.rule, "Arn"] } } };

    // Act
    const allows = (queueId: string) =>
      queuePolicyStatements(template, queueId).filter((statement) => statement.Effect === "Allow");

    // Assess
    for (const queueId of [ids.orders, ids.dlq]) {
      const statements = allows(queueId);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatchObject({ Principal: { Service: "events.amazonaws.com" }, Condition: forRule });
      expect([statements[0]?.Action].flat()).toContain("sqs:SendMessage");
    }
  });

  it("passes cdk-nag AwsSolutions with nothing unacknowledged", () => {
    // Act
    const assembly = built.app.synth();
    const report = JSON.parse(readFileSync(path.join(assembly.directory, "validation-report.json"), "utf8")) as {
      pluginReports: { violations?: unknown[] }[];
    };

    // Assess
    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });
});

describe("Shopify off (the default)", () => {
  it(
    "adds no rule, and no queue policy lets anyone send",
    () => {
      // Act
      const built = synth("dev");
      const template = Template.fromStack(built.stack);

      // Assess
      expect(built.stack.shopify).toBeUndefined();
      expect(template.findResources("AWS::Events::Rule")).toEqual({});
      const statements = queuePolicyStatements(template, logicalId(built.stack, built.stack.queues.orders));
      expect(statements.filter((statement) => statement.Effect === "Allow")).toEqual([]);
    },
    synthTimeoutMs,
  );

  it("rejects an event source name that isn't Shopify's, naming the key", () => {
    // Act
    const act = () => synth("shop", withShopify({ eventSourceName: "default" }));

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/sources\.shopify\.eventSourceName: Expected the partner event source name/);
  });
});
