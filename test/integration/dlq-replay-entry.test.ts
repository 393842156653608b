/**
 * The two ways an operator replays dead letters — the `dlq-replay` Lambda handler (middy, zod-checked
 * event) and `npm run replay` (`runReplayCli`) — against fauxqs, asserting what ends up on the queues
 * and what they print.
 */
import { randomUUID } from "node:crypto";
import { CreateQueueCommand, type Message, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDlqReplayHandler } from "../../functions/dlq-replay.ts";
import { InvalidMessageError, ReasonCode } from "../../lib/errors.ts";
import { createLogger, memorySink } from "../../lib/observability/logger.ts";
import { type LocalAws, startLocalAws } from "../../local/aws.ts";
import { createLambdaContext } from "../../local/lambda-context.ts";
import { runReplayCli } from "../../local/replay-cli.ts";
import { buildOrderBody, fakePerson } from "../support/order-factory.ts";

let aws: LocalAws;

beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(async () => {
  await aws?.stop();
});

async function createQueue(prefix: string): Promise<string> {
  const { QueueUrl } = await aws.sqs.send(
    new CreateQueueCommand({ QueueName: `${prefix}-${randomUUID().slice(0, 8)}` }),
  );
  if (QueueUrl === undefined) throw new Error("no queue url");
  return QueueUrl;
}

/** Dead letters as the worker writes them (attributes set directly: the send itself is tested elsewhere). */
async function seedDlq(dlqUrl: string, letters: { orderId: string; reason: string }[]): Promise<void> {
  for (const letter of letters) {
    await aws.sqs.send(
      new SendMessageCommand({
        QueueUrl: dlqUrl,
        MessageBody: buildOrderBody({ orderId: letter.orderId, store: "test-store" }),
        MessageAttributes: {
          reason: { DataType: "String", StringValue: letter.reason },
          errorKind: { DataType: "String", StringValue: "permanent" },
          orderKey: { DataType: "String", StringValue: `test-store:${letter.orderId}` },
          failedAt: { DataType: "String", StringValue: new Date(Date.now() - 3_600_000).toISOString() },
          replayCount: { DataType: "Number", StringValue: "0" },
        },
      }),
    );
  }
}

async function drain(queueUrl: string): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const { Messages } = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
    );
    if (!Messages || Messages.length === 0) return messages;
    messages.push(...Messages);
  }
}

const orderIds = (messages: Message[]) =>
  messages.map((message) => (JSON.parse(message.Body ?? "{}") as { orderId: string }).orderId).sort();

function textStream(): { write: (text: string) => boolean; text: () => string; isTTY: boolean } {
  let buffer = "";
  return {
    isTTY: false,
    write: (text: string) => {
      buffer += text;
      return true;
    },
    text: () => buffer,
  };
}

