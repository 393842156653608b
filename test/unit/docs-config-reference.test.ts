/**
 * The configuration reference in `docs/configuration.md` is exactly what `scripts/config-reference.ts`
 * generates from `syncConfigSchema`, every key is described, and the config examples in the docs are
 * configs the worker accepts — so the docs can't drift from the schema.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSyncConfig } from "../../lib/config/parse-config.ts";
import {
  configReferenceRows,
  configurationDocPath,
  extractConfigReference,
  referenceEndMarker,
  referenceStartMarker,
  renderConfigReference,
  replaceConfigReference,
  tsdocByKeySet,
} from "../../scripts/config-reference.ts";

const configurationDoc = () => readFileSync(configurationDocPath, "utf8");

describe("docs/configuration.md config reference", () => {
  it("equals the table generated from lib/config/schema.ts (run `npx tsx scripts/config-reference.ts --write`)", () => {
    // Prepare
    const committed = extractConfigReference(configurationDoc());

    // Act
    const generated = renderConfigReference();

    // Assess
    expect(committed).toBe(generated);
  });

  it("describes every key, including the required ones and the deploy section", () => {
    // Act
    const rows = configReferenceRows();

    // Assess
    expect(rows.filter((row) => row.description.trim() === "")).toEqual([]);
    const keys = rows.map((row) => row.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        "tenantTimeZone",
        "externalDataApplicationGuid",
        "<kind>.businessUnitId",
        "<kind>.schedule.arrivalWindow.arrivalWindowId",
        "<kind>.customerTagTypeIds.subscription",
        "deploy.secretName",
        "deploy.maxReceiveCount",
      ]),
    );
    expect(new Set(keys).size).toBe(keys.length);
    expect(rows.find((row) => row.key === "tenantTimeZone")?.default).toBe("**required**");
    expect(rows.find((row) => row.key === "currency")?.default).toBe('`"USD"`');
  });

  it("accepts every JSON example in docs/configuration.md as a mapping config", () => {
    // Prepare
    const examples = [...configurationDoc().matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");

    // Act
    const parse = () => examples.map((example, index) => parseSyncConfig(JSON.parse(example), `example ${index + 1}`));

    // Assess
    expect(examples.length).toBeGreaterThan(0);
    expect(parse).not.toThrow();
  });
});

describe("scripts/config-reference.ts", () => {
  it("reads TSDoc of z.strictObject properties, falling back to a documented constant", () => {
    // Prepare
    const source = [
      'import * as z from "zod";',
      "/** Inner schema doc. */",
      "const inner = z.strictObject({ a: z.string() });",
      "export const outer = z.strictObject({",
      "  /** Doc of b,",
      "   * on two lines. */",
      "  b: z.number(),",
      "  inner,",
      "  c: inner,",
      "});",
    ].join("\n");

    // Act
    const docs = tsdocByKeySet(source);

    // Assess
    expect(docs.get("b,c,inner")?.get("b")).toBe("Doc of b, on two lines.");
    expect(docs.get("b,c,inner")?.get("c")).toBe("Inner schema doc.");
    expect(docs.get("a")?.size).toBe(0);
  });

  it("replaces only the text between the markers", () => {
    // Prepare
    const doc = `# Title\n\n${referenceStartMarker}\nold table\n${referenceEndMarker}\n\nAfter.\n`;

    // Act
    const updated = replaceConfigReference(doc, "| new |\n");

    // Assess
    expect(updated).toBe(`# Title\n\n${referenceStartMarker}\n| new |\n${referenceEndMarker}\n\nAfter.\n`);
    expect(extractConfigReference(updated)).toBe("| new |\n");
    expect(() => replaceConfigReference("# No markers\n", "| new |\n")).toThrow(/config-reference:start/);
  });
});
