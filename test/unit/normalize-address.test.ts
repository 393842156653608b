/** Address keys: the same place typed differently by a storefront and by a ServiceTitan office. */
import { describe, expect, it } from "vitest";
import {
  addressKey,
  normalizeCity,
  normalizeCountry,
  normalizeState,
  normalizeStreet,
  normalizeZip,
  parseStreet,
  sameAddress,
} from "../../lib/normalize/address.ts";

describe("normalizeStreet", () => {
  it.each([
    ["742 Example Lane", undefined, "742 EXAMPLE LN"],
    ["742 example ln.", undefined, "742 EXAMPLE LN"],
    ["  742   Example   LANE  ", undefined, "742 EXAMPLE LN"],
    ["1 Fixture Court", undefined, "1 FIXTURE CT"],
    ["10 Test Avenue", undefined, "10 TEST AVE"],
    ["10 Test Av", undefined, "10 TEST AVE"],
    ["10 Test Road", undefined, "10 TEST RD"],
    ["10 Test Drive", undefined, "10 TEST DR"],
    ["10 Test Boulevard", undefined, "10 TEST BLVD"],
    ["10 Test Place", undefined, "10 TEST PL"],
    ["10 Test Terrace", undefined, "10 TEST TER"],
    ["10 Test Parkway", undefined, "10 TEST PKWY"],
    ["10 Test Circle", undefined, "10 TEST CIR"],
    ["10 Test Trail", undefined, "10 TEST TRL"],
    ["10 Test Way", undefined, "10 TEST WAY"],
    ["10 Test Square", undefined, "10 TEST SQ"],
    ["10 Test Street", undefined, "10 TEST ST"],
    ["10 Test Expressway", undefined, "10 TEST EXPY"],
    ["10 Lake Shore Drive", undefined, "10 LAKE SHORE DR"],
    ["500 North-East Test Street", undefined, "500 NE TEST ST"],
    ["500 N.E. Test St.", undefined, "500 NE TEST ST"],
    ["500 Test Street Southwest", undefined, "500 TEST ST SW"],
    ["500 Test St S W", undefined, "500 TEST ST SW"],
    ["100 North Street", undefined, "100 N ST"],
    ["1200 State Highway 9", undefined, "1200 STATE HWY 9"],
    ["1200 State Hwy. 9", undefined, "1200 STATE HWY 9"],
    ["100 Avenue A", undefined, "100 AVE A"],
    ["1 Fifth Avenue", undefined, "1 5TH AVE"],
    ["1 5th Ave", undefined, "1 5TH AVE"],
    ["123 1/2 Test St", undefined, "123 1/2 TEST ST"],
    ["P.O. Box 12", undefined, "PO BOX 12"],
    ["Post Office Box 12", undefined, "PO BOX 12"],
    ["100 Polk Street", undefined, "100 POLK ST"],
    ["100 Lot Road", undefined, "100 LOT RD"],
    ["12 Upper Ridge Road", undefined, "12 UPPER RIDGE RD"],
    ["10 Testé Street", undefined, "10 TESTE ST"],
  ])("%j (unit %j) → %j", (street, unit, expected) => {
    // Act
    const normalized = normalizeStreet(street, unit);

    // Assess
    expect(normalized).toBe(expected);
  });

  it("gives the same result for a unit embedded in the street and one in the unit field", () => {
    // Prepare
    const forms: [string, string | undefined][] = [
      ["742 Example Lane", "Apt 2"],
      ["742 Example Ln Apt 2", undefined],
      ["742 Example Ln, Apt. 2", undefined],
      ["742 Example Lane Apartment 2", undefined],
      ["742 Example Ln Apt2", undefined],
      ["742 Example Ln Apt #2", undefined],
      ["742 Example Ln Apt 02", undefined],
      ["742 Example Ln Apt 2", "Apt 2"],
    ];

    // Act
    const results = new Set(forms.map(([street, unit]) => normalizeStreet(street, unit)));

    // Assess
    expect([...results]).toEqual(["742 EXAMPLE LN APT 2"]);
  });

  it.each([
    ["742 Example Ln #2", undefined, "742 EXAMPLE LN # 2"],
    ["742 Example Ln # 2", undefined, "742 EXAMPLE LN # 2"],
    ["742 Example Ln", "2", "742 EXAMPLE LN # 2"],
    ["742 Example Ln", "#2", "742 EXAMPLE LN # 2"],
    ["742 Example Ln", "Suite 300", "742 EXAMPLE LN STE 300"],
    ["742 Example Ln Ste. 300", undefined, "742 EXAMPLE LN STE 300"],
    ["742 Example Ln", "Unit 2-B", "742 EXAMPLE LN UNIT 2B"],
    ["742 Example Ln Bldg B Apt 3", undefined, "742 EXAMPLE LN BLDG B APT 3"],
    ["742 Example Ln", "Building B, Room 3", "742 EXAMPLE LN BLDG B RM 3"],
    ["742 Example Ln 2nd Floor", undefined, "742 EXAMPLE LN FL 2"],
    ["742 Example Ln", "Floor 2", "742 EXAMPLE LN FL 2"],
    ["742 Example Ln Rear", undefined, "742 EXAMPLE LN REAR"],
    ["742 Example Ln", "Basement", "742 EXAMPLE LN BSMT"],
    ["742 Example Ln", "Lot 14", "742 EXAMPLE LN LOT 14"],
  ])("%j (unit %j) → %j", (street, unit, expected) => {
    // Act
    const normalized = normalizeStreet(street, unit);

    // Assess
    expect(normalized).toBe(expected);
  });

  it("splits the primary line from its units", () => {
    // Act
    const parsed = parseStreet("742 Example Lane Apt 2", "Bldg B");

    // Assess
    expect(parsed).toEqual({
      primary: "742 EXAMPLE LN",
      units: [
        { designator: "APT", id: "2" },
        { designator: "BLDG", id: "B" },
      ],
    });
  });
});

