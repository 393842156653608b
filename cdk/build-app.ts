/**
 * Builds the CDK app for one environment: config first (throws on an unknown env or a bad key
 * before any construct exists), then the stack, then cdk-nag's AwsSolutions pack as a synth-time
 * validation plugin: any unacknowledged finding fails `cdk synth`/`deploy`.
 */
import { App, type AppProps, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { defaultConfigDir, loadEnvironmentConfig } from "./environment-config.ts";
import { OrderSyncStack, stackName } from "./order-sync-stack.ts";

export interface OrderSyncAppOptions {
  /** Defaults to the `env` context value (`-c env=<name>`). */
  readonly envName?: string;
  readonly configDir?: string;
  readonly appProps?: AppProps;
}

export interface OrderSyncApp {
  readonly app: App;
  readonly stack: OrderSyncStack;
}

export function createOrderSyncApp(options: OrderSyncAppOptions = {}): OrderSyncApp {
  const app = new App(options.appProps);
  const envName = options.envName ?? app.node.tryGetContext("env");
  const environment = loadEnvironmentConfig(envName, options.configDir ?? defaultConfigDir);
  const stack = new OrderSyncStack(app, stackName(environment.envName), {
    environment,
    description: `Storefront orders → ServiceTitan sync worker (${environment.envName})`,
    // Account and region come from the deploying credentials (`cdk deploy --profile …`).
    tags: { application: "order-sync", environment: environment.envName },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
