/**
 * Validates a mapping config and reports every bad key by its path, e.g.
 * `product.campaignId: expected number`. Used by the worker at start and by `cdk synth`.
 */
import { readFileSync } from "node:fs";
import { ConfigError, ReasonCode } from "../errors.ts";
import { type SyncConfig, syncConfigSchema } from "./schema.ts";

export function parseSyncConfig(input: unknown, source = "config"): SyncConfig {
  const result = syncConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const unknownKeys = issue.code === "unrecognized_keys" ? issue.keys : [];
    const base = issue.path.map(String).join(".");
    if (unknownKeys.length > 0) {
      return {
        key: unknownKeys.map((k) => (base ? `${base}.${k}` : k)).join(", "),
        message: "unknown key",
      };
    }
    return { key: base || "$", message: issue.message };
  });
  const first = problems[0]?.key ?? "$";
  throw new ConfigError(
    ReasonCode.ConfigInvalid,
    first,
    `Invalid ${source}: ${problems.map((p) => `${p.key}: ${p.message}`).join("; ")}`,
  );
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
