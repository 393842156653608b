/**
 * The Lambda bundle swaps libphonenumber's metadata for its calling-code-1 subset
 * (`cdk/bundle-options.ts`). These tests show `parsePhone`/`phoneDigits` answer the same with it: the
 * phone module is bundled with the Lambda's esbuild options into a small ESM file, run in a child
 * `node`, and compared input by input with the unbundled module (full metadata) and with the
 * implementation before the change (`libphonenumber-js`'s default entry).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build, type Metafile } from "esbuild";
import { parsePhoneNumberWithError as legacyParsePhoneNumberWithError } from "libphonenumber-js";
import { parsePhoneNumberWithError } from "libphonenumber-js/core/es6";
import metadata from "libphonenumber-js/min/metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  generatedModulesDir,
  lambdaEsbuildBuildOptions,
  nanpCallingCode,
  nanpPhoneMetadata,
  type PhoneMetadataJson,
  phoneMetadataModule,
  writeNanpPhoneMetadata,
} from "../../cdk/bundle-options.ts";
import { type PhoneParts, parsePhone } from "../../lib/normalize/phone.ts";
import { badOrderBodies } from "../support/order-factory.ts";

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const fullMetadata = metadata as unknown as PhoneMetadataJson;

/** `parsePhone` as it was before the bundle work: the package's default entry (its "min" metadata). */
function legacyParsePhone(value: string): PhoneParts | undefined {
  try {
    const parsed = legacyParsePhoneNumberWithError(value, "US");
    if (parsed.countryCallingCode !== "1" || !parsed.isPossible()) return undefined;
    const digits = String(parsed.nationalNumber);
    if (!/^\d{10}$/.test(digits)) return undefined;
    return parsed.ext ? { digits, extension: String(parsed.ext) } : { digits };
  } catch {
    return undefined;
  }
}

/** The messy formats of `normalize-contact.test.ts`. */
const contactFormats = [
  "+1 (555) 010-0101 ext. 3",
  "555.010.0102",
  "1-555-010-0103",
  "5550100104 x12",
  "(555) 010-0105",
  "+15550100106",
  "555 010 0107",
  "1 555 010 0108",
  "+1 876 555 0109",
  "555-0101",
  "0101",
  "555-010-010",
  "555-010-01011234",
  "+44 20 7946 0958",
  "+33 1 23 45 67 89",
  "not a phone",
  "",
  "(((",
  "+1 (555) 010-0142",
  "555.010.0142",
  "1-555-010-0142",
  "5550100142 x7",
  "(555)0100142",
];

/** Every string `customer.phone` of the factory's malformed bodies. */
function badBodyPhones(): string[] {
  const phones: string[] = [];
  for (const bad of badOrderBodies()) {
    let event: unknown;
    try {
      event = JSON.parse(bad.body);
    } catch {
      continue;
    }
    const phone = (event as { customer?: { phone?: unknown } } | null)?.customer?.phone;
    if (typeof phone === "string") phones.push(phone);
  }
  return phones;
}

/**
 * Where the subset could differ: other NANP members, international and IDD-prefixed numbers of other
 * calling codes, non-geographic codes, extensions, RFC 3966, non-ASCII digits.
 */
const edgeCases = [
  "+1 242 555 0101",
  "+1 604 555 0101",
  "+1 787 555 0101",
  "+1 684 555 0101",
  "(268) 555-0101",
  "+1 800 555 0101",
  "+1 900 555 0101",
  "+1 (212) 555-0101",
  "212 555 0101",
  "+1 555 010 0101 ext. 12",
  "555 010 0101 extension 9",
  "+1 555 010 0101 #12",
  "555-010-0101;ext=3",
  "tel:+1-555-010-0101;ext=3",
  "011 1 555 010 0101",
  "0115550100101",
  "011 44 20 7946 0958",
  "00 44 20 7946 0958",
  "+52 55 5555 0101",
  "+7 495 555 01 01",
  "+800 1234 5678",
  "+808 12345678",
  "+870 123456789",
  "+882 1234 5678",
  "+979 123456789",
  "+0 555 010 0101",
  "+11 555 010 0101",
  "115550100101",
  "15550100101",
  "+1 555 010 01011",
  "+",
  "+1",
  "1",
  "11",
  "1 (800) FLOWERS",
  "\uFF15\uFF15\uFF15-\uFF10\uFF11\uFF10-\uFF10\uFF11\uFF10\uFF11",
  "\u0665\u0665\u0665\u0660\u0661\u0660\u0660\u0661\u0660\u0661",
  "  +1-555-010-0101  ",
];

