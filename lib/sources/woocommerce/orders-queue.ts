/**
 * The receiver's one AWS call: `SendMessage` to the orders queue (the stack grants exactly that).
 * The SDK's standard retry (3 attempts, backoff) covers a throttled or briefly unavailable SQS
 * before the receiver answers WooCommerce with a failure.
 */
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";

export function ordersQueueSender(sqs: SQSClient, queueUrl: string): (body: string) => Promise<void> {
  return async (body) => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  };
}
