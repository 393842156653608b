/**
 * `sortsAfter` may only say "after" where every plausible `sort=Code` collation agrees: checked
 * against four orderings a ServiceTitan (or a stand-in) could use, on codes built to be awkward.
 */
import { describe, expect, it } from "vitest";
import { sortsAfter, sortsBefore } from "../../lib/pipeline/code-order.ts";

type Compare = (a: string, b: string) => number;

const ordinal: Compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
/** SQL Server *_CI_*: case folded first. */
const caseInsensitive: Compare = (a, b) => ordinal(a.toLowerCase(), b.toLowerCase());
/** Windows "word sort": hyphens and apostrophes ignored, case-insensitive. */
const wordSort: Compare = (a, b) => caseInsensitive(a.replace(/['-]/g, ""), b.replace(/['-]/g, ""));
/** Natural order ("A2" before "A10"), as a hand-written stand-in might sort. */
const naturalCollator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
const natural: Compare = (a, b) => naturalCollator.compare(a, b);
const collations: [string, Compare][] = [
  ["ordinal", ordinal],
  ["case-insensitive", caseInsensitive],
  ["word sort", wordSort],
  ["natural", natural],
];

/** Deterministic awkward codes: mixed case, digits, hyphens, prefixes of each other. */
function codes(): string[] {
  const alphabet = ["A", "a", "B", "b", "Z", "z", "x", "Y", "0", "1", "2", "9", "-", "'"];
  const out = new Set<string>(["A", "A1", "A10", "A2", "A-B", "AB", "A1B", "A12", "FLT-1", "FLT-10", "FLT-1-M"]);
  let seed = 7;
  const next = () => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return seed >>> 8;
  };
  while (out.size < 400) {
    const length = 1 + (next() % 4);
    let code = "";
    for (let i = 0; i < length; i++) code += alphabet[next() % alphabet.length];
    out.add(code);
  }
  return [...out];
}

describe("sortsAfter", () => {
  it("says 'after' only where every collation puts the code after the other", () => {
    // Prepare
    const all = codes();
    const wrong: string[] = [];
    let decided = 0;

    // Act
    for (const code of all) {
      for (const other of all) {
        if (!sortsAfter(code, other)) continue;
        decided++;
        for (const [name, compare] of collations) {
          if (compare(code, other) <= 0) wrong.push(`${code} vs ${other} (${name})`);
        }
      }
    }

    // Assess
    expect(wrong).toEqual([]);
    expect(decided).toBeGreaterThan(10_000); // not vacuous: most pairs are decided
  });

  it.each([
    ["FLT-10", "FLT-1", true],
    ["FLU", "FLT", true],
    ["c", "B", true],
    ["A", "5", true],
    ["Y", "x", false], // binary order puts "Y" first
    ["A1B", "A12", false], // natural order puts "A1B" first
    ["A-C", "AB", false], // word sort ignores the hyphen
    ["FLT-1-", "FLT-1", false],
    ["FLT-1", "FLT-1", false],
  ])("%s after %s: %s", (code, other, expected) => {
    // Act / Assess
    expect(sortsAfter(code, other)).toBe(expected);
  });

  it("mirrors for descending reads", () => {
    // Act / Assess
    expect(sortsBefore("FLT", "FLU")).toBe(true);
    expect(sortsBefore("FLU", "FLT")).toBe(false);
  });
});
