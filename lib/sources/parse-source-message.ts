/**
 * Detects where a queue message came from and maps it to a `SourceMessage`. Each storefront source
 * recognises only its own envelope (returning `undefined` otherwise); anything no source claims is
 * read as our own contract, so its errors name the contract's fields.
 */
import type { SourcesConfig } from "../config/schema.ts";
import { decodeMessageBody, type JsonObject, orderFromContractJson } from "../order/parse-message.ts";
import { MessageKind, type SourceMessage, SourceName } from "./source-message.ts";
import { parseWooCommerceMessage } from "./woocommerce/parse.ts";

/**
 * A storefront's detector and mapper: `undefined` when the body isn't that storefront's. `sources` is
 * the mapping config's `sources` key (which statuses are paid, which SKUs are services, …).
 */
export type SourceParser = (json: JsonObject, sources: SourcesConfig) => SourceMessage | undefined;

const storefrontParsers: readonly SourceParser[] = [parseWooCommerceMessage];

export function parseSourceMessage(body: string, sources: SourcesConfig = {}): SourceMessage {
  const json = decodeMessageBody(body);
  for (const parse of storefrontParsers) {
    const message = parse(json, sources);
    if (message) return message;
  }
  return { kind: MessageKind.Order, source: SourceName.Contract, order: orderFromContractJson(json) };
}
