/**
 * One local "Lambda container" that can be frozen. At a function's timeout Lambda freezes the
 * execution environment mid-call: nothing of the timed-out invocation runs on, no ServiceTitan
 * write, no ledger write, no SQS call, and the next invocation gets a fresh environment. Node can't
 * stop a promise, so a frozen container cuts its own wires instead: its ServiceTitan fetch, its
 * DynamoDB and SQS clients refuse every request from then on (a request already on the wire may
 * still complete, as it may in Lambda) and its outcomes are no longer reported.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { LocalAws } from "./aws.ts";
import { localCredentials } from "./aws.ts";

/** Thrown inside a frozen container: it never reaches a caller that is still running. */
export class ContainerFrozenError extends Error {
  constructor() {
    super("This container was frozen at its invocation's timeout");
    this.name = "ContainerFrozenError";
  }
}

export interface FreezableWires {
  readonly signal: AbortSignal;
  readonly fetch: typeof fetch;
  readonly dynamo: DynamoDBClient;
  readonly sqs: SQSClient;
  freeze(): void;
}

export function freezableWires(aws: LocalAws): FreezableWires {
  const frozen = new AbortController();
  const { signal } = frozen;
  const dynamo = new DynamoDBClient({
    region: aws.region,
    endpoint: aws.dynamoEndpoint,
    credentials: localCredentials,
  });
  const sqs = new SQSClient({ region: aws.region, endpoint: aws.sqsEndpoint, credentials: localCredentials });
  /** Passes a request on, or refuses it once frozen. */
  const unlessFrozen = <T>(send: () => Promise<T>): Promise<T> =>
    signal.aborted ? Promise.reject(new ContainerFrozenError()) : send();
  const placement = { step: "initialize", name: "localContainerFreeze" } as const;
  dynamo.middlewareStack.add((next) => (args) => unlessFrozen(() => next(args)), placement);
  sqs.middlewareStack.add((next) => (args) => unlessFrozen(() => next(args)), placement);
  const frozenFetch: typeof fetch = (input, init) =>
    unlessFrozen(() =>
      globalThis.fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal }),
    );
  return {
    signal,
    fetch: frozenFetch,
    dynamo,
    sqs,
    freeze() {
      frozen.abort();
      // Requests already sent finish on their own; the clients are not reused.
      setTimeout(() => {
        dynamo.destroy();
        sqs.destroy();
      }, 30_000).unref();
    },
  };
}
