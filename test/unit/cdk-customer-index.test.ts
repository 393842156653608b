/**
 * Issue 10, part 5, in CDK: the customer index table, its generated HMAC key, the refresh function on
 * an EventBridge Scheduler rate from the config, least-privilege IAM, the `IndexLagSeconds` alarm and
 * dashboard widget, and the config key validated at synth. Synthesized offline, bundling skipped
 * (test/unit/cdk-stack.test.ts covers the real bundle and cdk-nag on it).
 */
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrderSyncApp, type OrderSyncApp } from "../../cdk/build-app.ts";
import { ConfigError } from "../../lib/errors.ts";
import {
  configDirWith as configDirWithEdit,
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

function configDirWith(base: string, name: string, edit: (config: Record<string, unknown>) => void): string {
  return configDirWithEdit(base, name, edit, tempDirs);
}

function synth(envName: string, configDir?: string): { built: OrderSyncApp; template: Template } {
  const built = createOrderSyncApp({
    envName,
    ...(configDir ? { configDir } : {}),
    appProps: { context: skipBundling },
  });
  return { built, template: Template.fromStack(built.stack) };
}

const roleOf = (template: Template, functionId: string) =>
  (only(template, "AWS::Lambda::Function", functionId).Properties.Role as { "Fn::GetAtt": string[] })[
    "Fn::GetAtt"
  ][0] as string;

const alarmsByName = (template: Template) =>
  new Map(
    (Object.values(template.findResources("AWS::CloudWatch::Alarm")) as Resource[]).map((alarm) => [
      alarm.Properties.AlarmName as string,
      alarm.Properties,
    ]),
  );

describe("customer index in OrderSync-dev", () => {
  let built: OrderSyncApp;
  let template: Template;
  let ids: { table: string; secret: string; refresh: string; orderSync: string };

  beforeAll(() => {
    // Prepare / Act
    ({ built, template } = synth("dev"));
    const { stack } = built;
    ids = {
      table: logicalId(stack, stack.customerIndex.table),
      secret: logicalId(stack, stack.customerIndex.hmacKey),
      refresh: logicalId(stack, stack.indexRefresh),
      orderSync: logicalId(stack, stack.orderSync),
    };
  }, synthTimeoutMs);

  it("keeps the index in an encrypted on-demand table with PITR and the byLookupKey index, destroyed outside production", () => {
    // Act
    const table = only(template, "AWS::DynamoDB::Table", ids.table);
    // Assess
    expect(table.Properties).toMatchObject({
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      // Enabled without a key of our own: the account's AWS-managed KMS key for DynamoDB.
      SSESpecification: { SSEEnabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: "byLookupKey",
          KeySchema: [{ AttributeName: "lookupKey", KeyType: "HASH" }],
          Projection: { ProjectionType: "ALL" },
        },
      ],
    });
    expect(table.DeletionPolicy).toBe("Delete");
  });

  it("generates the HMAC key in Secrets Manager: the template never holds its value", () => {
    // Act
    const secret = only(template, "AWS::SecretsManager::Secret", ids.secret);
    // Assess
    expect(secret.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
    expect(secret.Properties.SecretString).toBeUndefined();
  });

  it("runs the refresh on the configured rate, invoking only the refresh function, without retries", () => {
    // Prepare
    const schedules = Object.values(template.findResources("AWS::Scheduler::Schedule")) as Resource[];
    // Act
    const schedule = schedules[0]?.Properties as {
      ScheduleExpression: string;
      State: string;
      Target: { Arn: unknown; RoleArn: { "Fn::GetAtt": string[] }; RetryPolicy: unknown };
    };
    const schedulerRole = schedule.Target.RoleArn["Fn::GetAtt"][0] as string;
    // Assess
    expect(schedules).toHaveLength(1);
    expect(schedule.ScheduleExpression).toBe("rate(5 minutes)");
    expect(schedule.State).toBe("ENABLED");
    expect(schedule.Target.Arn).toEqual({ "Fn::GetAtt": [ids.refresh, "Arn"] });
    expect(schedule.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 });
    expect(roleStatements(template, schedulerRole)).toEqual([
      { actions: ["lambda:InvokeFunction"], resource: JSON.stringify({ "Fn::GetAtt": [ids.refresh, "Arn"] }) },
    ]);
    const trust = only(template, "AWS::IAM::Role", schedulerRole).Properties.AssumeRolePolicyDocument;
    expect(JSON.stringify(trust)).toContain("scheduler.amazonaws.com");
    expect(JSON.stringify(trust)).toContain("aws:SourceAccount");
  });

  it("grants the refresh exactly the index, its look-up index, the HMAC key, the ServiceTitan secret and its logs", () => {
    // Act
    const statements = roleStatements(template, roleOf(template, ids.refresh));
    // Assess
    const tableArn = { "Fn::GetAtt": [ids.table, "Arn"] };
    expect(statements).toEqual(
      expect.arrayContaining([
        {
          actions: ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
          resource: JSON.stringify(tableArn),
        },
        {
          actions: ["dynamodb:Query"],
          resource: JSON.stringify({ "Fn::Join": ["", [tableArn, "/index/byLookupKey"]] }),
        },
        {
          actions: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
          resource: JSON.stringify({ Ref: ids.secret }),
        },
      ]),
    );
    const secrets = statements.filter((s) => s.actions.includes("secretsmanager:GetSecretValue"));
    expect(secrets.map((s) => s.resource).find((r) => r.includes(":secret:order-sync/dev/servicetitan-??????"))).toBe(
      secrets[1]?.resource,
    );
    expect(statements).toHaveLength(5);
    const actions = statements.flatMap((s) => s.actions);
    expect(actions.filter((a) => a.startsWith("sqs:") || a === "dynamodb:DeleteItem" || a === "dynamodb:Scan")).toEqual(
      [],
    );
  });

  it("tells the refresh and the worker where the index and its key are, by name only", () => {
    // Prepare
    const variables = (id: string) =>
      (only(template, "AWS::Lambda::Function", id).Properties.Environment as { Variables: Record<string, unknown> })
        .Variables;
    // Act
    const refresh = variables(ids.refresh);
    const worker = variables(ids.orderSync);
    // Assess
    for (const env of [refresh, worker]) {
      expect(env.CUSTOMER_INDEX_TABLE_NAME).toEqual({ Ref: ids.table });
      expect(env.CUSTOMER_INDEX_HMAC_SECRET_NAME).toEqual(
        expect.objectContaining({ "Fn::Join": expect.any(Array) }) as unknown,
      );
      expect(env.CUSTOMER_INDEX_HMAC_KEY).toBeUndefined();
    }
    expect(refresh).toMatchObject({ ST_SECRET_NAME: "order-sync/dev/servicetitan", ST_TENANT_ID: "1234567890" });
    expect(refresh.SYNC_CONFIG).toBeUndefined();
    expect(refresh.ORDERS_QUEUE_URL).toBeUndefined();
  });

  it("alarms when the index lags three refreshes behind, or no refresh reports, and draws the lag", () => {
    // Prepare
    const byName = alarmsByName(template);
    const dashboard = Object.values(template.findResources("AWS::CloudWatch::Dashboard"))[0] as Resource;
    // Act
    const lag = byName.get("OrderSync-dev-IndexLag");
    // Assess
    expect(lag).toMatchObject({
      Metrics: [
        {
          MetricStat: {
            Metric: {
              MetricName: "IndexLagSeconds",
              Namespace: "OrderSync",
              Dimensions: [{ Name: "service", Value: "order-sync-dev" }],
            },
            Period: 600,
            Stat: "Maximum",
          },
        },
      ],
      Threshold: 900,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: "breaching",
      AlarmActions: [{ Ref: expect.any(String) as unknown }],
    });
    expect(byName.get("OrderSync-dev-IndexRefreshErrors")).toMatchObject({
      MetricName: "Errors",
      Dimensions: [{ Name: "FunctionName", Value: { Ref: ids.refresh } }],
    });
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    expect(body).toContain("IndexLagSeconds");
    expect(body).toContain("Customer index lag");
  });

  it("passes cdk-nag AwsSolutions with only the HMAC key's rotation acknowledged", () => {
    // Act
    const assembly = built.app.synth();
    const report = JSON.parse(readFileSync(path.join(assembly.directory, "validation-report.json"), "utf8")) as {
      pluginReports: { violations?: unknown[] }[];
    };
    // Assess
    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });
});