describe("dlq-replay Lambda handler", () => {
  it("replays what the event's filter selects and answers with the summary", async () => {
    // Prepare
    const queueUrl = await createQueue("orders");
    const dlqUrl = await createQueue("dlq");
    await seedDlq(dlqUrl, [
      { orderId: "H-1", reason: ReasonCode.ServiceTitanUnavailable },
      { orderId: "H-2", reason: ReasonCode.ContractViolation },
    ]);
    const sink = memorySink();
    const handler = createDlqReplayHandler(() => ({ sqs: aws.sqs, dlqUrl, queueUrl, waitTimeSeconds: 0 }), {
      logger: createLogger({ sink: sink.sink }),
    });
    // Act
    const context = createLambdaContext({ timeoutMs: 300_000, functionName: "dlq-replay-test" });
    const result = await handler({ reason: ReasonCode.ServiceTitanUnavailable, olderThanMinutes: 30 }, context);
    // Assess
    expect(result).toMatchObject({ scanned: 2, skipped: 1, dryRun: false, complete: true, failed: [] });
    expect(result.moved).toEqual([expect.objectContaining({ orderKey: "test-store:H-1", replayCount: 1 })]);
    expect(orderIds(await drain(queueUrl))).toEqual(["H-1"]);
    expect(orderIds(await drain(dlqUrl))).toEqual(["H-2"]);
    expect(sink.records().at(-1)).toMatchObject({
      message: "DLQ replay finished",
      summary: { moved: 1, skipped: 1 },
      // injectLambdaContext
      function_name: "dlq-replay-test",
      function_request_id: context.awsRequestId,
    });
    expect(sink.lines.join("\n")).not.toContain(fakePerson.email);
  });

  it("rejects an event that isn't a filter, moving nothing", async () => {
    // Prepare
    const queueUrl = await createQueue("orders");
    const dlqUrl = await createQueue("dlq");
    await seedDlq(dlqUrl, [{ orderId: "H-3", reason: ReasonCode.ContractViolation }]);
    const handler = createDlqReplayHandler(() => ({ sqs: aws.sqs, dlqUrl, queueUrl, waitTimeSeconds: 0 }), {
      logger: createLogger({ sink: memorySink().sink }),
    });
    // Act
    const outcome = await handler(
      { reason: "NOT_A_REASON", limit: -1, extra: true },
      createLambdaContext({ timeoutMs: 300_000 }),
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    // Assess
    expect(outcome).toBeInstanceOf(InvalidMessageError);
    expect(outcome).toMatchObject({
      kind: "permanent",
      fieldPaths: expect.arrayContaining(["reason", "limit", "extra"]),
    });
    expect(String((outcome as Error).message)).toMatch(/Invalid replay request: .*limit/);
    expect(await drain(queueUrl)).toEqual([]);
    expect(orderIds(await drain(dlqUrl))).toEqual(["H-3"]);
  });
});

describe("runReplayCli", () => {
  it("moves one order and prints a table and a summary line", async () => {
    // Prepare
    const queueUrl = await createQueue("orders");
    const dlqUrl = await createQueue("dlq");
    await seedDlq(dlqUrl, [
      { orderId: "C-1", reason: ReasonCode.ContractViolation },
      { orderId: "C-2", reason: ReasonCode.ContractViolation },
    ]);
    const stdout = textStream();
    const stderr = textStream();
    // Act
    const code = await runReplayCli(["--order", "C-2", "--store", "test-store"], {
      sqs: aws.sqs,
      env: { DLQ_URL: dlqUrl, ORDERS_QUEUE_URL: queueUrl },
      stdout,
      stderr,
      waitTimeSeconds: 0,
    });
    // Assess
    expect(code).toBe(0);
    expect(stdout.text()).toContain("test-store:C-2");
    expect(stdout.text()).toContain(ReasonCode.ContractViolation);
    expect(stdout.text()).toMatch(/Moved 1 of 2 scanned; 1 skipped \(left in the DLQ\)\./);
    expect(stdout.text()).not.toContain(fakePerson.email);
    expect(orderIds(await drain(queueUrl))).toEqual(["C-2"]);
    expect(orderIds(await drain(dlqUrl))).toEqual(["C-1"]);
  });

  it("in --dry-run --json mode prints the would-be moves and moves nothing", async () => {
    // Prepare
    const queueUrl = await createQueue("orders");
    const dlqUrl = await createQueue("dlq");
    await seedDlq(dlqUrl, [{ orderId: "J-1", reason: ReasonCode.ServiceTitanRejected }]);
    const stdout = textStream();
    // Act
    const code = await runReplayCli(["--dry-run", "--json", "--older-than", "30m", "--limit", "5"], {
      sqs: aws.sqs,
      env: { DLQ_URL: dlqUrl, ORDERS_QUEUE_URL: queueUrl },
      stdout,
      stderr: textStream(),
      waitTimeSeconds: 0,
    });
    // Assess
    expect(code).toBe(0);
    const result = JSON.parse(stdout.text()) as { dryRun: boolean; moved: { orderKey: string }[] };
    expect(result.dryRun).toBe(true);
    expect(result.moved.map((entry) => entry.orderKey)).toEqual(["test-store:J-1"]);
    expect(await drain(queueUrl)).toEqual([]);
    expect(orderIds(await drain(dlqUrl))).toEqual(["J-1"]);
  });

  it("prints help, and refuses bad arguments or a missing environment with exit code 2", async () => {
    // Prepare
    const help = textStream();
    const badArgs = textStream();
    const noEnv = textStream();
    // Act
    const helpCode = await runReplayCli(["--help"], { stdout: help, stderr: textStream() });
    const badCode = await runReplayCli(["--older-than", "soon"], { stdout: textStream(), stderr: badArgs });
    const badReason = textStream();
    const reasonCode = await runReplayCli(["--reason", "ST_UNAVAILBLE"], { stdout: textStream(), stderr: badReason });
    const envCode = await runReplayCli([], { env: {}, stdout: textStream(), stderr: noEnv });
    // Assess
    expect(helpCode).toBe(0);
    expect(help.text()).toContain("Usage: npm run replay");
    expect(badCode).toBe(2);
    expect(badArgs.text()).toContain("--older-than must look like");
    expect(reasonCode).toBe(2);
    expect(badReason.text()).toContain("--reason must be one of");
    expect(envCode).toBe(2);
    expect(noEnv.text()).toContain("DLQ_URL");
  });
});
