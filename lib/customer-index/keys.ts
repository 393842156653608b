/**
 * Index keys: HMAC-SHA256, with a per-installation secret key, of the normalised e-mail, the 10
 * phone digits and an address key. A plain hash of an e-mail or a phone number can be reversed by
 * hashing every candidate (phone numbers are only 10 digits), so the table would hold personal data
 * in all but name; with a keyed hash, the table alone reveals nothing. The key lives in Secrets
 * Manager in AWS (`CUSTOMER_INDEX_HMAC_SECRET_NAME`) and in `CUSTOMER_INDEX_HMAC_KEY` locally.
 *
 * Normalisation is the same as matching's (`lib/normalize/`), so an order and a ServiceTitan record
 * that compare equal there get equal keys here. Each kind of value is hashed with its own label, so
 * an e-mail can never collide with a phone number.
 */
import { createHmac } from "node:crypto";
import { type AddressLike, addressKey, normalizeZip, parseStreet } from "../normalize/address.ts";
import { normalizeEmail } from "../normalize/email.ts";
import { phoneDigits } from "../normalize/phone.ts";

/** Environment variable holding the key itself (local runs). */
export const hmacKeyEnv = "CUSTOMER_INDEX_HMAC_KEY";
/** Environment variable naming the Secrets Manager secret whose string is the key (AWS). */
export const hmacSecretNameEnv = "CUSTOMER_INDEX_HMAC_SECRET_NAME";
/** Shorter keys are refused: 32 characters of a generated secret carry well over 128 bits. */
export const minHmacKeyLength = 32;

export const LookupKind = { Email: "EMAIL", Phone: "PHONE", Address: "ADDRESS" } as const;
export type LookupKind = (typeof LookupKind)[keyof typeof LookupKind];

export interface IndexKeys {
  /** `EMAIL#…` for a usable e-mail address; undefined when the value isn't one. */
  email(value: string): string | undefined;
  /** `PHONE#…` for a North American number; undefined otherwise (extensions are ignored). */
  phone(value: string): string | undefined;
  /**
   * `ADDRESS#…` of ZIP5 + house number + normalised street (units, city and state left out, so a
   * look-up finds the building; `exactAddress` then tells the unit apart). Undefined without a
   * street or a 5-digit ZIP.
   */
  address(address: AddressLike): string | undefined;
  /** Keyed hash of the whole comparable address (`addressKey`): equal iff `sameAddress`. */
  exactAddress(address: AddressLike): string | undefined;
  /** A keyed hash of a fixed label: tells whether the index was built with this same key. */
  readonly fingerprint: string;
}

/**
 * A deliberately plain test: one "@", something on each side, a dot in the domain, no spaces. Not
 * RFC 5322; it keeps obvious junk ("n/a", "none", "-") out of the index, where it would link
 * strangers who all typed the same placeholder.
 */
const usableEmail = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function createIndexKeys(secret: string): IndexKeys {
  if (secret.length < minHmacKeyLength) {
    throw new RangeError(`The customer index HMAC key must be at least ${minHmacKeyLength} characters`);
  }
  const mac = (label: string, value: string) =>
    createHmac("sha256", secret).update(`${label}\u0000${value}`, "utf8").digest("hex");
  const lookup = (kind: LookupKind, value: string) => `${kind}#${mac(kind, value)}`;
  return {
    email(value) {
      const email = normalizeEmail(value);
      return usableEmail.test(email) ? lookup(LookupKind.Email, email) : undefined;
    },
    phone(value) {
      const digits = phoneDigits(value);
      return digits ? lookup(LookupKind.Phone, digits) : undefined;
    },
    address(address) {
      const parts = buildingParts(address);
      return parts ? lookup(LookupKind.Address, parts) : undefined;
    },
    exactAddress(address) {
      return buildingParts(address) ? mac("EXACT_ADDRESS", addressKey(address)) : undefined;
    },
    fingerprint: mac("FINGERPRINT", "customer-index"),
  };
}

/** "62704|18|ORCHARD LN"; PO boxes and unnumbered streets keep an empty house number. */
function buildingParts(address: AddressLike): string | undefined {
  const zip = normalizeZip(address.zip ?? "");
  if (!/^\d{5}$/.test(zip)) return undefined;
  const { primary } = parseStreet(address.street ?? "", undefined);
  if (primary === "") return undefined;
  const [first = "", ...rest] = primary.split(" ");
  const numbered = /^\d/.test(first);
  const house = numbered ? first : "";
  const street = numbered ? rest.join(" ") : primary;
  return street === "" ? undefined : [zip, house, street].join("|");
}
