/**
 * The environment of a CLI (`npm run replay`, `npm run status`), read with the worker's own
 * `parseEnvironment`: a missing or malformed variable is named on stderr with the usage text, and
 * the command exits 2 instead of failing half way.
 */
import type { z } from "zod";
import { ConfigError } from "../lib/errors.ts";
import { parseEnvironment } from "../lib/validation/environment.ts";

/** The parsed environment, or `undefined` after writing what is wrong and the usage to `stderr`. */
export function readCliEnvironment<Schema extends z.ZodType>(
  schema: Schema,
  env: NodeJS.ProcessEnv,
  stderr: { write(text: string): unknown },
  usage: string,
): z.output<Schema> | undefined {
  try {
    return parseEnvironment(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    stderr.write(`${error.message}\n\n${usage}`);
    return undefined;
  }
}
