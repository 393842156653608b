/**
 * Where the alarms go: an SNS topic encrypted with a customer-managed KMS key and an optional
 * e-mail subscription (AWS sends a confirmation mail; nothing arrives until it is confirmed).
 *
 * A customer-managed key, not `alias/aws/sns`: CloudWatch alarms cannot publish to a topic
 * encrypted with the AWS-managed key, because its key policy can't be extended to let the
 * `cloudwatch.amazonaws.com` principal use it.
 */
import { RemovalPolicy, Stack } from "aws-cdk-lib";
import { PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";

export interface AlarmTopicProps {
  readonly alarmEmail?: string | undefined;
  readonly production: boolean;
}

export class AlarmTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.key = new Key(this, "Key", {
      description: "Encrypts the order-sync alarm topic",
      enableKeyRotation: true,
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: "AllowCloudWatchAlarmsToPublish",
        principals: [new ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        // In a key policy `*` means this key.
        resources: ["*"],
        conditions: { StringEquals: { "aws:SourceAccount": Stack.of(this).account } },
      }),
    );
    this.topic = new Topic(this, "Topic", {
      masterKey: this.key,
      enforceSSL: true,
      displayName: "Order sync alarms",
    });
    if (props.alarmEmail !== undefined) {
      this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    }
  }
}