/** Deterministic pseudo-random numbers (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Digit strings of every plausible length behind every kind of prefix, with separators and extensions. */
function generatedInputs(count: number): string[] {
  const next = random(20261123);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const prefixes = ["", "", "+", "+1", "+1 ", "1-", "011 ", "00", "+44 ", "+0", "(", "tel:+", "+8", "+2", "+3"];
  const separators = ["", "", " ", "-", ".", ") "];
  const suffixes = ["", "", "", " x12", " ext. 3", ";ext=45", " #7"];
  const inputs: string[] = [];
  for (let i = 0; i < count; i += 1) {
    let digits = "";
    // Half of them national-number length, the rest anything from 3 to 15 digits.
    const length = next() < 0.5 ? 10 : 3 + Math.floor(next() * 13);
    for (let d = 0; d < length; d += 1) {
      digits += String(Math.floor(next() * 10));
      if (next() < 0.15) digits += pick(separators);
    }
    inputs.push(`${pick(prefixes)}${digits}${pick(suffixes)}`);
  }
  return inputs;
}

const inputs = [...new Set([...contactFormats, ...badBodyPhones(), ...edgeCases, ...generatedInputs(3000)])];

describe("NANP phone metadata subset", () => {
  it("is cut from the metadata the code imports: the package's 'min' set", async () => {
    // Prepare: what `require` resolves the module to (the generator reads it) vs. what `import` loads.
    const jsonTwin = createRequire(import.meta.url).resolve(phoneMetadataModule);

    // Act
    const read = JSON.parse(await readFile(jsonTwin, "utf8")) as unknown;

    // Assess
    expect(path.basename(jsonTwin)).toBe("metadata.min.json");
    expect(read).toEqual(metadata);
  });

  it("keeps exactly calling code 1's countries, each numbering plan unchanged", () => {
    // Act
    const subset = nanpPhoneMetadata(fullMetadata);

    // Assess
    const nanpCountries = fullMetadata.country_calling_codes[nanpCallingCode] ?? [];
    expect(nanpCountries).toEqual(expect.arrayContaining(["US", "CA", "PR", "JM", "BS"]));
    expect(subset.version).toBe(fullMetadata.version);
    expect(subset.country_calling_codes).toEqual({ [nanpCallingCode]: nanpCountries });
    expect(Object.keys(subset.countries).sort()).toEqual([...nanpCountries].sort());
    for (const country of nanpCountries) expect(subset.countries[country]).toEqual(fullMetadata.countries[country]);
    expect(subset.nonGeographic).toEqual({});
    expect(JSON.stringify(subset).length).toBeLessThan(JSON.stringify(fullMetadata).length / 10);
  });

  it("refuses metadata whose calling code 1 lacks the US or a country's plan", () => {
    // Prepare
    const withoutUs = { ...fullMetadata, country_calling_codes: { [nanpCallingCode]: ["CA"] } };
    const missingPlan = { ...fullMetadata, countries: { US: fullMetadata.countries.US } };

    // Act / Assess
    expect(() => nanpPhoneMetadata(withoutUs)).toThrow(/does not list US/);
    expect(() => nanpPhoneMetadata(missingPlan)).toThrow(/no numbering plan for/);
  });

  it("is written under node_modules/.cache, matching the installed package", async () => {
    // Act
    const file = writeNanpPhoneMetadata();

    // Assess
    expect(path.dirname(file)).toBe(generatedModulesDir);
    expect(path.relative(repoRoot, file).split(path.sep).slice(0, 2)).toEqual(["node_modules", ".cache"]);
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual(nanpPhoneMetadata(fullMetadata));
  });
});

