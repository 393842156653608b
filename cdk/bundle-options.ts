/**
 * How the Lambda handlers are bundled: the ONE source of the esbuild settings, used by the stack's
 * `NodejsFunction`s and by `bench/bundle.ts`, so the benchmark measures exactly what is deployed.
 * No aws-cdk-lib import, so the benchmark stays light.
 *
 * Everything here must be expressible on the esbuild command line: `NodejsFunction` runs the esbuild
 * CLI, which takes no plugins. Module substitutions are therefore `alias`es to files generated from
 * the installed packages (see `lambdaBundleAliases`), never plugins only the benchmark would run.
 *
 * **The AWS SDK is bundled, not left to the runtime.** The Node.js 24 Lambda runtime ships an SDK v3,
 * but its version is whatever AWS installed that week: bundling runs in Lambda the exact
 * `@aws-sdk/*` versions pinned in package.json and exercised by our tests, and one tree-shaken
 * file initialises faster than resolving hundreds of runtime SDK modules (measured by
 * `npx tsx bench/bundle.ts`: the bundle's init is below a bare `@aws-sdk/client-dynamodb` import,
 * the variant with `@aws-sdk/*` external measured 1.6–2.5× it).
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildOptions } from "esbuild";

/** esbuild `target`; matches `Runtime.NODEJS_24_X` (cdk-nag's latest-runtime rule wants 24). */
export const bundleTarget = "node24";

/**
 * Modules the bundled code only ever reaches through a lazy `await import(...)` that never runs in
 * Lambda; left out of the bundle (the `import()` stays, and would fail loudly if ever reached).
 *
 * - Credential providers the SDK's default chain imports only after `fromEnv` fails: profiles/SSO
 *   (ini, sso), `credential_process` and web-identity tokens. Lambda always hands the execution
 *   role's credentials over in `AWS_ACCESS_KEY_ID`/`…_SESSION_TOKEN`, so `fromEnv` answers first and
 *   these are never loaded; keeping them (and the nested STS/SSO clients they pull in, ~115 KB
 *   minified) out of the bundle is pure size. Container and instance metadata providers stay
 *   bundled: they are small and a future Lambda credential channel might use them.
 * - `@smithy/core/event-streams` (~15 KB): the protocol loads it only to (de)serialise an operation
 *   member with the `@streaming` trait on a structure (an event stream). SQS, DynamoDB and Secrets
 *   Manager have no such operation (`test/unit/bundle-externals.test.ts` checks the bundled clients).
 */
export const unusedInLambdaModules: readonly string[] = [
  "@aws-sdk/credential-provider-ini",
  "@aws-sdk/credential-provider-sso",
  "@aws-sdk/credential-provider-process",
  "@aws-sdk/credential-provider-web-identity",
  "@smithy/core/event-streams",
];

/**
 * Gives CommonJS dependencies bundled into the ESM output a working `require` for Node built-ins;
 * without it esbuild's shim throws `Dynamic require of "x" is not supported` at run time.
 */
export const esmRequireBanner =
  "import { createRequire as __orderSyncCreateRequire } from 'node:module'; const require = __orderSyncCreateRequire(import.meta.url);";

/**
 * `NODE_OPTIONS` of every handler: stack traces mapped back to the TypeScript sources through the
 * bundle's source map. The benchmark starts its `node` processes with it too.
 */
export const lambdaNodeOptions = "--enable-source-maps";

export const lambdaBundleOptions = {
  target: bundleTarget,
  /** ESM: top-level await for init work, and the format every dependency ships first. */
  format: "esm",
  /** Prefer each package's ESM build so esbuild can tree-shake it. */
  mainFields: ["module", "main"],
  minify: true,
  /** Stack traces in CloudWatch point at our TypeScript (with `lambdaNodeOptions`). */
  sourceMap: true,
  /** The map keeps line mappings only: the sources are in the repository, not needed in the asset. */
  sourcesContent: false,
  externalModules: unusedInLambdaModules,
  banner: esmRequireBanner,
} as const;

const repoRoot = fileURLToPath(new URL("../", import.meta.url));
const requireFromHere = createRequire(import.meta.url);

/**
 * Where the bundle's generated modules are written: derived from `node_modules`, so they live and die
 * with it and git ignores them. Inside the repository on purpose: the source map names them by a path
 * relative to the bundle, and the CDK asset hash covers the source map, so a path outside the
 * checkout (the OS temp dir) would change the asset from one machine to another.
 */
