/**
 * Carries characters above U+FFFF (emoji, some CJK names) through the local queue. Real SQS accepts
 * them (`#x10000–#x10FFFF` is in its allowed set); fauxqs 1.9.2 checks bodies one UTF-16 unit at a
 * time and refuses every surrogate pair. So the local SQS client escapes such characters on the way
 * in (SendMessage, SendMessageBatch) and restores them on the way out (ReceiveMessage): the worker,
 * the runner and the replay tools see the body exactly as it was sent, with the MD5 of that body.
 *
 * Escape: U+E000 (a private-use character fauxqs accepts) + the code point in hex + `;`. U+E000
 * itself is escaped the same way, so every U+E000 in a stored body starts an escape and decoding is
 * exact for every input. Only the local client does this; nothing in lib/ or the Lambda knows.
 */
import { createHash } from "node:crypto";
import type { Message, SQSClient } from "@aws-sdk/client-sqs";

const escapeMark = "\uE000";
const needsEscape = /[\uE000\u{10000}-\u{10FFFF}]/gu;
const escaped = /\uE000([0-9A-F]{1,6});/g;

export function encodeLocalBody(body: string): string {
  return body.replace(
    needsEscape,
    (character) => `${escapeMark}${character.codePointAt(0)?.toString(16).toUpperCase()};`,
  );
}

export function decodeLocalBody(body: string): string {
  if (!body.includes(escapeMark)) return body;
  return body.replace(escaped, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)));
}

interface SendEntry {
  MessageBody?: string;
}

/** Adds the escaping to a local SQS client (outermost, so the SDK's own MD5 checks see the stored form). */
export function useLocalBodyCodec(sqs: SQSClient): void {
  sqs.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { MessageBody?: unknown; Entries?: unknown };
      if (typeof input.MessageBody === "string") {
        args.input = { ...args.input, MessageBody: encodeLocalBody(input.MessageBody) } as typeof args.input;
      } else if (Array.isArray(input.Entries)) {
        const entries = (input.Entries as SendEntry[]).map((entry) =>
          typeof entry.MessageBody === "string" ? { ...entry, MessageBody: encodeLocalBody(entry.MessageBody) } : entry,
        );
        args.input = { ...args.input, Entries: entries } as typeof args.input;
      }
      const result = await next(args);
      const output = result.output as { Messages?: Message[] };
      if (Array.isArray(output.Messages)) {
        output.Messages = output.Messages.map((message) => {
          if (message.Body === undefined || !message.Body.includes(escapeMark)) return message;
          const body = decodeLocalBody(message.Body);
          return { ...message, Body: body, MD5OfBody: createHash("md5").update(body, "utf8").digest("hex") };
        });
      }
      return result;
    },
    { step: "initialize", priority: "high", name: "localBodyCodec" },
  );
}
