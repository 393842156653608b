/**
 * Picks the mapping config for `cdk synth/deploy -c env=<name>` from `cdk/config/<name>.json` and
 * validates it with the worker's own parser, so a config that synthesizes is one the worker accepts.
 * Everything here throws before any stack exists: a half-built app must never reach CloudFormation.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadSyncConfigFile } from "../lib/config/parse-config.ts";
import type { SyncConfig } from "../lib/config/schema.ts";
import { ConfigError, ReasonCode } from "../lib/errors.ts";

/** The `deploy` section, which is optional for the worker but required to deploy. */
export type DeployConfig = NonNullable<SyncConfig["deploy"]>;

export interface EnvironmentConfig {
  /** The `-c env=<name>` value; names the stack (`OrderSync-<name>`) and the metrics' `service`. */
  readonly envName: string;
  /** The validated mapping config without `deploy`: what the worker receives as `SYNC_CONFIG`. */
  readonly sync: Omit<SyncConfig, "deploy">;
  readonly deploy: DeployConfig;
}

export const defaultConfigDir: string = fileURLToPath(new URL("./config/", import.meta.url));

/** Lower-case letters, digits and hyphens: it becomes part of a CloudFormation stack name and a file name. */
const envNamePattern = /^[a-z][a-z0-9-]{0,30}$/;

export function availableEnvironments(configDir: string = defaultConfigDir): string[] {
  if (!existsSync(configDir)) return [];
  return readdirSync(configDir)
    .filter((file) => file.endsWith(".json"))
    .map((file) => file.slice(0, -".json".length))
    .filter((name) => envNamePattern.test(name))
    .sort();
}

export function loadEnvironmentConfig(envName: unknown, configDir: string = defaultConfigDir): EnvironmentConfig {
  const available = availableEnvironments(configDir);
  const hint = `available: ${available.join(", ") || "none"}`;
  if (typeof envName !== "string" || envName.length === 0) {
    throw new ConfigError(ReasonCode.ConfigInvalid, "env", `No environment given: pass -c env=<name> (${hint})`);
  }
  if (!envNamePattern.test(envName) || !available.includes(envName)) {
    throw new ConfigError(
      ReasonCode.ConfigInvalid,
      "env",
      `Unknown environment "${envName}": no ${path.join(configDir, `${envName}.json`)} (${hint})`,
    );
  }
  const file = path.join(configDir, `${envName}.json`);
  const { deploy, ...sync } = loadForEnvironment(envName, file);
  if (deploy === undefined) {
    throw new ConfigError(
      ReasonCode.ConfigInvalid,
      "deploy",
      `Environment "${envName}": Invalid config file ${file}: deploy: required to deploy (secretName, serviceTitanTenantId, serviceTitanEnvironment, ...)`,
    );
  }
  return { envName, sync, deploy };
}

function loadForEnvironment(envName: string, file: string): SyncConfig {
  try {
    return loadSyncConfigFile(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(ReasonCode.ConfigInvalid, error.key, `Environment "${envName}": ${error.message}`, {
      cause: error,
      details: error.details,
    });
  }
}
