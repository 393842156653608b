/**
 * The WooCommerce webhook receiver (`functions/woocommerce-webhook.ts`): a Lambda function URL
 * WooCommerce posts its order webhooks to, the webhook's shared secret, and the one permission it
 * needs, `sqs:SendMessage` on the orders queue. Deployed only when the config sets
 * `sources.woocommerce.webhookReceiver`.
 *
 * The URL's auth type is NONE on purpose: WooCommerce can't sign requests with SigV4, so IAM auth
 * would refuse every delivery. The HMAC-SHA256 signature over the raw body (checked before anything
 * is read or enqueued) is the authentication; a request without a valid one gets 401 and costs one
 * short invocation. (cdk-nag's AwsSolutions pack has no rule on function URL auth; this is the
 * reason for anyone reviewing with a pack that does.)
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { type FunctionUrl, FunctionUrlAuthType } from "aws-cdk-lib/aws-lambda";
import type { NodejsFunction } from "aws-cdk-lib/aws-lambda-nodejs";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../environment-config.ts";
import { wooCommerceWebhookEnvironment } from "../worker-environment.ts";
import { HandlerFunction } from "./handler-function.ts";

/**
 * WooCommerce waits for the answer (its HTTP timeout is in the seconds); the receiver checks a
 * signature and sends one SQS message. 10 s leaves room for a cold start and the SDK's retries.
 */
export const wooCommerceWebhookTimeout: Duration = Duration.seconds(10);

export interface WooCommerceWebhookProps {
  readonly environment: EnvironmentConfig;
  readonly ordersQueue: IQueue;
}

export class WooCommerceWebhook extends Construct {
  readonly function: NodejsFunction;
  readonly url: FunctionUrl;
  readonly secret: Secret;

  constructor(scope: Construct, id: string, props: WooCommerceWebhookProps) {
    super(scope, id);
    const { deploy } = props.environment;

    this.secret = new Secret(this, "Secret", {
      description: "WooCommerce webhook secret: paste it into WooCommerce → Settings → Advanced → Webhooks → Secret",
      // Letters and digits only: WooCommerce HTML-decodes the secret before signing, which would change
      // a secret with & < > " ' in it.
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: deploy.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.secret).acknowledge({
      id: "AwsSolutions-SMG4",
      reason:
        "WooCommerce holds a copy of this secret (typed into the webhook's settings): a timed rotation would break every delivery until someone copied the new value. It is rotated by hand, in both places; the receiver re-reads it after a failed check.",
    });

    const handler = new HandlerFunction(this, "Receiver", {
      entry: "functions/woocommerce-webhook.ts",
      description: `Receives WooCommerce order webhooks onto the orders queue (${props.environment.envName})`,
      timeout: wooCommerceWebhookTimeout,
      // One HMAC and one SQS call: the smallest size with a quick cold start.
      memorySize: 256,
      environment: wooCommerceWebhookEnvironment(props.environment, {
        ordersQueueUrl: props.ordersQueue.queueUrl,
        secretName: this.secret.secretName,
      }),
      deploy,
    });
    this.function = handler.function;
    this.secret.grantRead(this.function);
    // Least privilege: sending only (grantSendMessages would add GetQueueAttributes and GetQueueUrl).
    this.function.addToRolePolicy(
      new PolicyStatement({ actions: ["sqs:SendMessage"], resources: [props.ordersQueue.queueArn] }),
    );
    this.url = this.function.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });

    // Stack-level ids, so the outputs keep these names (not the construct path's hashed ones).
    new CfnOutput(Stack.of(this), "WooCommerceWebhookUrl", {
      value: this.url.url,
      description: "WooCommerce webhook delivery URL",
    });
    new CfnOutput(Stack.of(this), "WooCommerceWebhookSecretName", {
      value: this.secret.secretName,
      description: "Secrets Manager secret holding the WooCommerce webhook secret",
    });
  }
}
