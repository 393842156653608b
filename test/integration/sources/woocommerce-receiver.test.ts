/**
 * Issue 14: the WooCommerce receiver over real HTTP (a local function URL) into fauxqs. Signed
 * deliveries are enqueued in the envelope the worker reads; tampered or unsigned ones get 401 and
 * nothing is enqueued; the creation ping gets 200; an order too large for the worker gets 413.
 */
import { PurgeQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type LocalAws, startLocalAws } from "../../../local/aws.ts";
import { fakePerson } from "../../support/order-factory.ts";
import { post, signedDelivery, testStoreKey, wooOrder } from "../../support/woocommerce.ts";
import { startTestReceiver, type TestReceiver } from "../../support/woocommerce-receiver.ts";

let aws: LocalAws;
let receiver: TestReceiver;

async function queued(): Promise<Record<string, unknown>[]> {
  const { Messages = [] } = await aws.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: aws.queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      VisibilityTimeout: 300,
    }),
  );
  return Messages.map((message) => JSON.parse(message.Body ?? "") as Record<string, unknown>);
}

beforeAll(async () => {
  aws = await startLocalAws();
  receiver = await startTestReceiver({ sqs: aws.sqs, queueUrl: aws.queueUrl, maxMessageBytes: 16 * 1024 });
});
afterAll(async () => {
  await receiver?.stop();
  await aws?.stop();
});
beforeEach(async () => {
  await aws.sqs.send(new PurgeQueueCommand({ QueueUrl: aws.queueUrl }));
  receiver.logLines.length = 0;
});

describe("WooCommerce webhook receiver (function URL over HTTP)", () => {
  it("enqueues a signed paid order in the envelope: store, order id, topic, delivery id and the order unchanged", async () => {
    // Prepare
    const order = wooOrder();
    const delivery = signedDelivery(order, receiver.secret, "order.created");

    // Act
    const answer = await post(receiver.url, delivery);

    // Assess
    expect(answer).toEqual({ status: 200, outcome: "queued" });
    const messages = await queued();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      source: "woocommerce",
      envelopeVersion: 1,
      store: testStoreKey,
      orderId: String(order.id),
      topic: "order.created",
      webhookId: "12",
      deliveryId: delivery.headers["x-wc-webhook-delivery-id"],
      order,
    });
  });

  it("answers a tampered body with 401, enqueues nothing, and logs the outcome without the body", async () => {
    // Prepare: signed, then one character of the total changed.
    const delivery = signedDelivery(wooOrder(), receiver.secret);
    const tampered = { ...delivery, body: Buffer.from(delivery.body.toString("utf8").replace('"79.49"', '"7.49"')) };

    // Act
    const answer = await post(receiver.url, tampered);

    // Assess
    expect(answer).toEqual({ status: 401, outcome: "bad_signature" });
    expect(await queued()).toEqual([]);
    const line = receiver.logLines.find((l) => l.includes("bad_signature"));
    expect(line).toBeDefined();
    for (const value of Object.values(fakePerson)) expect(receiver.logLines.join("\n")).not.toContain(value);
  });

  it.each([
    ["no signature", (headers: Record<string, string>) => ({ ...headers, "x-wc-webhook-signature": "" })],
    [
      "another secret's signature",
      (headers: Record<string, string>) => ({
        ...headers,
        "x-wc-webhook-signature": signedDelivery(wooOrder(), "other-secret").headers[
          "x-wc-webhook-signature"
        ] as string,
      }),
    ],
    [
      "a truncated signature",
      (headers: Record<string, string>) => ({
        ...headers,
        "x-wc-webhook-signature": (headers["x-wc-webhook-signature"] ?? "").slice(0, 20),
      }),
    ],
  ])("answers %s with 401 and enqueues nothing", async (_, edit) => {
    const delivery = signedDelivery(wooOrder(), receiver.secret);
    const headers = Object.fromEntries(Object.entries(edit(delivery.headers)).filter(([, value]) => value !== ""));
    expect((await post(receiver.url, { ...delivery, headers })).status).toBe(401);
    expect(await queued()).toEqual([]);
  });

  it("answers WooCommerce's creation ping (form-encoded, unsigned) with exactly 200", async () => {
    const answer = await post(receiver.url, {
      body: Buffer.from("webhook_id=12"),
      headers: { "content-type": "application/x-www-form-urlencoded", "user-agent": "WooCommerce/9.4.0 Hookshot" },
    });
    expect(answer).toEqual({ status: 200, outcome: "ping" });
    expect(await queued()).toEqual([]);
  });

  it("acknowledges statuses and topics it doesn't act on without enqueueing them", async () => {
    const pending = signedDelivery(
      wooOrder({ status: "pending", date_paid_gmt: null, date_paid: null }),
      receiver.secret,
    );
    const deleted = signedDelivery(wooOrder(), receiver.secret, "order.deleted");
    expect(await post(receiver.url, pending)).toEqual({ status: 200, outcome: "ignored" });
    expect(await post(receiver.url, deleted)).toEqual({ status: 200, outcome: "ignored" });
    expect(await queued()).toEqual([]);
  });

  it("enqueues a cancellation of a paid order and a refund", async () => {
    await post(receiver.url, signedDelivery(wooOrder({ status: "cancelled" }), receiver.secret, "order.updated"));
    await post(receiver.url, signedDelivery(wooOrder({ status: "refunded" }), receiver.secret, "order.updated"));
    expect((await queued()).map((m) => (m.order as { status: string }).status).sort()).toEqual([
      "cancelled",
      "refunded",
    ]);
  });

  it("answers an order too large for the worker with 413, logs its size, enqueues nothing", async () => {
    // Prepare: a 20 KiB customer note against this receiver's 16 KiB limit.
    const delivery = signedDelivery(wooOrder({ customer_note: "x".repeat(20 * 1024) }), receiver.secret);

    // Act
    const answer = await post(receiver.url, delivery);

    // Assess
    expect(answer).toEqual({ status: 413, outcome: "too_large" });
    expect(await queued()).toEqual([]);
    const line = JSON.parse(receiver.logLines.find((l) => l.includes("too_large")) ?? "{}") as Record<string, unknown>;
    expect(line).toMatchObject({ outcome: "too_large", limitBytes: 16 * 1024 });
    expect(line.bytes).toBeGreaterThan(20 * 1024);
  });

  it("refuses other methods", async () => {
    const response = await fetch(receiver.url);
    expect(response.status).toBe(405);
  });
});
