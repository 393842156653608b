import { describe, expect, it } from "vitest";
import { createIndexKeys } from "../../lib/customer-index/keys.ts";
import { canonicalModifiedOn } from "../../lib/customer-index/records.ts";

const key = "k".repeat(32);
const keys = createIndexKeys(key);

describe("customer index keys", () => {
  it("folds e-mail spellings to one key and refuses junk", () => {
    // Prepare / Act
    const a = keys.email("  Dana.Example@Example.COM ");
    const b = keys.email("dana.example@example.com");
    // Assess
    expect(a).toBeDefined();
    expect(a).toBe(b);
    expect(a).toMatch(/^EMAIL#[0-9a-f]{64}$/);
    for (const junk of ["n/a", "none", "-", "a@b", "two words@example.com", ""])
      expect(keys.email(junk)).toBeUndefined();
  });

  it("keys phones on the 10 national digits, ignoring format and extension", () => {
    const forms = ["+1 (555) 010-0101 ext. 3", "555.010.0101", "1-555-010-0101", "5550100101"];
    const hashed = new Set(forms.map((f) => keys.phone(f)));
    expect(hashed.size).toBe(1);
    expect([...hashed][0]).toMatch(/^PHONE#[0-9a-f]{64}$/);
    expect(keys.phone("12345")).toBeUndefined();
    expect(keys.phone("+44 20 7946 0000")).toBeUndefined();
  });

  it("keys an address on ZIP5 + house number + street, leaving units out of the look-up but not the exact key", () => {
    const order = { street: "18 Orchard Lane", unit: "Apt 2", city: "Springfield", state: "IL", zip: "62701-1234" };
    const office = { street: "18 ORCHARD LN #2", city: "Springfield", state: "Illinois", zip: "62701" };
    const neighbour = { street: "18 Orchard Ln", unit: "Apt 3", city: "Springfield", state: "IL", zip: "62701" };
    expect(keys.address(order)).toBe(keys.address(office));
    expect(keys.address(order)).toBe(keys.address(neighbour));
    expect(keys.exactAddress(order)).toBe(keys.exactAddress(office));
    expect(keys.exactAddress(order)).not.toBe(keys.exactAddress(neighbour));
    expect(keys.address({ ...order, street: "20 Orchard Lane" })).not.toBe(keys.address(order));
    expect(keys.address({ ...order, zip: "" })).toBeUndefined();
    expect(keys.address({ ...order, street: "  " })).toBeUndefined();
  });

  it("never puts the value in the key, and another installation's key gives other hashes", () => {
    const email = "dana.example@example.com";
    const hashed = keys.email(email) ?? "";
    expect(hashed.toLowerCase()).not.toContain("dana");
    expect(createIndexKeys("z".repeat(32)).email(email)).not.toBe(hashed);
    expect(keys.email(email)).not.toBe(keys.phone("5550100101"));
    expect(createIndexKeys("z".repeat(32)).fingerprint).not.toBe(keys.fingerprint);
  });

  it("refuses a short key", () => {
    expect(() => createIndexKeys("short")).toThrow(/at least 32/);
  });

  it("puts ServiceTitan date-times in one comparable form", () => {
    expect(canonicalModifiedOn("2024-03-01T15:00:00Z")).toBe("2024-03-01T15:00:00.000Z");
    expect(canonicalModifiedOn("2024-03-01T15:00:00.1234567")).toBe("2024-03-01T15:00:00.123Z");
    expect(canonicalModifiedOn("garbage")).toBe("");
    expect(canonicalModifiedOn(undefined)).toBe("");
  });
});
