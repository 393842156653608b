/**
 * Issue 14 in CDK: the WooCommerce webhook receiver is off by default and, with
 * `sources.woocommerce.webhookReceiver`, a function URL (auth NONE: the signature is the auth) on its
 * own role that may only send to the orders queue and read its generated secret; cdk-nag clean.
 * Synthesized offline, bundling skipped.
 */
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { Template } from "aws-cdk-lib/assertions";
import { afterAll, describe, expect, it } from "vitest";
import { createOrderSyncApp } from "../../cdk/build-app.ts";
import { ConfigError } from "../../lib/errors.ts";
import {
  configDirWith,
  logicalId,
  only,
  type Resource,
  roleStatements,
  skipBundling,
} from "../support/cdk-template.ts";

const synthTimeoutMs = 120_000;
const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function withWooCommerce(woocommerce: unknown): string {
  return configDirWith("dev", "woo", (config) => Object.assign(config, { sources: { woocommerce } }), tempDirs);
}

describe("WooCommerce webhook receiver in CDK", () => {
  it(
    "is not deployed by default",
    () => {
      const built = createOrderSyncApp({ envName: "dev", appProps: { context: skipBundling } });
      const template = Template.fromStack(built.stack);
      expect(built.stack.wooCommerceWebhook).toBeUndefined();
      expect(Object.keys(template.findResources("AWS::Lambda::Url"))).toEqual([]);
    },
    synthTimeoutMs,
  );

  it(
    "is a function URL with auth NONE that may only send to the orders queue and read its secret; cdk-nag clean",
    () => {
      // Prepare
      const configDir = withWooCommerce({ webhookReceiver: true, store: "shop.example.com" });

      // Act
      const built = createOrderSyncApp({ envName: "woo", configDir, appProps: { context: skipBundling } });
      const template = Template.fromStack(built.stack);
      const assembly = built.app.synth();

      // Assess: the URL
      const webhook = built.stack.wooCommerceWebhook;
      if (!webhook) throw new Error("the receiver was not deployed");
      const functionId = logicalId(built.stack, webhook.function);
      const urls = Object.values(template.findResources("AWS::Lambda::Url")) as Resource[];
      expect(urls.map((url) => url.Properties)).toEqual([
        { AuthType: "NONE", TargetFunctionArn: { "Fn::GetAtt": [functionId, "Arn"] } },
      ]);
      // Its environment: names and the woocommerce key only, never a secret value.
      const fn = only(template, "AWS::Lambda::Function", functionId).Properties;
      const variables = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(Object.keys(variables).sort()).toEqual([
        "NODE_OPTIONS",
        "ORDERS_QUEUE_URL",
        "POWERTOOLS_LOG_LEVEL",
        "POWERTOOLS_METRICS_NAMESPACE",
        "POWERTOOLS_SERVICE_NAME",
        "WOOCOMMERCE_SOURCE",
        "WOOCOMMERCE_WEBHOOK_SECRET_NAME",
      ]);
      expect(JSON.parse(variables.WOOCOMMERCE_SOURCE as string)).toMatchObject({
        webhookReceiver: true,
        store: "shop.example.com",
        paidStatuses: ["processing", "completed"],
      });
      // Its permissions: sending to the orders queue, reading its own secret, writing its logs.
      const roleId = (fn.Role as { "Fn::GetAtt": string[] })["Fn::GetAtt"][0] as string;
      const statements = roleStatements(template, roleId);
      const ordersQueueId = logicalId(built.stack, built.stack.queues.orders);
      const secretId = logicalId(built.stack, webhook.secret);
      expect(statements).toContainEqual({
        actions: ["sqs:SendMessage"],
        resource: JSON.stringify({ "Fn::GetAtt": [ordersQueueId, "Arn"] }),
      });
      expect(statements).toContainEqual({
        actions: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
        resource: JSON.stringify({ Ref: secretId }),
      });
      expect(statements.flatMap((s) => s.actions).sort()).toEqual([
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetSecretValue",
        "sqs:SendMessage",
      ]);
      expect(Object.keys(template.findOutputs("*"))).toEqual(
        expect.arrayContaining(["WooCommerceWebhookUrl", "WooCommerceWebhookSecretName"]),
      );
      // cdk-nag: nothing unacknowledged.
      const report = JSON.parse(readFileSync(path.join(assembly.directory, "validation-report.json"), "utf8")) as {
        pluginReports: { violations?: unknown[] }[];
      };
      expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
    },
    synthTimeoutMs,
  );

  it("rejects a bad sources.woocommerce key at synth, naming it", () => {
    const configDir = withWooCommerce({ webhookReceiver: true, paidStatuses: ["processing", "cancelled"] });
    const attempt = () => createOrderSyncApp({ envName: "woo", configDir, appProps: { context: skipBundling } });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/sources\.woocommerce\.paidStatuses/);
  });
});
