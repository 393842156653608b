/**
 * How the Lambda handlers are bundled: the ONE source of the esbuild settings, used by the stack's
 * `NodejsFunction`s and by `bench/bundle.ts`, so the benchmark measures exactly what is deployed.
 * Plain data (no aws-cdk-lib import) so the benchmark stays light.
 *
 * **The AWS SDK is bundled, not left to the runtime.** The Node.js 24 Lambda runtime ships an SDK v3,
 * but its version is whatever AWS installed that week: bundling runs in Lambda the exact
 * `@aws-sdk/*` versions pinned in package.json and exercised by our tests, and one tree-shaken
 * file initialises faster than resolving hundreds of runtime SDK modules (measured by
 * `npx tsx bench/bundle.ts`: the bundle's init is below a bare `@aws-sdk/client-dynamodb` import,
 * the variant with `@aws-sdk/*` external measured 1.6–2.5× it).
 */

/** esbuild `target`; matches `Runtime.NODEJS_24_X` (cdk-nag's latest-runtime rule wants 24). */
export const bundleTarget = "node24";

/**
 * Credential providers the SDK's default chain imports lazily (`await import(...)`) only after
 * `fromEnv` fails: profiles/SSO/login (ini, sso), `credential_process` and web-identity tokens.
 * Lambda always hands the execution role's credentials over in `AWS_ACCESS_KEY_ID`/`…_SESSION_TOKEN`,
 * so `fromEnv` answers first and these are never loaded; keeping them (and the nested STS/SSO
 * clients they pull in, ~115 KB minified) out of the bundle is pure size. Container and instance
 * metadata providers stay bundled: they are small and a future Lambda credential channel might use them.
 */
export const unusedInLambdaModules: readonly string[] = [
  "@aws-sdk/credential-provider-ini",
  "@aws-sdk/credential-provider-sso",
  "@aws-sdk/credential-provider-process",
  "@aws-sdk/credential-provider-web-identity",
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
