/**
 * `npx cdk synth|deploy -c env=<name>`: one stack, `OrderSync-<name>`, from `cdk/config/<name>.json`.
 * A config problem prints one line naming the environment and the bad key, not a stack trace.
 */
import { ConfigError } from "../lib/errors.ts";
import { createOrderSyncApp } from "./build-app.ts";

try {
  createOrderSyncApp().app.synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`cdk/app.ts: ${error.message}`);
  process.exitCode = 1;
}
