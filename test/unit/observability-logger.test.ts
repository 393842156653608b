/**
 * The logger's output (stdout as Lambda writes it, and the local sink) never contains the fake
 * personal data handed to it by any route — message, extra objects, errors, appended and
 * persistent keys, child loggers — while order keys and ServiceTitan trace ids stay readable.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidMessageError, ReasonCode, ServiceTitanRejectedError } from "../../lib/errors.ts";
import { createLogger, loggerForOrder, memorySink } from "../../lib/observability/logger.ts";
import { createLambdaContext } from "../../local/lambda-context.ts";

const pii = {
  firstName: "Testy",
  lastName: "McTestface",
  email: "testy.mctestface@example.com",
  phone: "(555) 201-0142",
  street: "1 Test Way",
};
const piiPattern = /Testy|McTestface|example\.com|201-0142|Test Way/;

/** Captures what Powertools writes to stdout/stderr (its Console writes through these streams). */
function captureProcessOutput(): { lines: () => string[]; restore: () => void } {
  const chunks: string[] = [];
  const originalOut = process.stdout.write;
  const originalErr = process.stderr.write;
  const capture = (chunk: unknown) => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  return {
    lines: () =>
      chunks
        .join("")
        .split("\n")
        .filter((line) => line.trim() !== ""),
    restore: () => {
      process.stdout.write = originalOut;
      process.stderr.write = originalErr;
    },
  };
}

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

function logEverything(logger: ReturnType<typeof createLogger>): void {
  logger.appendKeys({ customer: { email: pii.email } });
  logger.info(`Order from ${pii.email}, call ${pii.phone}`);
  logger.info("Customer payload", { customer: pii, contacts: [{ type: "Phone", value: pii.phone }] });
  logger.warn({ message: "object message", billingAddress: { street: pii.street, city: "Springfield" } });
  logger.error(
    "ServiceTitan rejected",
    new ServiceTitanRejectedError(`Duplicate ${pii.email}`, 409, { traceId: "t-1" }),
  );
  logger.error("Invalid", {
    error: new InvalidMessageError(ReasonCode.ContractViolation, "bad", ["customer.email"], {
      cause: new Error(`echo ${pii.phone}`),
    }),
  });
  const child = logger.createChild({ persistentKeys: { name: `${pii.firstName} ${pii.lastName}` } });
  child.info("child line", { notes: `ring ${pii.phone}` });
}

describe("createLogger", () => {
  it("writes JSON lines to stdout with no personal data in any of them", () => {
    // Prepare
    const output = captureProcessOutput();
    restore = output.restore;
    const logger = createLogger({ serviceName: "order-sync-test", level: "DEBUG" });
    // Act
    logEverything(logger);
    output.restore();
    // Assess
    const lines = output.lines();
    expect(lines).toHaveLength(6);
    for (const line of lines) {
      expect(() => JSON.parse(line)).not.toThrow();
      expect(line).not.toMatch(piiPattern);
    }
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records[0]?.message).toBe("Order from [redacted-email], call [redacted-phone]");
    expect(records[0]?.service).toBe("order-sync-test");
    const rejected = records.find((record) => record.message === "ServiceTitan rejected");
    expect(rejected?.error).toMatchObject({ name: "ServiceTitanRejectedError", status: 409, traceId: "t-1" });
  });

  it("routes lines to a sink, keeps redaction in child loggers, and carries orderKey and stTraceId", () => {
    // Prepare
    const sink = memorySink();
    const logger = createLogger({ level: "INFO", sink: sink.sink });
    // Act
    logEverything(logger);
    loggerForOrder(logger, { store: "acme", orderId: "1042" }, "st-trace-1").info("synced", { jobId: 77 });
    // Assess
    expect(sink.lines).toHaveLength(7);
    for (const line of sink.lines) expect(line).not.toMatch(piiPattern);
    const last = sink.records().at(-1);
    expect(last).toMatchObject({ message: "synced", orderKey: "acme:1042", stTraceId: "st-trace-1", jobId: 77 });
    const childLine = sink.records().find((record) => record.message === "child line");
    expect(childLine).toMatchObject({ name: "[redacted]", notes: "[redacted]" });
  });

  it("redacts through its log formatter, with the Lambda context added by injectLambdaContext", async () => {
    // Prepare
    const sink = memorySink();
    const logger = createLogger({ level: "INFO", sink: sink.sink });
    const context = createLambdaContext({ timeoutMs: 60_000, functionName: "order-sync-test" });
    const handler = middy<unknown, void>()
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .handler(async () => {
        logger.info("inside the handler", { customer: pii });
        loggerForOrder(logger, { store: "acme", orderId: "1" }).warn(`call ${pii.phone}`);
      });

    // Act
    await handler({}, context);

    // Assess
    expect(sink.lines).toHaveLength(2);
    for (const line of sink.lines) expect(line).not.toMatch(piiPattern);
    expect(sink.records()).toEqual([
      expect.objectContaining({
        message: "inside the handler",
        function_name: "order-sync-test",
        function_request_id: context.awsRequestId,
        cold_start: expect.any(Boolean),
        customer: expect.objectContaining({ email: "[redacted]" }),
      }),
      expect.objectContaining({
        message: "call [redacted-phone]",
        orderKey: "acme:1",
        function_request_id: context.awsRequestId,
      }),
    ]);
  });

  it("is silent at level SILENT", () => {
    // Prepare
    const sink = memorySink();
    const output = captureProcessOutput();
    restore = output.restore;
    const logger = createLogger({ level: "SILENT", sink: sink.sink });
    const unsunk = createLogger({ level: "SILENT" });
    // Act
    logger.error("nothing");
    unsunk.error("nothing either");
    output.restore();
    // Assess
    expect(sink.lines).toEqual([]);
    expect(output.lines()).toEqual([]);
  });
});
