/** Email and phone comparison keys: what the customer match compares against ServiceTitan's contacts. */
import { describe, expect, it } from "vitest";
import { normalizeEmail } from "../../lib/normalize/email.ts";
import { parsePhone, phoneDigits } from "../../lib/normalize/phone.ts";

describe("normalizeEmail", () => {
  it("trims and lower-cases, nothing more", () => {
    // Prepare
    const stored = "  Testy.McTestface+Filters@Example.COM \t";

    // Act
    const normalized = normalizeEmail(stored);

    // Assess: dots and +tags are kept (only some providers ignore them)
    expect(normalized).toBe("testy.mctestface+filters@example.com");
    expect(normalizeEmail("testymctestface@example.com")).not.toBe(normalized);
  });
});

describe("phoneDigits", () => {
  it.each([
    ["+1 (555) 010-0101 ext. 3", "5550100101"],
    ["555.010.0102", "5550100102"],
    ["1-555-010-0103", "5550100103"],
    ["5550100104 x12", "5550100104"],
    ["(555) 010-0105", "5550100105"],
    ["+15550100106", "5550100106"],
    ["555 010 0107", "5550100107"],
    ["1 555 010 0108", "5550100108"],
    ["+1 876 555 0109", "8765550109"],
  ])("reads %j as %s", (stored, digits) => {
    // Act
    const result = phoneDigits(stored);

    // Assess
    expect(result).toBe(digits);
  });

  it.each([
    "555-0101",
    "0101",
    "555-010-010",
    "555-010-01011234",
    "+44 20 7946 0958",
    "+33 1 23 45 67 89",
    "not a phone",
    "",
    "(((",
  ])("rejects %j", (stored) => {
    // Act
    const result = phoneDigits(stored);

    // Assess
    expect(result).toBeUndefined();
  });

  it("keeps the extension apart from the digits", () => {
    // Act
    const withExtension = parsePhone("+1 (555) 010-0101 ext. 3");
    const plain = parsePhone("555.010.0102");

    // Assess
    expect(withExtension).toEqual({ digits: "5550100101", extension: "3" });
    expect(plain).toEqual({ digits: "5550100102" });
  });

  it("makes every stored format of one number compare equal", () => {
    // Prepare
    const formats = ["+1 (555) 010-0142", "555.010.0142", "1-555-010-0142", "5550100142 x7", "(555)0100142"];

    // Act
    const keys = new Set(formats.map(phoneDigits));

    // Assess
    expect([...keys]).toEqual(["5550100142"]);
  });
});