describe("customer index in production and with another interval", () => {
  it(
    "retains the index table and its key in production, with deletion protection",
    () => {
      // Act
      const { built, template } = synth("prod");
      // Assess
      const table = only(template, "AWS::DynamoDB::Table", logicalId(built.stack, built.stack.customerIndex.table));
      const secret = (template.findResources("AWS::SecretsManager::Secret") as Record<string, Resource>)[
        logicalId(built.stack, built.stack.customerIndex.hmacKey)
      ];
      expect(table.DeletionPolicy).toBe("Retain");
      expect(table.Properties.DeletionProtectionEnabled).toBe(true);
      expect(secret?.DeletionPolicy).toBe("Retain");
    },
    synthTimeoutMs,
  );

  it(
    "follows customerIndex.refreshIntervalMinutes: the rate, the alarm's threshold and period",
    () => {
      // Prepare
      const dir = configDirWith("dev", "slow", (config) => {
        config.customerIndex = { refreshIntervalMinutes: 30 };
      });
      // Act
      const { template } = synth("slow", dir);
      // Assess
      const schedule = Object.values(template.findResources("AWS::Scheduler::Schedule"))[0] as Resource;
      expect(schedule.Properties.ScheduleExpression).toBe("rate(30 minutes)");
      expect(alarmsByName(template).get("OrderSync-slow-IndexLag")).toMatchObject({
        Threshold: 5400,
        Metrics: [{ MetricStat: { Period: 3600 } }],
      });
    },
    synthTimeoutMs,
  );

  it("rejects an out-of-range interval at synth, naming the key", () => {
    // Prepare
    const dir = configDirWith("dev", "bad", (config) => {
      config.customerIndex = { refreshIntervalMinutes: 0 };
    });
    // Act
    const attempt = () => synth("bad", dir);
    // Assess
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/customerIndex\.refreshIntervalMinutes/);
  });
});