export const generatedModulesDir: string = path.join(repoRoot, "node_modules", ".cache", "order-sync-bundle");

/**
 * The module through which `lib/normalize/phone.ts` gets libphonenumber's metadata: the "min" set,
 * the one the package's default entry (`import … from "libphonenumber-js"`) uses.
 */
export const phoneMetadataModule = "libphonenumber-js/min/metadata";

/** North American Numbering Plan: the only country calling code the worker accepts. */
export const nanpCallingCode = "1";

/** The parts of libphonenumber's metadata JSON (format version 4) the subset touches. */
export interface PhoneMetadataJson {
  version: number;
  country_calling_codes: Record<string, string[]>;
  countries: Record<string, unknown>;
  nonGeographic?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * libphonenumber's metadata cut down to calling code 1 (the US, Canada and the Caribbean NANP
 * members), each country's entry copied unchanged. For `parsePhone` this is the same function:
 * libphonenumber reads a number's calling code from its leading digits (1 to 3, shortest first, so a
 * leading 1 is always code 1) or takes the default country's (US, 1), and from then on consults only
 * the countries of that code. A number that the full metadata places under another code — including
 * the non-geographic ones (+800, +808, …) — is rejected by `parsePhone` either way; with the subset
 * libphonenumber throws INVALID_COUNTRY instead, which `parsePhone` also turns into `undefined`.
 */
export function nanpPhoneMetadata(full: PhoneMetadataJson): PhoneMetadataJson {
  const codes = full.country_calling_codes[nanpCallingCode];
  if (!codes?.includes("US")) {
    throw new Error(`libphonenumber metadata: calling code ${nanpCallingCode} does not list US`);
  }
  const countries = Object.fromEntries(
    codes.map((country) => {
      const plan = full.countries[country];
      if (plan === undefined) throw new Error(`libphonenumber metadata: no numbering plan for ${country}`);
      return [country, plan];
    }),
  );
  return {
    ...full,
    country_calling_codes: { [nanpCallingCode]: codes },
    countries,
    ...(full.nonGeographic === undefined ? {} : { nonGeographic: {} }),
  };
}

/**
 * Writes the NANP subset of the installed package's "min" metadata (the JSON twin of the module
 * `phoneMetadataModule` names) and returns its path. Rewritten on every call, atomically (bundles may
 * be built concurrently: vitest files, `cdk synth`), so it always matches the installed version.
 */
export function writeNanpPhoneMetadata(): string {
  const source = requireFromHere.resolve(phoneMetadataModule);
  const full = JSON.parse(readFileSync(source, "utf8")) as PhoneMetadataJson;
  const file = path.join(generatedModulesDir, "libphonenumber-nanp-metadata.min.json");
  mkdirSync(generatedModulesDir, { recursive: true });
  const partial = `${file}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(partial, JSON.stringify(nanpPhoneMetadata(full)));
  renameSync(partial, file);
  return file;
}

/**
 * esbuild `alias`es of every Lambda bundle (generating the files they point at). Applies to any
 * handler that imports the module; a handler that parsed non-NANP numbers would need its own.
 */
export function lambdaBundleAliases(): Record<string, string> {
  return { [phoneMetadataModule]: writeNanpPhoneMetadata() };
}

/** `NodejsFunction` `bundling.esbuildArgs`: what its typed props don't cover (`alias`). */
export function lambdaEsbuildArgs(): { "--alias": string[] } {
  return { "--alias": Object.entries(lambdaBundleAliases()).map(([module, file]) => `${module}=${file}`) };
}

/**
 * The same settings for esbuild's JavaScript API (the benchmark, tests): what `NodejsFunction`
 * passes to the CLI from `lambdaBundleOptions` and `lambdaEsbuildArgs`. Add `entryPoints` and an
 * output.
 */
export function lambdaEsbuildBuildOptions(): BuildOptions {
  return {
    bundle: true,
    platform: "node",
    target: lambdaBundleOptions.target,
    format: lambdaBundleOptions.format,
    mainFields: [...lambdaBundleOptions.mainFields],
    minify: lambdaBundleOptions.minify,
    sourcemap: lambdaBundleOptions.sourceMap,
    sourcesContent: lambdaBundleOptions.sourcesContent,
    external: [...lambdaBundleOptions.externalModules],
    banner: { js: lambdaBundleOptions.banner },
    alias: lambdaBundleAliases(),
  };
}
