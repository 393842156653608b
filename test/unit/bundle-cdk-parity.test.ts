/**
 * `bench/bundle.ts` builds with esbuild's JavaScript API, the stack's `NodejsFunction` with the
 * esbuild CLI; both take their settings from `cdk/bundle-options.ts`. This checks they produce the
 * same bytes, so the benchmark's size and init figures are those of the deployed asset.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { App, type CfnElement, Duration, Stack } from "aws-cdk-lib";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lambdaEsbuildBuildOptions } from "../../cdk/bundle-options.ts";
import { HandlerFunction } from "../../cdk/constructs/handler-function.ts";
import { loadEnvironmentConfig } from "../../cdk/environment-config.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const entry = "functions/order-sync.ts";

describe("order-sync bundle: benchmark vs. CDK asset", () => {
  let dir: string;
  let asset: string;

  beforeAll(async () => {
    // Prepare: one HandlerFunction, synthesized (and bundled by the esbuild CLI) into a temp dir.
    dir = await mkdtemp(path.join(tmpdir(), "order-sync-cdk-parity-"));
    const app = new App({ outdir: dir });
    const stack = new Stack(app, "BundleParity");
    const handler = new HandlerFunction(stack, "OrderSync", {
      entry,
      description: "bundle parity",
      timeout: Duration.seconds(30),
      memorySize: 512,
      environment: {},
      deploy: loadEnvironmentConfig("dev").deploy,
    });
    const assembly = app.synth();
    const template = assembly.getStackByName(stack.stackName).template as {
      Resources: Record<string, { Properties: { Code?: { S3Key: string } } }>;
    };
    const id = stack.getLogicalId(handler.function.node.defaultChild as CfnElement);
    const key = template.Resources[id]?.Properties.Code?.S3Key ?? "";
    asset = path.join(assembly.directory, `asset.${key.replace(/\.zip$/, "")}`);
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("is byte for byte the bundle the benchmark measures", async () => {
    // Act
    const deployed = await readFile(path.join(asset, "index.mjs"));
    const result = await build({
      ...lambdaEsbuildBuildOptions(),
      absWorkingDir: repoRoot,
      entryPoints: [entry],
      outfile: path.join(dir, "bench", "index.mjs"),
      write: false,
      logLevel: "warning",
    });
    const measured = result.outputFiles.find((file) => file.path.endsWith("index.mjs"))?.contents;

    // Assess
    expect(measured).toBeDefined();
    expect(deployed.length).toBe(measured?.length);
    expect(deployed.equals(Buffer.from(measured ?? []))).toBe(true);
  });
});
