/**
 * Money is carried as integer cents end to end. Storefronts send `19.99` or `"19.99"`; a JS number
 * is turned into its shortest decimal string first, so 0.1 + 0.2 style float noise never reaches
 * ServiceTitan's invoice.
 */
const moneyPattern = /^(-)?(\d{1,9})(?:\.(\d{1,2}))?$/;

/** Largest absolute amount accepted (999,999,999.99), far above any storefront order. */
export const maxMoneyCents = 99_999_999_999;

export function parseMoneyToCents(value: string | number): number | undefined {
  if (typeof value === "number" && !Number.isFinite(value)) return undefined;
  const text = typeof value === "number" ? String(value) : value.trim();
  const match = moneyPattern.exec(text);
  if (!match) return undefined;
  const [, sign, whole = "0", fraction = ""] = match;
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  if (cents > maxMoneyCents) return undefined;
  return sign && cents !== 0 ? -cents : cents;
}

/** 1999 → 19.99 as the decimal ServiceTitan expects in `unitPrice`. */
export function centsToDecimal(cents: number): number {
  return cents / 100;
}

/** Parses ServiceTitan's decimal strings ("19.99", "20", "-3.5") into cents, rounding half away from zero. */
export function decimalToCents(value: string | number): number {
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n)) return Number.NaN;
  return Math.sign(n) * Math.round(Math.abs(n) * 100);
}
