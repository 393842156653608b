/**
 * The per-environment CDK stack, synthesized offline (no AWS credentials): queues, ledger table,
 * functions, IAM, secret by name, alarms, dashboard, config failures and cdk-nag. Each stack is
 * built once per file: `dev` with the real esbuild bundle, `prod` without (bundling skipped).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Match, Template } from "aws-cdk-lib/assertions";
import { Queue } from "aws-cdk-lib/aws-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrderSyncApp, type OrderSyncApp } from "../../cdk/build-app.ts";
import { loadEnvironmentConfig } from "../../cdk/environment-config.ts";
import { orderSyncTimeout } from "../../cdk/order-sync-stack.ts";
import { parseSyncConfig } from "../../lib/config/parse-config.ts";
import { ConfigError } from "../../lib/errors.ts";
import {
  logicalId,
  only,
  type Resource,
  roleStatements,
  skipBundling as skipBundlingOnly,
} from "../support/cdk-template.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
/** The feature flags `cdk synth` applies from cdk.json: the tests synthesize the template the CLI deploys. */
const featureFlags = (JSON.parse(readFileSync(path.join(repoRoot, "cdk.json"), "utf8")) as { context: object }).context;
const skipBundling = { ...featureFlags, ...skipBundlingOnly };
/** Synthesis is CPU-bound (2–4 s per stack, plus esbuild for dev); generous for a loaded 2-core CI box. */
const synthTimeoutMs = 120_000;

function getAtt(id: string): string {
  return JSON.stringify({ "Fn::GetAtt": [id, "Arn"] });
}

const consume = [
  "sqs:ChangeMessageVisibility",
  "sqs:DeleteMessage",
  "sqs:GetQueueAttributes",
  "sqs:GetQueueUrl",
  "sqs:ReceiveMessage",
];
const send = ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"];
const writeLogs = ["logs:CreateLogStream", "logs:PutLogEvents"];

