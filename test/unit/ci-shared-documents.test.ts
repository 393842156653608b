/** Issue 12: CI fails when ../shared is missing; a developer's clone skips those checks with a message. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultOpenApiDir } from "../../sandbox/contract/openapi-validator.ts";
import { checkSharedDocuments, isCi, sharedDocuments } from "../support/shared-documents.ts";

describe("../shared in CI", () => {
  const missing = path.join(mkdtempSync(path.join(tmpdir(), "no-shared-")), "servicetitan/openapi");

  it("fails a CI run when a shared document is missing, naming it", () => {
    // Act + Assess
    expect(() => checkSharedDocuments({ CI: "true" }, [missing])).toThrow(
      new RegExp(
        `^CI: ${missing.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} not found\\. The ServiceTitan contract checks would be skipped`,
      ),
    );
  });

  it("lets a developer's clone run without them, reporting what is missing", () => {
    // Act + Assess
    expect(checkSharedDocuments({}, [missing])).toEqual([missing]);
    expect(checkSharedDocuments({ CI: "false" }, [missing])).toEqual([missing]);
  });

  it("reads CI the way CI services set it", () => {
    // Act + Assess
    expect([isCi({ CI: "true" }), isCi({ CI: "1" }), isCi({ CI: "" }), isCi({ CI: "0" }), isCi({})]).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it("checks the folder the contract validator reads", () => {
    // Act + Assess
    expect(sharedDocuments.openApiDir).toBe(defaultOpenApiDir);
  });
});