describe("address parts", () => {
  it("folds city spellings", () => {
    // Act & Assess
    expect(normalizeCity("St. Testburg")).toBe(normalizeCity("Saint Testburg"));
    expect(normalizeCity("  ft   testville ")).toBe("FORT TESTVILLE");
    expect(normalizeCity("Mt. Example")).toBe("MOUNT EXAMPLE");
  });

  it("folds states to USPS codes and keeps unknown text comparable", () => {
    // Act & Assess
    expect(normalizeState("Illinois")).toBe("IL");
    expect(normalizeState(" il ")).toBe("IL");
    expect(normalizeState("District of Columbia")).toBe("DC");
    expect(normalizeState("Ontario")).toBe("ONTARIO");
  });

  it("reduces ZIPs to 5 digits and restores dropped leading zeros", () => {
    // Act & Assess
    expect(normalizeZip("62704-1234")).toBe("62704");
    expect(normalizeZip("627041234")).toBe("62704");
    expect(normalizeZip(" 62704 ")).toBe("62704");
    expect(normalizeZip("2134")).toBe("02134");
  });

  it("folds country spellings to US", () => {
    // Act & Assess
    expect(normalizeCountry(undefined)).toBe("US");
    expect(normalizeCountry(null)).toBe("US");
    expect(normalizeCountry("USA")).toBe("US");
    expect(normalizeCountry("United States")).toBe("US");
    expect(normalizeCountry("U.S.A.")).toBe("US");
    expect(normalizeCountry("Canada")).toBe("CANADA");
  });
});

describe("addressKey / sameAddress", () => {
  const order = {
    street: "742 Example Lane",
    unit: "Apt 2",
    city: "Springfield",
    state: "IL",
    zip: "62704",
    country: "US",
  };

  it("builds the documented key", () => {
    // Act
    const key = addressKey(order);

    // Assess
    expect(key).toBe("742 EXAMPLE LN|2|SPRINGFIELD|IL|62704|US");
  });

  it.each([
    {
      street: "742 EXAMPLE LN #2",
      unit: null,
      city: "SPRINGFIELD",
      state: "Illinois",
      zip: "62704-0101",
      country: "USA",
    },
    {
      street: "742 Example Ln",
      unit: "Unit 2",
      city: "springfield",
      state: "il",
      zip: "62704",
      country: "United States",
    },
    { street: "742 Example Lane, Apartment #2", city: "Springfield", state: "IL", zip: "627040101" },
    { street: "742 example ln.", unit: "2", city: "Springfield ", state: "IL", zip: "62704" },
  ])("matches ServiceTitan's %j", (stored) => {
    // Act
    const same = sameAddress(stored, order);

    // Assess
    expect(same).toBe(true);
  });

  it.each([
    { street: "742 Example Lane", unit: "Apt 3", city: "Springfield", state: "IL", zip: "62704" },
    { street: "742 Example Lane", city: "Springfield", state: "IL", zip: "62704" },
    { street: "744 Example Lane", unit: "Apt 2", city: "Springfield", state: "IL", zip: "62704" },
    { street: "742 Example Court", unit: "Apt 2", city: "Springfield", state: "IL", zip: "62704" },
    { street: "742 Example Lane", unit: "Apt 2", city: "Shelbyville", state: "IL", zip: "62704" },
    { street: "742 Example Lane", unit: "Apt 2", city: "Springfield", state: "MO", zip: "62704" },
    { street: "742 Example Lane", unit: "Apt 2", city: "Springfield", state: "IL", zip: "62705" },
    { street: "742 Example Lane", unit: "Apt 2", city: "Springfield", state: "IL", zip: "62704", country: "Canada" },
  ])("does not match %j", (stored) => {
    // Act
    const same = sameAddress(stored, order);

    // Assess
    expect(same).toBe(false);
  });
});
