/**
 * What the order-sync Lambda costs before it handles an order: the minified bundle's size and the
 * module init time (a cold start's share that is ours). Bundled with `lambdaBundleOptions`, the
 * very options of the stack's `NodejsFunction` (SDK bundled, NANP-only phone metadata, see
 * `cdk/bundle-options.ts`), and imported by fresh `node` processes started with the Lambda's
 * `NODE_OPTIONS` and environment.
 *
 * Baseline: a bare `import("@aws-sdk/client-dynamodb")` from node_modules, roughly what any handler
 * that talks to DynamoDB pays. Targets: bundle ≤ 500 KB, init ≤ 1.5× baseline.
 *
 * `npx tsx bench/bundle.ts [runs]` prints the figures and the biggest packages in the bundle.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build, type Metafile } from "esbuild";
import {
  generatedModulesDir,
  lambdaBundleOptions,
  lambdaEsbuildBuildOptions,
  lambdaNodeOptions,
} from "../cdk/bundle-options.ts";
import { loadEnvironmentConfig } from "../cdk/environment-config.ts";
import { orderSyncEnvironment } from "../cdk/worker-environment.ts";

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL("../", import.meta.url));
const entry = path.join(repoRoot, "functions/order-sync.ts");

export const bundleTargets = { maxBundleBytes: 500 * 1024, maxInitRatio: 1.5 } as const;

export interface BundleMeasurement {
  /** Size of the minified `index.mjs`, source map excluded. */
  bundleBytes: number;
  /** Median time to `import()` the bundle in a fresh process. */
  initMs: number;
  /** Median time to `import("@aws-sdk/client-dynamodb")` in a fresh process. */
  baselineInitMs: number;
}

export interface MeasureBundleOptions {
  /** Fresh processes per side (bundle, baseline); the median is reported. */
  runs?: number;
  /** Called with the esbuild metafile before the temp dir is removed. */
  onMetafile?: (metafile: Metafile, outfile: string) => void;
}

export async function measureBundle(options: MeasureBundleOptions = {}): Promise<BundleMeasurement> {
  const runs = options.runs ?? 9;
  const dir = await mkdtemp(path.join(tmpdir(), "order-sync-bundle-"));
  try {
    const outfile = path.join(dir, "index.mjs");
    const result = await build({
      ...lambdaEsbuildBuildOptions(),
      absWorkingDir: repoRoot,
      entryPoints: [entry],
      outfile,
      metafile: true,
      logLevel: "warning",
    });
    options.onMetafile?.(result.metafile, outfile);
    const bundleBytes = (await stat(outfile)).size;

    const env = lambdaLikeEnvironment();
    const bundleUrl = pathToFileURL(outfile).href;
    const bundleTimes: number[] = [];
    const baselineTimes: number[] = [];
    // Interleaved, so a burst of load on the machine hits both sides alike.
    for (let i = 0; i < runs; i += 1) {
      bundleTimes.push(await timeImport(bundleUrl, env));
      baselineTimes.push(await timeImport("@aws-sdk/client-dynamodb", env));
    }
    return { bundleBytes, initMs: median(bundleTimes), baselineInitMs: median(baselineTimes) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What the Lambda runtime would give the function: our variables plus region and (fake) credentials. */
function lambdaLikeEnvironment(): NodeJS.ProcessEnv {
  const dev = loadEnvironmentConfig("dev");
  return {
    PATH: process.env.PATH,
    NODE_OPTIONS: lambdaNodeOptions,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
    AWS_SESSION_TOKEN: "bench",
    AWS_LAMBDA_FUNCTION_NAME: "order-sync-bench",
    ...orderSyncEnvironment(dev, {
      tableName: "ledger-bench",
      ordersQueueUrl: "https://sqs.us-east-1.amazonaws.com/000000000000/orders-bench",
      dlqUrl: "https://sqs.us-east-1.amazonaws.com/000000000000/orders-dlq-bench",
      customerIndex: { tableName: "customer-index-bench", hmacSecretName: "customer-index-hmac-bench" },
    }),
  };
}

/** Milliseconds to evaluate one module graph in a fresh `node` (process start-up excluded). */
async function timeImport(specifier: string, env: NodeJS.ProcessEnv): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: repoRoot, env });
  const ms = Number(stdout.trim());
  if (!Number.isFinite(ms)) throw new Error(`Could not time the import of ${specifier}: ${stdout}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}

/** Where the generated modules (aliased in place of a package's) appear in the metafile's input paths. */
const generatedInputPrefix = `${path.relative(repoRoot, generatedModulesDir).split(path.sep).join("/")}/`;

/**
 * Bytes each package contributes to the output (`node_modules/<pkg>`, our own source folder, or
 * `generated: <file>` for a module from `generatedModulesDir`).
 */
function bytesByPackage(metafile: Metafile): [string, number][] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = input.startsWith(generatedInputPrefix)
        ? `generated: ${input.slice(generatedInputPrefix.length)}`
        : (/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split("/").slice(0, 2).join("/"));
      totals.set(pkg, (totals.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 9);
  let packages: [string, number][] = [];
  const result = await measureBundle({
    runs,
    onMetafile: (metafile) => {
      packages = bytesByPackage(metafile);
    },
  });
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const ratio = result.initMs / result.baselineInitMs;
  const verdict = (ok: boolean) => (ok ? "ok" : "OVER TARGET");
  console.log(`order-sync bundle (minified, ESM, ${lambdaBundleOptions.target}, AWS SDK bundled)`);
  console.log(
    `  size:     ${kb(result.bundleBytes)} (target ≤ ${kb(bundleTargets.maxBundleBytes)}) ${verdict(result.bundleBytes <= bundleTargets.maxBundleBytes)}`,
  );
  console.log(`  init:     ${result.initMs.toFixed(1)} ms (median of ${runs} fresh processes)`);
  console.log(`  baseline: ${result.baselineInitMs.toFixed(1)} ms (bare @aws-sdk/client-dynamodb import)`);
  console.log(
    `  ratio:    ${ratio.toFixed(2)}× (target ≤ ${bundleTargets.maxInitRatio}×) ${verdict(ratio <= bundleTargets.maxInitRatio)}`,
  );
  console.log("  biggest contributors:");
  for (const [name, bytes] of packages.slice(0, 12)) console.log(`    ${kb(bytes).padStart(10)}  ${name}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
