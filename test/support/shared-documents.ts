/**
 * The documents the contract checks read from `../shared`, beside the repository (ServiceTitan's
 * OpenAPI documents and the order contract). A developer's own clone may not have them: those checks
 * are skipped there, with a message. In CI (`CI` set to anything but `false`/`0`, as CI services and
 * `.ci/run` do) a missing folder fails the run before any test: a green CI must mean the contract
 * checks ran.
 */
import { existsSync } from "node:fs";
import path from "node:path";

const repoRoot = path.resolve(import.meta.dirname, "../..");

export const sharedDocuments = {
  openApiDir: path.resolve(repoRoot, "../shared/servicetitan/openapi"),
  orderContract: path.resolve(repoRoot, "../shared/contracts/order-event.md"),
} as const;

export function isCi(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== "" && value !== "false" && value !== "0";
}

/** Throws in CI when a shared document is missing; elsewhere returns the paths that are (the tests skip those checks). */
export function checkSharedDocuments(
  env: NodeJS.ProcessEnv,
  paths: readonly string[] = Object.values(sharedDocuments),
): string[] {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length > 0 && isCi(env)) {
    throw new Error(
      `CI: ${missing.join(", ")} not found. The ServiceTitan contract checks would be skipped; ` +
        "check out the shared documents beside the repository (../shared) before running the tests.",
    );
  }
  return missing;
}
