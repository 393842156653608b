/**
 * What Amazon SQS itself would refuse at `SendMessage`, decided before anything is sent, so that
 * `npm start` (and its dry run) can give such an order its own row instead of failing the run.
 *
 * SQS (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html):
 * - a body of at least one character and at most 1 MiB (1,048,576 bytes, counted as UTF-8 with the
 *   message attributes); the limit was 256 KiB until AWS raised it in 2025, and the same 1 MiB caps
 *   the sum of one `SendMessageBatch` request;
 * - only the characters `#x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF`; anything
 *   else is refused with `InvalidMessageContents`.
 *
 * The worker has its own, lower limit (`maxBodyBytes` in lib/order/parse-message.ts): a body SQS
 * accepts but the worker won't read is dead-lettered by the worker, as it would be in AWS.
 */
import { formatBytes } from "../lib/order/byte-size.ts";

/** SQS's limit for one message and for one SendMessageBatch request. */
export const sqsMaxMessageBytes = 1_048_576;

export type SqsAdmission = { readonly accepted: true } | { readonly accepted: false; readonly why: string };

/** Code points SQS refuses: everything outside its allowed set (lone surrogates included). */
const refusedCharacter = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export function sqsAdmission(body: string): SqsAdmission {
  if (body.length === 0) return { accepted: false, why: "SQS refuses an empty message body" };
  const bytes = Buffer.byteLength(body, "utf8");
  if (bytes > sqsMaxMessageBytes) {
    return {
      accepted: false,
      why: `the body is ${formatBytes(bytes)}, ${formatBytes(bytes - sqsMaxMessageBytes)} over SQS's 1 MiB message limit (${sqsMaxMessageBytes.toLocaleString("en-US")} bytes): SQS refuses it`,
    };
  }
  const refused = refusedCharacter.exec(body);
  if (refused !== null) {
    const codePoint = refused[0].codePointAt(0) ?? 0;
    return {
      accepted: false,
      why: `the body contains U+${codePoint.toString(16).toUpperCase().padStart(4, "0")} at character ${refused.index + 1}, a character SQS refuses (InvalidMessageContents)`,
    };
  }
  return { accepted: true };
}