describe("OrderSync-dev (bundled)", () => {
  const config = loadEnvironmentConfig("dev");
  let built: OrderSyncApp;
  let template: Template;
  let ids: { orders: string; dlq: string; table: string; orderSync: string; replay: string; topic: string };

  beforeAll(() => {
    // Prepare / Act: the real bundle, as `cdk synth -c env=dev` builds it.
    built = createOrderSyncApp({ envName: "dev", appProps: { context: featureFlags } });
    template = Template.fromStack(built.stack);
    const { stack } = built;
    ids = {
      orders: logicalId(stack, stack.queues.orders),
      dlq: logicalId(stack, stack.queues.dlq),
      table: logicalId(stack, stack.ledger.table),
      orderSync: logicalId(stack, stack.orderSync),
      replay: logicalId(stack, stack.dlqReplay),
      topic: logicalId(stack, stack.alarmTopic.topic),
    };
  }, synthTimeoutMs);

  it("is named after the environment", () => {
    // Assess
    expect(built.stack.stackName).toBe("OrderSync-dev");
  });

  it("encrypts the orders queue, allows TLS only, and outlasts 6× the function timeout", () => {
    // Prepare
    const orders = only(template, "AWS::SQS::Queue", ids.orders);
    const functionTimeout = only(template, "AWS::Lambda::Function", ids.orderSync).Properties.Timeout as number;
    // Assess
    expect(orders.Properties.SqsManagedSseEnabled).toBe(true);
    expect(orders.Properties.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * functionTimeout);
    expect(orders.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { "Fn::GetAtt": [ids.dlq, "Arn"] },
      maxReceiveCount: config.deploy.maxReceiveCount,
    });
    expect(config.deploy.maxReceiveCount).toBeGreaterThanOrEqual(5);
    for (const queue of [ids.orders, ids.dlq]) {
      template.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: [{ Ref: queue }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: "Deny",
              Action: "sqs:*",
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            }),
          ]),
        },
      });
    }
  });

  it("keeps dead letters 14 days, longer than orders, encrypted", () => {
    // Prepare
    const orders = only(template, "AWS::SQS::Queue", ids.orders);
    const dlq = only(template, "AWS::SQS::Queue", ids.dlq);
    // Assess
    expect(dlq.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(dlq.Properties.MessageRetentionPeriod as number).toBeGreaterThan(
      orders.Properties.MessageRetentionPeriod as number,
    );
    expect(dlq.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it("creates an on-demand ledger table keyed by pk, with TTL and PITR, destroyed outside production", () => {
    // Prepare
    const table = only(template, "AWS::DynamoDB::Table", ids.table);
    // Assess
    expect(table.Properties).toMatchObject({
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      BillingMode: "PAY_PER_REQUEST",
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(table.DeletionPolicy).toBe("Delete");
  });

  it("runs order-sync on Node.js 24 / arm64 with a timeout above ServiceTitan's 100 s", () => {
    // Prepare
    const fn = only(template, "AWS::Lambda::Function", ids.orderSync).Properties;
    // Assess
    expect(fn.Runtime).toBe("nodejs24.x");
    expect(fn.Architectures).toEqual(["arm64"]);
    expect(fn.Timeout as number).toBeGreaterThan(100);
    expect(fn.Timeout).toBe(orderSyncTimeout.toSeconds());
    expect(only(template, "AWS::Lambda::Function", ids.replay).Properties).toMatchObject({
      Runtime: "nodejs24.x",
      Architectures: ["arm64"],
    });
  });

  it("hands order-sync the validated config and names, never a secret value", () => {
    // Prepare
    const env = (
      only(template, "AWS::Lambda::Function", ids.orderSync).Properties.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    // Assess
    expect(parseSyncConfig(JSON.parse(env.SYNC_CONFIG as string))).toEqual(config.sync);
    expect(env).toMatchObject({
      ST_SECRET_NAME: "order-sync/dev/servicetitan",
      ST_API_URL: "https://api-integration.servicetitan.io",
      ST_AUTH_URL: "https://auth-integration.servicetitan.io",
      ST_TENANT_ID: config.deploy.serviceTitanTenantId,
      LEDGER_TABLE_NAME: { Ref: ids.table },
      ORDERS_QUEUE_URL: { Ref: ids.orders },
      DLQ_URL: { Ref: ids.dlq },
      MAX_RECEIVE_COUNT: String(config.deploy.maxReceiveCount),
      // The tenant's 60 calls/s split across the containers the event source may run at once.
      ST_MAX_CALLS_PER_SECOND: String(Math.floor(55 / config.deploy.maxConcurrency)),
      POWERTOOLS_SERVICE_NAME: "order-sync-dev",
      POWERTOOLS_METRICS_NAMESPACE: "OrderSync",
      POWERTOOLS_LOG_LEVEL: "DEBUG",
    });
    expect(Object.keys(env).filter((name) => /SECRET$|CLIENT_ID|APP_KEY|PASSWORD|TOKEN/.test(name))).toEqual([]);
    const wholeTemplate = JSON.stringify(template.toJSON());
    expect(wholeTemplate).not.toMatch(/clientSecret|appKey|resolve:secretsmanager/);
    // The only secret the stack creates is the customer index's generated HMAC key, never the credentials.
    const secrets = Object.values(template.findResources("AWS::SecretsManager::Secret")) as Resource[];
    expect(secrets.map((secret) => Object.keys(secret.Properties).sort())).toEqual([
      ["Description", "GenerateSecretString"],
    ]);
  });

  it("consumes the orders queue with partial batch failures and the configured concurrency", () => {
    // Assess
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: { "Fn::GetAtt": [ids.orders, "Arn"] },
      FunctionName: { Ref: ids.orderSync },
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      ScalingConfig: { MaximumConcurrency: config.deploy.maxConcurrency },
      BatchSize: config.deploy.batchSize,
    });
    template.resourceCountIs("AWS::Lambda::EventSourceMapping", 1);
  });

  it("grants order-sync exactly its queues, ledger items, log group and the named secret", () => {
    // Prepare
    const role = only(template, "AWS::Lambda::Function", ids.orderSync).Properties.Role as { "Fn::GetAtt": string[] };
    const roleId = role["Fn::GetAtt"][0] as string;
    const logsId = (
      only(template, "AWS::Lambda::Function", ids.orderSync).Properties.LoggingConfig as { LogGroup: { Ref: string } }
    ).LogGroup.Ref;
    // Act
    const statements = roleStatements(template, roleId);
    // Assess
    const secretArn =
      statements.find((s) => s.actions.includes("secretsmanager:GetSecretValue") && s.resource.includes(":secret:"))
        ?.resource ?? "";
    expect(secretArn).toContain(":secret:order-sync/dev/servicetitan-??????");
    expect(statements).toEqual(
      expect.arrayContaining([
        { actions: writeLogs, resource: getAtt(logsId) },
        { actions: consume, resource: getAtt(ids.orders) },
        { actions: send, resource: getAtt(ids.dlq) },
        {
          actions: ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
          resource: getAtt(ids.table),
        },
        { actions: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"], resource: secretArn },
      ]),
    );
    // The customer index's table and look-up index (test/unit/cdk-customer-index.test.ts); its HMAC key shares
    // the secret statement, which cdk.json's minimizePolicies flag merges.
    expect(secretArn).toContain("CustomerIndexHmacKey");
    expect(statements).toHaveLength(7);
    expect(only(template, "AWS::IAM::Role", roleId).Properties.ManagedPolicyArns).toBeUndefined();
  });

  it("grants dlq-replay the DLQ and sending to the orders queue, no ledger and no secret", () => {
    // Prepare
    const role = only(template, "AWS::Lambda::Function", ids.replay).Properties.Role as { "Fn::GetAtt": string[] };
    const roleId = role["Fn::GetAtt"][0] as string;
    // Act
    const statements = roleStatements(template, roleId);
    // Assess
    expect(statements).toEqual(
      expect.arrayContaining([
        { actions: consume, resource: getAtt(ids.dlq) },
        { actions: send, resource: getAtt(ids.orders) },
      ]),
    );
    expect(statements).toHaveLength(3);
    const actions = statements.flatMap((s) => s.actions);
    expect(actions.filter((a) => /^(dynamodb|secretsmanager|kms):/.test(a))).toEqual([]);
    const env = (
      only(template, "AWS::Lambda::Function", ids.replay).Properties.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(Object.keys(env)).not.toContain("ST_SECRET_NAME");
    expect(Object.keys(env)).not.toContain("LEDGER_TABLE_NAME");
  });

  it("alarms on the DLQ, the oldest order, errors, throttles and the ServiceTitan 429 rate", () => {
    // Prepare
    const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm")) as Resource[];
    const byName = new Map(alarms.map((alarm) => [alarm.Properties.AlarmName as string, alarm.Properties]));
    // Assess
    expect([...byName.keys()].sort()).toEqual(
      [
        "OrderSync-dev-DlqNotEmpty",
        "OrderSync-dev-DlqReplayErrors",
        "OrderSync-dev-IndexLag",
        "OrderSync-dev-IndexRefreshErrors",
        "OrderSync-dev-OldestOrderAge",
        "OrderSync-dev-OrderSyncErrors",
        "OrderSync-dev-OrderSyncThrottles",
        "OrderSync-dev-ServiceTitan429Rate",
      ].sort(),
    );
    for (const alarm of byName.values()) {
      expect(alarm.AlarmActions).toEqual([{ Ref: ids.topic }]);
    }
    expect(byName.get("OrderSync-dev-DlqNotEmpty")).toMatchObject({
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [ids.dlq, "QueueName"] } }],
      Threshold: 1,
    });
    expect(byName.get("OrderSync-dev-OldestOrderAge")).toMatchObject({
      MetricName: "ApproximateAgeOfOldestMessage",
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [ids.orders, "QueueName"] } }],
    });
    expect(byName.get("OrderSync-dev-OrderSyncThrottles")).toMatchObject({
      MetricName: "Throttles",
      Dimensions: [{ Name: "FunctionName", Value: { Ref: ids.orderSync } }],
    });
    const rate = JSON.stringify(byName.get("OrderSync-dev-ServiceTitan429Rate")?.Metrics);
    expect(rate).toContain('"MetricName":"ServiceTitan429","Namespace":"OrderSync"');
    expect(rate).toContain('"Dimensions":[{"Name":"service","Value":"order-sync-dev"}]');
  });

  it("sends alarms to an encrypted, TLS-only topic with the configured e-mail", () => {
    // Assess
    template.hasResourceProperties("AWS::SNS::Topic", { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.com",
      TopicArn: { Ref: ids.topic },
    });
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });

  it("draws a dashboard of orders, failures by reason, matches, ServiceTitan calls and queue depth", () => {
    // Prepare
    const dashboards = Object.values(template.findResources("AWS::CloudWatch::Dashboard")) as Resource[];
    // Assess
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);
    for (const name of [
      "OrdersSynced",
      "OrdersFailedPermanent",
      "OrdersFailedTransient",
      "CustomerMatched",
      "matchedBy",
      "reason",
      "ServiceTitanCalls",
      "ApproximateNumberOfMessagesVisible",
    ]) {
      expect(body).toContain(name);
    }
  });

  it("bundles order-sync as minified ESM with the AWS SDK inside and a source map beside it", () => {
    // Prepare
    const assembly = built.app.synth();
    const asset = (only(template, "AWS::Lambda::Function", ids.orderSync).Properties.Code as { S3Key: string }).S3Key;
    const dir = path.join(assembly.directory, `asset.${asset.replace(/\.zip$/, "")}`);
    // Act
    const code = readFileSync(path.join(dir, "index.mjs"), "utf8");
    // Assess
    expect(existsSync(path.join(dir, "index.mjs.map"))).toBe(true);
    expect(code.startsWith("import { createRequire")).toBe(true);
    expect(code).not.toMatch(/from\s*"@aws-sdk\/client-/);
    // Minified: long lines (line breaks survive only inside template literals).
    expect(code.length / code.split("\n").length).toBeGreaterThan(2000);
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

describe("OrderSync-prod", () => {
  const config = loadEnvironmentConfig("prod");
  let template: Template;
  let built: OrderSyncApp;

  beforeAll(() => {
    // Prepare / Act
    built = createOrderSyncApp({ envName: "prod", appProps: { context: skipBundling } });
    template = Template.fromStack(built.stack);
  }, synthTimeoutMs);

  it("retains the ledger table and the queues, and talks to ServiceTitan production", () => {
    // Prepare
    const table = only(template, "AWS::DynamoDB::Table", logicalId(built.stack, built.stack.ledger.table));
    const env = (
      only(template, "AWS::Lambda::Function", logicalId(built.stack, built.stack.orderSync)).Properties.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    // Assess
    expect(built.stack.stackName).toBe("OrderSync-prod");
    expect(table.DeletionPolicy).toBe("Retain");
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    for (const queue of Object.values(template.findResources("AWS::SQS::Queue")) as Resource[]) {
      expect(queue.DeletionPolicy).toBe("Retain");
    }
    expect(env).toMatchObject({
      ST_API_URL: "https://api.servicetitan.io",
      ST_AUTH_URL: "https://auth.servicetitan.io",
      ST_TENANT_ID: config.deploy.serviceTitanTenantId,
      ST_SECRET_NAME: "order-sync/prod/servicetitan",
    });
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      ScalingConfig: { MaximumConcurrency: config.deploy.maxConcurrency },
      BatchSize: config.deploy.batchSize,
    });
  });
});

describe("configuration failures", () => {
  const tempDirs: string[] = [];
  afterAll(() => {
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
  type RawConfig = { product: Record<string, unknown>; deploy?: Record<string, unknown> };
  function configDirWith(name: string, edit: (config: RawConfig) => void): string {
    const dir = mkdtempSync(path.join(tmpdir(), "order-sync-cdk-config-"));
    tempDirs.push(dir);
    const config = JSON.parse(readFileSync(path.join(repoRoot, "cdk/config/dev.json"), "utf8")) as RawConfig;
    edit(config);
    writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(config));
    return dir;
  }

  it("rejects an unknown environment, naming it and the known ones", () => {
    // Act
    const attempt = () => createOrderSyncApp({ envName: "staging", appProps: { context: skipBundling } });
    // Assess
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/Unknown environment "staging".*available: dev, prod/);
  });

  it("rejects a missing -c env", () => {
    // Act
    const attempt = () => createOrderSyncApp({ appProps: { context: skipBundling } });
    // Assess
    expect(attempt).toThrow(/No environment given: pass -c env=<name>/);
  });

  it("rejects an unknown key, naming the environment and the key path", () => {
    // Prepare
    const configDir = configDirWith("qa", (config) => {
      config.product.campaignID = 701;
    });
    // Act
    const attempt = () => createOrderSyncApp({ envName: "qa", configDir, appProps: { context: skipBundling } });
    // Assess
    expect(attempt).toThrow(/Environment "qa": .*product\.campaignID: unknown key/);
  });

  it("rejects a bad deploy value, naming its key", () => {
    // Prepare
    const configDir = configDirWith("qa", (config) => {
      config.deploy = { ...config.deploy, serviceTitanEnvironment: "staging", serviceTitanTenantId: "12ab" };
    });
    // Act
    let error: unknown;
    try {
      createOrderSyncApp({ envName: "qa", configDir, appProps: { context: skipBundling } });
    } catch (caught) {
      error = caught;
    }
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/deploy\.serviceTitanTenantId/);
    expect((error as ConfigError).message).toMatch(/deploy\.serviceTitanEnvironment/);
  });

  it("rejects a batch that can't finish within the function's timeout, naming the keys", () => {
    // Prepare: 100 orders per batch with 50 containers sharing 55 calls/s (1 call/s each)
    const configDir = configDirWith("qa", (config) => {
      config.deploy = { ...config.deploy, batchSize: 100, maxBatchingWindowSeconds: 1, maxConcurrency: 50 };
    });
    // Act
    const attempt = () => createOrderSyncApp({ envName: "qa", configDir, appProps: { context: skipBundling } });
    // Assess
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/deploy\.batchSize 100 .*deploy\.maxConcurrency 50/);
  });

  it("requires the deploy section", () => {
    // Prepare
    const configDir = configDirWith("qa", (config) => {
      delete config.deploy;
    });
    // Act
    const attempt = () => createOrderSyncApp({ envName: "qa", configDir, appProps: { context: skipBundling } });
    // Assess
    expect(attempt).toThrow(/Environment "qa".*deploy: required/);
  });
});

