/**
 * What the Lambda bundle leaves out (`unusedInLambdaModules`) must never be needed: each left-out
 * module is reached only through a lazy `import()` (a static import would fail at init), and the
 * event-stream serde only for operations the bundled AWS clients don't have.
 */
import { readdir, readFile } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { lambdaEsbuildBuildOptions, unusedInLambdaModules } from "../../cdk/bundle-options.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const handlers = ["functions/order-sync.ts", "functions/dlq-replay.ts"];

interface ExternalImport {
  importer: string;
  path: string;
  kind: string;
}

function externalImports(metafile: Metafile): ExternalImport[] {
  return Object.entries(metafile.inputs).flatMap(([importer, input]) =>
    input.imports.filter((imported) => imported.external).map(({ path, kind }) => ({ importer, path, kind })),
  );
}

describe.each(handlers)("%s bundle", (handler) => {
  let metafile: Metafile;

  beforeAll(async () => {
    // Prepare / Act: the handler bundled as the stack bundles it (nothing written).
    const result = await build({
      ...lambdaEsbuildBuildOptions(),
      absWorkingDir: repoRoot,
      entryPoints: [handler],
      outdir: path.join(tmpdir(), "order-sync-bundle-externals"),
      write: false,
      metafile: true,
      logLevel: "warning",
    });
    metafile = result.metafile;
  });

  it("reaches every left-out module only through a lazy import()", () => {
    // Act
    const leftOut = externalImports(metafile).filter(({ path }) => unusedInLambdaModules.includes(path));

    // Assess
    expect(leftOut.filter(({ kind }) => kind !== "dynamic-import")).toEqual([]);
  });

  it("imports nothing else from outside the bundle but Node built-ins", () => {
    // Act
    const others = externalImports(metafile).filter(({ path }) => !unusedInLambdaModules.includes(path));

    // Assess
    expect(others.filter(({ path }) => !isBuiltin(path))).toEqual([]);
  });

  it("bundles only AWS clients without streaming members, event streams included (their serde is left out)", async () => {
    // Prepare: the `@aws-sdk/client-*` packages in the bundle.
    const clients = new Set(
      Object.keys(metafile.inputs).flatMap((input) => /node_modules\/@aws-sdk\/client-[^/]+/.exec(input) ?? []),
    );

    // Act: the `@streaming` trait in their operation schemas (`{ [_st]: 1 }`, `_st = "streaming"`).
    const streaming: string[] = [];
    for (const client of clients) {
      const dir = path.join(repoRoot, client, "dist-es", "schemas");
      for (const file of await readdir(dir)) {
        if ((await readFile(path.join(dir, file), "utf8")).includes('"streaming"')) streaming.push(`${client}/${file}`);
      }
    }

    // Assess
    expect(clients.size).toBeGreaterThan(0);
    expect(streaming).toEqual([]);
  });
});

describe("the streaming check", () => {
  it("spots the trait in a client that has event streams (S3 is installed, though not bundled)", async () => {
    // Prepare
    const dir = path.join(repoRoot, "node_modules", "@aws-sdk", "client-s3", "dist-es", "schemas");

    // Act
    const files = await readdir(dir).catch(() => [] as string[]);
    const texts = await Promise.all(files.map((file) => readFile(path.join(dir, file), "utf8")));

    // Assess
    if (files.length === 0) {
      console.warn("skipped: @aws-sdk/client-s3 is not installed");
      return;
    }
    expect(texts.some((text) => text.includes('"streaming"'))).toBe(true);
  });
});
