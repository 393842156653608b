/**
 * The worker's structured logger: Powertools `Logger` (JSON lines, Lambda context through the
 * `injectLambdaContext` middleware, log level from `POWERTOOLS_LOG_LEVEL`, `SILENT` to mute) with a
 * custom `logFormatter` that applies personal-data redaction to every log item once it is
 * assembled — message, persistent and temporary keys, extra objects and errors — so no call site
 * can forget it. See `redact.ts` for what is removed.
 *
 * Locally the `npm start` runner and the tests route lines to a `sink` instead of stdout.
 */

import { LogFormatter, Logger, LogItem } from "@aws-lambda-powertools/logger";
import type {
  ConstructorOptions,
  LogAttributes,
  LogLevel,
  UnformattedAttributes,
} from "@aws-lambda-powertools/logger/types";
import { redact } from "./redact.ts";

export type { LogLevel } from "@aws-lambda-powertools/logger/types";
export { maskString, redact } from "./redact.ts";

/** Receives each serialised (already redacted) JSON log line instead of stdout. */
export type LogSink = (line: string, level: string) => void;

export interface CreateLoggerOptions {
  /** Defaults to `POWERTOOLS_SERVICE_NAME`, then `order-sync`. */
  serviceName?: string;
  /** Defaults to `POWERTOOLS_LOG_LEVEL` / `LOG_LEVEL`, then `INFO`. `SILENT` mutes the logger. */
  level?: LogLevel;
  /** Route lines somewhere other than stdout (local runner, tests). */
  sink?: LogSink;
  /** Keys on every line of this logger (and its children). */
  persistentKeys?: LogAttributes;
}

export const defaultServiceName = "order-sync";

/**
 * Powertools' standard keys (the same names as its default formatter, so CloudWatch Logs Insights
 * queries written for Powertools keep working), then every other attribute, all passed through
 * `redact()`. Child loggers (`createChild`) inherit the formatter, hence the redaction.
 */
export class RedactingLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    const context = attributes.lambdaContext;
    const standard: LogAttributes = {
      level: attributes.logLevel,
      message: attributes.message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: context?.coldStart,
      function_arn: context?.invokedFunctionArn,
      function_memory_size: context?.memoryLimitInMB,
      function_name: context?.functionName,
      function_request_id: context?.awsRequestId,
      sampling_rate: attributes.sampleRateValue,
      xray_trace_id: attributes.xRayTraceId,
    };
    return new LogItem({ attributes: redact({ ...standard, ...additionalLogAttributes }) as LogAttributes });
  }
}

/**
 * Writes lines to a sink instead of stdout. Powertools prints through a `Console` bound to the
 * process's stdout/stderr when the logger is built, so `printLog` (its protected output hook) is
 * the one place to redirect them; the line is the same JSON it would print.
 */
class SinkLogger extends Logger {
  readonly #sink: LogSink;

  constructor(options: ConstructorOptions, sink: LogSink) {
    super(options);
    this.#sink = sink;
  }

  protected override printLog(_logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    const attributes = log.getAttributes();
    this.#sink(
      JSON.stringify(attributes, this.getJsonReplacer()),
      typeof attributes.level === "string" ? attributes.level : "INFO",
    );
  }

  /** Children (`createChild`) keep the sink. */
  protected override createLogger(options?: ConstructorOptions): Logger {
    return new SinkLogger(options ?? {}, this.#sink);
  }
}

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const loggerOptions: ConstructorOptions = {
    serviceName: options.serviceName ?? process.env.POWERTOOLS_SERVICE_NAME ?? defaultServiceName,
    logFormatter: new RedactingLogFormatter(),
    ...(options.level === undefined ? {} : { logLevel: options.level }),
    ...(options.persistentKeys === undefined ? {} : { persistentKeys: options.persistentKeys }),
  };
  return options.sink === undefined ? new Logger(loggerOptions) : new SinkLogger(loggerOptions, options.sink);
}

/** The identifiers an order's log lines carry: `orderKey` (`store:orderId`) and ServiceTitan's `traceId`. */
export function orderLogKeys(
  key: { store: string; orderId: string },
  stTraceId?: string,
): { orderKey: string; stTraceId?: string } {
  return { orderKey: formatOrderKey(key), ...(stTraceId === undefined ? {} : { stTraceId }) };
}

export function formatOrderKey(key: { store: string; orderId: string }): string {
  return `${key.store}:${key.orderId}`;
}

/**
 * A child logger for one order: records of a batch may be processed concurrently, so the order key
 * must not live on the shared logger (`appendKeys` would leak between records).
 */
export function loggerForOrder(logger: Logger, key: { store: string; orderId: string }, stTraceId?: string): Logger {
  return logger.createChild({ persistentKeys: orderLogKeys(key, stTraceId) });
}

/** Collects lines in memory; for tests and the local runner's table. */
export function memorySink(): { sink: LogSink; lines: string[]; records: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  return {
    lines,
    sink: (line) => {
      lines.push(line);
    },
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
