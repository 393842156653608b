/**
 * Detects where a queue message came from and maps it to a `SourceMessage`. Each storefront source
 * recognises only its own envelope (returning `undefined` otherwise); anything no source claims is
 * read as our own contract, so its errors name the contract's fields.
 */
import type { SyncConfig } from "../config/schema.ts";
import { InvalidMessageError, ReasonCode } from "../errors.ts";
import {
  assertBodySize,
  decodeMessageBody,
  type JsonObject,
  maxBodyBytes,
  maxEnvelopeBytes,
  orderFromContractJson,
} from "../order/parse-message.ts";
import { parseShopifyEvent } from "./shopify/parse-shopify-event.ts";
import { MessageKind, type SourceMessage, SourceName } from "./source-message.ts";
import { parseWooCommerceMessage } from "./woocommerce/parse.ts";

/** A storefront's detector and mapper: `undefined` when the body isn't that storefront's. */
export type SourceParser = (json: JsonObject, config: SyncConfig) => SourceMessage | undefined;

const storefrontParsers: readonly SourceParser[] = [
  parseShopifyEvent,
  (json, config) => parseWooCommerceMessage(json, config.sources),
];

/**
 * Bodies up to SQS's 1 MiB are decoded (a storefront's envelope may be that large); one no storefront
 * claims is our contract and keeps the contract's 256 KiB limit.
 */
export function parseSourceMessage(body: string, config: SyncConfig): SourceMessage {
  let json: JsonObject;
  try {
    json = decodeMessageBody(body, maxEnvelopeBytes);
  } catch (error) {
    // Too large for any order: say so rather than "not JSON" about a truncated giant.
    if (error instanceof InvalidMessageError && error.reason === ReasonCode.InvalidJson)
      assertBodySize(body, maxBodyBytes);
    throw error;
  }
  for (const parse of storefrontParsers) {
    const message = parse(json, config);
    if (message) return message;
  }
  assertBodySize(body, maxBodyBytes);
  return { kind: MessageKind.Order, source: SourceName.Contract, order: orderFromContractJson(json) };
}
