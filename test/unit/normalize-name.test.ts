/** Customer name confirmation: ServiceTitan's free-text `name` against the order's first/last/company. */
import { describe, expect, it } from "vitest";
import { customerNameMatches, normalizeCompanyName, normalizeName } from "../../lib/normalize/name.ts";

const person = { firstName: "Testy", lastName: "McTestface" };

describe("normalizeName", () => {
  it.each([
    ["  testy   mctestface ", "TESTY MCTESTFACE"],
    ["Zoë O'Testface-Núñez", "ZOE OTESTFACE NUNEZ"],
    ["MCTESTFACE, TESTY", "MCTESTFACE TESTY"],
    ["Testy & Lee McTestface", "TESTY LEE MCTESTFACE"],
    ["T. J. McTestface", "T J MCTESTFACE"],
    ["Tes\u200Bty McTest\u00ADface", "TESTY MCTESTFACE"],
    ["Straße", "STRASSE"],
  ])("%j → %j", (value, expected) => {
    // Act
    const normalized = normalizeName(value);

    // Assess
    expect(normalized).toBe(expected);
  });
});

describe("customerNameMatches for residential orders", () => {
  it.each([
    "Testy McTestface",
    "MCTESTFACE, TESTY",
    "mctestface testy",
    "Testy & Lee McTestface",
    "Lee and Testy McTestface",
    "T. McTestface",
    "Mr. Testy McTestface",
    "Testy McTestface Jr.",
    "  testy   MCTESTFACE  ",
  ])("matches %j", (stName) => {
    // Act
    const matches = customerNameMatches(stName, person);

    // Assess
    expect(matches).toBe(true);
  });

  it.each([
    "Lee McTestface",
    "McTestface Residence",
    "McTestface",
    "Testy McExample",
    "Testy",
    "",
    "Acme Test Heating LLC",
  ])("does not match %j", (stName) => {
    // Act
    const matches = customerNameMatches(stName, person);

    // Assess
    expect(matches).toBe(false);
  });

  it("accepts an initial on the order side too", () => {
    // Act
    const matches = customerNameMatches("Testy McTestface", { firstName: "T.", lastName: "McTestface" });

    // Assess
    expect(matches).toBe(true);
  });

  it("needs every word of a compound last name, and ignores generational suffixes on the order", () => {
    // Prepare
    const compound = { firstName: "Testy", lastName: "McTestface-Example" };
    const junior = { firstName: "Testy", lastName: "McTestface Jr." };

    // Act & Assess
    expect(customerNameMatches("Testy McTestface Example", compound)).toBe(true);
    expect(customerNameMatches("Testy McTestface", compound)).toBe(false);
    expect(customerNameMatches("Testy McTestface", junior)).toBe(true);
  });
});

describe("customerNameMatches for commercial orders", () => {
  const commercial = { ...person, company: "Acme Test Heating & Air, Inc." };

  it.each(["ACME TEST HEATING AND AIR", "Acme Test Heating & Air Inc", "The Acme Test Heating & Air Co., LLC"])(
    "matches %j by company",
    (stName) => {
      // Act
      const matches = customerNameMatches(stName, commercial);

      // Assess
      expect(matches).toBe(true);
    },
  );

  it("does not fall back to the contact's name", () => {
    // Act
    const matches = customerNameMatches("Testy McTestface", commercial);

    // Assess
    expect(matches).toBe(false);
  });

  it("treats a blank company as residential", () => {
    // Act
    const matches = customerNameMatches("Testy McTestface", { ...person, company: "  " });

    // Assess: "  " normalises to nothing, so the person rule applies
    expect(matches).toBe(true);
  });

  it("keeps a name that is only a legal form", () => {
    // Act & Assess
    expect(normalizeCompanyName("Company")).toBe("COMPANY");
    expect(normalizeCompanyName("Acme Test LLC")).toBe("ACME TEST");
  });
});
