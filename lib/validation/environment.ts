/**
 * Reads a process environment through a zod schema, at start: a missing or malformed variable
 * fails before the first order with a `ConfigError` naming every bad variable (names only: values
 * may be secrets or URLs with credentials).
 */
import type { z } from "zod";
import { ConfigError, ReasonCode } from "../errors.ts";
import { issuePaths } from "./issues.ts";

export function parseEnvironment<Schema extends z.ZodType>(
  schema: Schema,
  env: NodeJS.ProcessEnv,
  what = "environment variables",
): z.output<Schema> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const names = issuePaths(parsed.error.issues).join(", ");
  throw new ConfigError(ReasonCode.ConfigInvalid, names, `Missing or invalid ${what}: ${names}`);
}