describe("cdk-nag wiring", () => {
  it(
    "fails synthesis on an unacknowledged finding",
    () => {
      // Prepare: the dev app plus a queue that breaks AwsSolutions-SQS4 (TLS-only).
      const { app, stack } = createOrderSyncApp({ envName: "dev", appProps: { context: skipBundling } });
      new Queue(stack, "PlainQueue");
      // Act
      const attempt = () => app.synth();
      // Assess
      expect(attempt).toThrow(/AwsSolutions-SQS4/);
    },
    synthTimeoutMs,
  );
});

describe("cdk.json", () => {
  it("configures every feature flag aws-cdk-lib recommends, so synth has none left unconfigured", () => {
    // Prepare
    const recommended = JSON.parse(
      readFileSync(path.join(repoRoot, "node_modules/aws-cdk-lib/recommended-feature-flags.json"), "utf8"),
    ) as Record<string, unknown>;

    // Act
    const unset = Object.keys(recommended).filter((flag) => !(flag in featureFlags));
    const differing = Object.entries(recommended).filter(
      ([flag, value]) =>
        flag in featureFlags &&
        JSON.stringify((featureFlags as Record<string, unknown>)[flag]) !== JSON.stringify(value),
    );

    // Assess
    expect(Object.keys(recommended).length).toBeGreaterThan(50);
    expect(unset).toEqual([]);
    expect(differing).toEqual([]);
  });
});
