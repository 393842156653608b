/** Reading what is left on a local queue (the DLQ, usually) without the worker seeing it again. */
import { type Message, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { World } from "./world.ts";

/** Every visible message, received and hidden for 5 minutes so each is returned once. */
export async function drainQueue(world: World, queueUrl: string): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const { Messages = [] } = await world.session.aws.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ["All"],
        VisibilityTimeout: 300,
        WaitTimeSeconds: 0,
      }),
    );
    if (Messages.length === 0) return messages;
    messages.push(...Messages);
  }
}

/** Waits until `done()` holds, checking every 100 ms; fails after `timeoutMs` with `what`. */
export async function waitUntil(done: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > giveUpAt) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
