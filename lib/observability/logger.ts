/**
 * The worker's structured logger: Powertools `Logger` (JSON lines, Lambda context, log level from
 * `POWERTOOLS_LOG_LEVEL`, `SILENT` to mute) with personal-data redaction applied to every log item
 * after it is assembled — message, persistent and temporary keys, extra objects and errors — so no
 * call site can forget it. See `redact.ts` for what is removed.
 *
 * Locally the `npm start` runner and the tests route lines to a `sink` instead of stdout.
 */

import type { LogItem } from "@aws-lambda-powertools/logger";
import { Logger } from "@aws-lambda-powertools/logger";
import type {
  ConstructorOptions,
  LogAttributes,
  LogItemExtraInput,
  LogItemMessage,
  LogLevel,
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

/** Powertools `Logger` whose every item passes through `redact()` and optionally into a sink. */
export class RedactingLogger extends Logger {
  readonly #sink: LogSink | undefined;

  constructor(options: ConstructorOptions = {}, sink?: LogSink) {
    super(options);
    this.#sink = sink;
  }

  protected override createAndPopulateLogItem(
    logLevel: number,
    input: LogItemMessage,
    extraInput: LogItemExtraInput,
  ): LogItem {
    const item = super.createAndPopulateLogItem(logLevel, input, extraInput);
    item.setAttributes(redact(item.getAttributes()) as LogAttributes);
    return item;
  }

  protected override printLog(logLevel: number, log: LogItem): void {
    if (this.#sink === undefined) {
      super.printLog(logLevel, log);
      return;
    }
    log.prepareForPrint();
    const line = JSON.stringify(log.getAttributes(), this.getJsonReplacer());
    const level = typeof log.getAttributes().level === "string" ? String(log.getAttributes().level) : "INFO";
    this.#sink(line, level);
  }

  /** Children (`createChild`) keep the redaction and the sink. */
  protected override createLogger(options?: ConstructorOptions): Logger {
    return new RedactingLogger(options, this.#sink);
  }
}

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const serviceName = options.serviceName ?? process.env.POWERTOOLS_SERVICE_NAME ?? defaultServiceName;
  return new RedactingLogger(
    {
      serviceName,
      ...(options.level === undefined ? {} : { logLevel: options.level }),
      ...(options.persistentKeys === undefined ? {} : { persistentKeys: options.persistentKeys }),
    },
    options.sink,
  );
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
