/**
 * A Lambda handler from `functions/`, bundled by the local esbuild with the options shared with
 * `bench/bundle.ts`, on its own role and its own log group. The role gets no managed policy
 * (AWSLambdaBasicExecutionRole would allow writing to every log group in the account): only
 * `logs:CreateLogStream`/`PutLogEvents` on this function's group, plus what the stack grants.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Duration, RemovalPolicy } from "aws-cdk-lib";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, SystemLogLevel } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { lambdaBundleOptions, lambdaEsbuildArgs, lambdaNodeOptions } from "../bundle-options.ts";
import type { DeployConfig } from "../environment-config.ts";

export const repoRoot: string = fileURLToPath(new URL("../../", import.meta.url));

/** cdk-nag AwsSolutions-L1 wants the latest Node.js runtime; `bundleTarget` follows it. */
export const handlerRuntime: Runtime = Runtime.NODEJS_24_X;

export interface HandlerFunctionProps {
  /** Path below the repository root, e.g. `functions/order-sync.ts`; it must export `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly environment: Record<string, string>;
  readonly deploy: DeployConfig;
}

export class HandlerFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    const production = props.deploy.production;

    this.logGroup = new LogGroup(this, "Logs", {
      retention: production ? RetentionDays.THREE_MONTHS : RetentionDays.TWO_WEEKS,
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, "Role", {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: `Execution role of ${props.entry}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, "Function", {
      entry: path.join(repoRoot, props.entry),
      handler: "handler",
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, "package-lock.json"),
      description: props.description,
      runtime: handlerRuntime,
      // Graviton: ~20% cheaper per GB-second, and nothing in the bundle is native code.
      architecture: Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      environment: { ...props.environment, NODE_OPTIONS: lambdaNodeOptions },
      role: this.role,
      logGroup: this.logGroup,
      // Powertools already writes JSON; JSON system logs make REPORT lines queryable too.
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[props.deploy.logLevel],
      systemLogLevelV2: SystemLogLevel.INFO,
      bundling: {
        forceDockerBundling: false,
        target: lambdaBundleOptions.target,
        format: OutputFormat.ESM,
        mainFields: [...lambdaBundleOptions.mainFields],
        minify: lambdaBundleOptions.minify,
        sourceMap: lambdaBundleOptions.sourceMap,
        sourcesContent: lambdaBundleOptions.sourcesContent,
        externalModules: [...lambdaBundleOptions.externalModules],
        banner: lambdaBundleOptions.banner,
        esbuildArgs: lambdaEsbuildArgs(),
      },
    });
  }
}
