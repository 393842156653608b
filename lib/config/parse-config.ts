/**
 * Validates a mapping config and reports every bad key by its path, e.g.
 * `product.campaignId: expected number`. Used by the worker at start and by `cdk synth`.
 */
import { readFileSync } from "node:fs";
import { ConfigError, ReasonCode } from "../errors.ts";
import { formatIssues, issuePaths } from "../validation/issues.ts";
import { type SyncConfig, syncConfigSchema } from "./schema.ts";

export function parseSyncConfig(input: unknown, source = "config"): SyncConfig {
  const result = syncConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const first = issuePaths(result.error.issues)[0] ?? "$";
  throw new ConfigError(ReasonCode.ConfigInvalid, first, `Invalid ${source}: ${formatIssues(result.error.issues)}`);
}

export function loadSyncConfigFile(path: string): SyncConfig {
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(ReasonCode.ConfigInvalid, "$", `Cannot read config file ${path}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new ConfigError(ReasonCode.ConfigInvalid, "$", `Config file ${path} is not valid JSON`, { cause: error });
  }
  return parseSyncConfig(json, `config file ${path}`);
}
