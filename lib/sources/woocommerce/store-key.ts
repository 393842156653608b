/**
 * The store half of a WooCommerce order's idempotency key (`store:orderId`). WooCommerce names its
 * site in `X-WC-Webhook-Source` (`home_url('/')`, e.g. `https://shop.example.com/`), and a REST order
 * names it in `_links.self[0].href` (`https://shop.example.com/wp-json/wc/v3/orders/727`). Both give
 * the same key: the host, plus the path of a site in a sub-folder, without the scheme (a move from
 * http to https must not make every order new again) or port (a key never contains `:`).
 */
import type { WooCommerceSourceConfig } from "../../config/schema.ts";

/** What `orderKeyFromBody` (DLQ attributes) and the contract's `store` accept. */
const storeKeyPattern = /^[A-Za-z0-9_.#/-]{1,64}$/;

export function storeKeyFromUrl(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length > 2048) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  // A REST link: the site is what comes before `/wp-json/`; plain permalinks put the route in the query.
  const restIndex = url.pathname.indexOf("/wp-json/");
  const path = (restIndex === -1 ? url.pathname : url.pathname.slice(0, restIndex)).replace(/\/+$/, "");
  const key = `${url.hostname.toLowerCase()}${path}`;
  return storeKeyPattern.test(key) ? key : undefined;
}

/** The configured store, else the one the URL names. */
export function wooCommerceStoreKey(config: WooCommerceSourceConfig, url: unknown): string | undefined {
  return config.store ?? storeKeyFromUrl(url);
}