describe("parsePhone bundled with the subset", () => {
  let dir: string;
  let bundled: (PhoneParts | null)[];
  let metafile: Metafile;

  beforeAll(async () => {
    // Prepare: the phone module bundled exactly as the Lambda bundles it (aliases included).
    dir = await mkdtemp(path.join(tmpdir(), "order-sync-phone-bundle-"));
    const outfile = path.join(dir, "phone.mjs");
    const result = await build({
      ...lambdaEsbuildBuildOptions(),
      absWorkingDir: repoRoot,
      stdin: {
        contents: 'export { parsePhone, phoneDigits } from "./lib/normalize/phone.ts";',
        resolveDir: repoRoot,
        sourcefile: "phone-entry.ts",
        loader: "ts",
      },
      outfile,
      metafile: true,
      logLevel: "warning",
    });
    metafile = result.metafile;
    const inputsFile = path.join(dir, "inputs.json");
    await writeFile(inputsFile, JSON.stringify(inputs));

    // Act: every input through the bundle, in a fresh node (as Lambda loads it).
    const script = `
      import { readFileSync } from "node:fs";
      const { parsePhone, phoneDigits } = await import(process.env.BUNDLE_URL);
      const inputs = JSON.parse(readFileSync(process.env.INPUTS_FILE, "utf8"));
      const results = inputs.map((value) => {
        const parts = parsePhone(value);
        if (phoneDigits(value) !== parts?.digits) throw new Error("phoneDigits disagrees with parsePhone");
        return parts ?? null;
      });
      process.stdout.write(JSON.stringify(results));`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
      env: { PATH: process.env.PATH, BUNDLE_URL: pathToFileURL(outfile).href, INPUTS_FILE: inputsFile },
      maxBuffer: 64 * 1024 * 1024,
    });
    bundled = JSON.parse(stdout) as (PhoneParts | null)[];
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("bundles the generated subset, not the package's metadata", () => {
    // Act
    const bundledInputs = Object.keys(metafile.inputs);

    // Assess
    const generated = `${path.relative(repoRoot, generatedModulesDir).split(path.sep).join("/")}/`;
    expect(bundledInputs.some((input) => input.startsWith(generated))).toBe(true);
    expect(bundledInputs.filter((input) => /libphonenumber-js\/metadata\.[a-z]+\.json/.test(input))).toEqual([]);
  });

  it("answers every input as the unbundled module (full metadata) and the previous implementation do", () => {
    // Act
    const unbundled = inputs.map((value) => parsePhone(value) ?? null);
    const legacy = inputs.map((value) => legacyParsePhone(value) ?? null);

    // Assess: compared as one record per input so a failure names the input.
    const table = (results: (PhoneParts | null)[]) => inputs.map((input, i) => ({ input, result: results[i] }));
    expect(bundled).toHaveLength(inputs.length);
    expect(table(bundled)).toEqual(table(unbundled));
    expect(table(unbundled)).toEqual(table(legacy));
  });

  it("covers both outcomes and the inputs where the subset takes a different path inside libphonenumber", () => {
    // Prepare
    const subset = nanpPhoneMetadata(fullMetadata) as unknown as typeof metadata;
    const otherCodes = new Set<string>();
    const divergent: string[] = [];

    // Act: inputs the full metadata places under another calling code; the subset throws for them.
    for (const value of inputs) {
      let code: string;
      try {
        code = parsePhoneNumberWithError(value, "US", metadata).countryCallingCode;
      } catch {
        continue;
      }
      if (code === nanpCallingCode) continue;
      otherCodes.add(code);
      try {
        parsePhoneNumberWithError(value, "US", subset);
      } catch {
        divergent.push(value);
      }
    }

    // Assess
    const accepted = bundled.filter((result) => result !== null);
    expect(accepted.length).toBeGreaterThan(200);
    expect(bundled.length - accepted.length).toBeGreaterThan(200);
    expect(accepted.some((result) => result?.extension !== undefined)).toBe(true);
    expect(otherCodes.size).toBeGreaterThan(10);
    expect(divergent).toContain("+44 20 7946 0958");
    expect(divergent).toContain("+800 1234 5678");
  });
});
