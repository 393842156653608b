/**
 * Whether an order becomes a job or a booking (`bookings.<orderType>` of the mapping config): the
 * first SKU rule matching one of its lines decides, else the order kind's `createAs`.
 */
import type { SyncConfig } from "../config/schema.ts";
import { skuGlob } from "../normalize/sku-glob.ts";
import type { Order } from "../order/event-schema.ts";
import type { CreateAs } from "./config-schema.ts";

export function orderCreatesAs(config: SyncConfig, order: Order): CreateAs {
  const kind = config.bookings[order.orderType];
  for (const rule of kind.skuRules) {
    const pattern = skuPatternRegExp(rule.sku);
    if (order.lines.some((line) => pattern.test(line.sku))) return rule.createAs;
  }
  return kind.createAs;
}

/** `*` matches any characters (none included); everything else literally, without regard to case. */
export function skuPatternRegExp(pattern: string): RegExp {
  return skuGlob(pattern, { ignoreCase: true });
}
