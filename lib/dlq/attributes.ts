/**
 * The message attributes a dead letter carries, shared by the dead-letter send and the replay.
 *
 * SQS allows at most 10 message attributes per message (SendMessage fails with
 * `InvalidParameterValue` beyond that), so attributes are ranked (`dlqAttributePriority`) and the
 * lowest-ranked are dropped: ours first in priority order, then the producer's own attributes with
 * whatever slots remain (a producer attribute is lost before any diagnostic of ours). Values never
 * carry personal data: codes, ids, counts, timestamps, field paths and ServiceTitan's problem
 * title, all masked and length-capped.
 */
import type { MessageAttributeValue } from "@aws-sdk/client-sqs";
import type { SQSMessageAttributes } from "aws-lambda";
import { formatOrderKey } from "../observability/logger.ts";
import { maskString } from "../observability/redact.ts";
import { maxEnvelopeBytes } from "../order/parse-message.ts";
import { shopifyOrderKeyOf } from "../sources/shopify/order-key.ts";

export const maxMessageAttributes = 10;

/** Attribute names this worker writes; anything else on a message is the producer's. */
export const DlqAttribute = {
  Reason: "reason",
  ErrorKind: "errorKind",
  OrderKey: "orderKey",
  ReplayCount: "replayCount",
  FailedAt: "failedAt",
  SourceMessageId: "sourceMessageId",
  ReceiveCount: "receiveCount",
  FieldPaths: "fieldPaths",
  StStatus: "stStatus",
  StTraceId: "stTraceId",
  StTitle: "stTitle",
} as const;
export type DlqAttribute = (typeof DlqAttribute)[keyof typeof DlqAttribute];

/**
 * Highest priority first: what the replay filters on, then what explains the failure, then the
 * correlation facts. With every diagnostic present there are 11, so `receiveCount` (almost always 1
 * for a permanent failure) is the one dropped.
 */
export const dlqAttributePriority: readonly DlqAttribute[] = [
  DlqAttribute.Reason,
  DlqAttribute.ErrorKind,
  DlqAttribute.OrderKey,
  DlqAttribute.ReplayCount,
  DlqAttribute.FailedAt,
  DlqAttribute.FieldPaths,
  DlqAttribute.StStatus,
  DlqAttribute.StTitle,
  DlqAttribute.StTraceId,
  DlqAttribute.SourceMessageId,
  DlqAttribute.ReceiveCount,
];

const ownAttributeNames: ReadonlySet<string> = new Set(Object.values(DlqAttribute));

export function isDlqAttribute(name: string): boolean {
  return ownAttributeNames.has(name);
}

export type SqsAttributes = Record<string, MessageAttributeValue>;

/** Masks emails/phones unless the value was already validated as code-like (`mask: false`). */
export function stringAttribute(
  value: string,
  options: { maxLength?: number; mask?: boolean } = {},
): MessageAttributeValue | undefined {
  const safe = (options.mask === false ? value : maskString(value)).slice(0, options.maxLength ?? 256);
  return safe === "" ? undefined : { DataType: "String", StringValue: safe };
}

export function numberAttribute(value: number): MessageAttributeValue | undefined {
  return Number.isFinite(value) ? { DataType: "Number", StringValue: String(value) } : undefined;
}

/** Lambda's record shape (`stringValue`, base64 `binaryValue`) to the SDK's SendMessage shape. */
export function fromLambdaAttributes(attributes: SQSMessageAttributes | undefined): SqsAttributes {
  const out: SqsAttributes = {};
  for (const [name, attribute] of Object.entries(attributes ?? {})) {
    if (attribute.stringValue !== undefined) {
      out[name] = { DataType: attribute.dataType, StringValue: attribute.stringValue };
    } else if (attribute.binaryValue !== undefined) {
      out[name] = { DataType: attribute.dataType, BinaryValue: Buffer.from(attribute.binaryValue, "base64") };
    }
  }
  return out;
}

/**
 * Keeps only what SendMessage accepts (string/binary values; list values are reserved by SQS),
 * so a received message's attributes can be sent again.
 */
export function sendableAttributes(attributes: SqsAttributes | undefined): SqsAttributes {
  const out: SqsAttributes = {};
  for (const [name, attribute] of Object.entries(attributes ?? {})) {
    if (attribute.DataType === undefined) continue;
    if (attribute.StringValue !== undefined) {
      out[name] = { DataType: attribute.DataType, StringValue: attribute.StringValue };
    } else if (attribute.BinaryValue !== undefined) {
      out[name] = { DataType: attribute.DataType, BinaryValue: attribute.BinaryValue };
    }
  }
  return out;
}

/**
 * Merges our attributes over the producer's and keeps at most 10: ours in priority order, then
 * the producer's in their original order.
 */
export function fitAttributes(own: Partial<Record<DlqAttribute, MessageAttributeValue>>, producer: SqsAttributes) {
  const out: SqsAttributes = {};
  let count = 0;
  for (const name of dlqAttributePriority) {
    const value = own[name];
    if (value === undefined || count >= maxMessageAttributes) continue;
    out[name] = value;
    count++;
  }
  for (const [name, value] of Object.entries(producer)) {
    if (isDlqAttribute(name) || count >= maxMessageAttributes) continue;
    out[name] = value;
    count++;
  }
  return out;
}

export function attributeString(attributes: SqsAttributes | undefined, name: string): string | undefined {
  const value = attributes?.[name]?.StringValue;
  return value === undefined || value === "" ? undefined : value;
}

export function attributeNumber(attributes: SqsAttributes | undefined, name: string): number | undefined {
  const value = attributeString(attributes, name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

export interface OrderKey {
  store: string;
  orderId: string;
}

/** `store:orderId`; a store accepted here never contains `:`, so `parseOrderKey` splits at the first one. */
export { formatOrderKey };

/** The contract's default store (order-event.md). */
export const defaultStore = "default";
const storePattern = /^[A-Za-z0-9_.#/-]{1,64}$/;
const orderIdPattern = /^[A-Za-z0-9_.:#/-]{1,64}$/;

/**
 * `store`/`orderId` from a message body without trusting it: a body that breaks the contract may
 * hold anything in those fields, so only short code-like values are accepted (no `@`, spaces or
 * brackets, hence no email or formatted phone), and nothing else of the body is looked at. A
 * Shopify EventBridge event names its shop domain and order id instead.
 */
export function orderKeyFromBody(body: string): OrderKey | undefined {
  if (body.length > maxEnvelopeBytes) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
  const shopify = shopifyOrderKeyOf(json as Record<string, unknown>);
  if (shopify) return shopify;
  const { store, orderId } = json as { store?: unknown; orderId?: unknown };
  const storeValue = store === undefined ? defaultStore : store;
  if (typeof storeValue !== "string" || !storePattern.test(storeValue)) return undefined;
  if (typeof orderId !== "string" || !orderIdPattern.test(orderId)) return undefined;
  return { store: storeValue, orderId };
}

export function parseOrderKey(value: string | undefined): OrderKey | undefined {
  if (value === undefined) return undefined;
  const index = value.indexOf(":");
  if (index <= 0 || index === value.length - 1) return undefined;
  return { store: value.slice(0, index), orderId: value.slice(index + 1) };
}
