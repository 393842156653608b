/**
 * Email comparison key. The storefront and ServiceTitan's contact methods both hold whatever a
 * person typed ("Dana.Whitfield@Example.com "), and ServiceTitan's `value` filter is not documented
 * as case-insensitive, so both sides are folded before comparing.
 *
 * Deliberately nothing fancier: dropping dots or `+tags` is only right for some providers (Gmail),
 * and a false match would attach an order to another person's customer record.
 */
export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}
