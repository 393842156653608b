/**
 * Issue 11: a worker process really killed (SIGKILL) while it holds an order's lease, right after a
 * ServiceTitan write and before the ledger recorded it. Unlike an injected 503, nothing of the
 * dying attempt runs on: no error handling, no `fail`. The next delivery must finish the order,
 * exactly once.
 */
import { fork } from "node:child_process";
import { resolve } from "node:path";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { expect, it } from "vitest";
import { OrderLedger } from "../../lib/ledger/ledger.ts";
import { startLocalAws } from "../../local/aws.ts";
import { startLocalSession } from "../../local/session.ts";
import { buildOrderEvent } from "../support/order-factory.ts";
import { startTestSandbox } from "../support/sandbox.ts";
import type { WorkerChildArgs } from "../support/worker-child.ts";
import { exampleConfig, repoRoot } from "../support/world.ts";

it("a worker killed between the job create and its checkpoint: the next delivery completes the order once", async () => {
  // Prepare: local AWS and the sandbox here; the worker in a child process, killed the moment
  // ServiceTitan has answered the job create.
  const aws = await startLocalAws({ visibilityTimeoutSeconds: 10 });
  let killChild: (() => void) | undefined;
  const sandbox = await startTestSandbox({
    onExchange: (exchange) => {
      if (exchange.operationId === "Jobs_Create" && exchange.status === 200) killChild?.();
    },
  });
  try {
    const order = buildOrderEvent({
      orderId: "kill-6001",
      customer: {
        firstName: "Kira",
        lastName: "Killedworker",
        email: "kira.killed@example.com",
        phone: "555-010-0171",
      },
      billingAddress: { street: "71 Signal Street", city: "Springfield", state: "IL", zip: "62704" },
    });
    await aws.sqs.send(new SendMessageCommand({ QueueUrl: aws.queueUrl, MessageBody: JSON.stringify(order) }));
    const { sqs: _sqs, dynamo: _dynamo, stop: _stop, ...awsInfo } = aws;
    const args: WorkerChildArgs = {
      aws: awsInfo,
      serviceTitan: {
        apiUrl: sandbox.apiUrl,
        authUrl: sandbox.authUrl,
        tenantId: sandbox.tenantId,
        ...sandbox.credentials,
      },
      configFile: resolve(repoRoot, "local/examples/config.json"),
    };
    const child = fork(resolve(import.meta.dirname, "../support/worker-child.ts"), [JSON.stringify(args)], {
      cwd: repoRoot,
      execArgv: ["--import", "tsx"],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    killChild = () => child.kill("SIGKILL");
    const exit = await new Promise<NodeJS.Signals | null>((done) =>
      child.once("exit", (_code, signal) => done(signal)),
    );
    const ledger = new OrderLedger({ dynamo: aws.dynamo, tableName: aws.tableName });
    const key = { store: "test-store", orderId: "kill-6001" };
    const afterKill = await ledger.get(key);

    // Act: the next delivery, in this process
    const session = await startLocalSession({
      config: exampleConfig(),
      serviceTitan: args.serviceTitan,
      aws,
      retryBackoff: { baseSeconds: 1, maxSeconds: 1 },
      timing: { lateWriteMarginMs: 500 },
    });
    await session.runUntilDrained({ stallMs: 60_000 });

    // Assess
    expect(exit).toBe("SIGKILL");
    expect(afterKill).toMatchObject({ status: "in_progress" });
    expect(afterKill?.progress.jobId).toBeUndefined();
    expect(await ledger.get(key)).toMatchObject({ status: "completed" });
    const jobs = [...sandbox.state.jobs.values()].filter((j) =>
      j.externalData.some((e) => e.value === "test-store:kill-6001"),
    );
    expect(jobs).toHaveLength(1);
    expect([...sandbox.state.customers.values()].filter((c) => c.name === "Kira Killedworker")).toHaveLength(1);
    const invoice = [...sandbox.state.invoices.values()].find((i) => i.jobId === jobs[0]?.id);
    expect(invoice?.items.map((i) => i.quantity)).toEqual(order.lines.map((l) => l.quantity));
    sandbox.assertContract();
  } finally {
    await sandbox.stop();
    await aws.stop();
  }
}, 180_000);
