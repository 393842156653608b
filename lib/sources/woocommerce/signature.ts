/**
 * WooCommerce signs each delivery: `X-WC-Webhook-Signature` is the base64 HMAC-SHA256 of the raw
 * body with the webhook's secret (`WC_Webhook::generate_signature`, woocommerce/woocommerce
 * `includes/class-wc-webhook.php`). Verified over the exact bytes received — a body parsed and
 * re-serialised would differ — and compared in constant time, so response timing says nothing about
 * how much of a forged signature was right.
 *
 * WooCommerce HTML-decodes the secret before signing (`wp_specialchars_decode`); a secret of
 * letters and digits (what the stack generates) is the same either way.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export function wooCommerceSignature(rawBody: Uint8Array, secret: string): string {
  return createHmac("sha256", secret).update(rawBody).digest("base64");
}

export function isValidWooCommerceSignature(rawBody: Uint8Array, header: string | undefined, secret: string): boolean {
  if (header === undefined || secret.length === 0) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  const given = Buffer.from(header.trim(), "base64");
  // A SHA-256 digest is 32 bytes: anything else is wrong whatever its content (and timingSafeEqual needs equal lengths).
  return given.length === expected.length && timingSafeEqual(given, expected);
}
