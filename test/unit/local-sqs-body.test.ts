/**
 * Issue 12: the local queue boundary. Bodies SQS accepts travel through fauxqs unchanged (characters
 * above U+FFFF are escaped on the way in and restored on the way out), and what SQS would refuse is
 * named before sending.
 */
import { describe, expect, it } from "vitest";
import { sqsAdmission, sqsMaxMessageBytes } from "../../local/sqs-admission.ts";
import { decodeLocalBody, encodeLocalBody } from "../../local/sqs-body-codec.ts";

/** fauxqs 1.9.2's own check (one UTF-16 unit at a time). */
const fauxqsRefuses = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/;

describe("local body codec", () => {
  it.each([
    ["plain", '{"name":"Ada"}'],
    ["emoji", '{"name":"Zoë 😀🔧"}'],
    ["the escape character itself", '{"note":"\uE000 1F600; \uE0001F600;"}'],
    ["an escape-looking text", '{"note":"\uE000ZZ;"}'],
    ["the highest code point", "\u{10FFFF}"],
  ])("restores %s exactly, in a form fauxqs accepts", (_, body) => {
    // Act
    const stored = encodeLocalBody(body);

    // Assess
    expect(fauxqsRefuses.test(stored)).toBe(false);
    expect(decodeLocalBody(stored)).toBe(body);
  });

  it("leaves bodies without such characters as they are", () => {
    // Act + Assess
    expect(encodeLocalBody('{"name":"Zoë"}')).toBe('{"name":"Zoë"}');
  });
});

describe("SQS admission", () => {
  it("accepts a body of exactly 1 MiB and characters above U+FFFF", () => {
    // Act + Assess
    expect(sqsAdmission("x".repeat(sqsMaxMessageBytes))).toEqual({ accepted: true });
    expect(sqsAdmission('{"name":"😀"}')).toEqual({ accepted: true });
  });

  it("names the limit and by how much a body is over it, counting UTF-8 bytes", () => {
    // Act
    const admission = sqsAdmission("é".repeat(600_000));

    // Assess
    expect(admission).toEqual({
      accepted: false,
      why: "the body is 1.14 MiB (1,200,000 bytes), 147.9 KiB (151,424 bytes) over SQS's 1 MiB message limit (1,048,576 bytes): SQS refuses it",
    });
  });

  it("names a character SQS refuses and where it is, and refuses an empty body", () => {
    // Act + Assess
    expect(sqsAdmission('{"a":"\u0001"}')).toEqual({
      accepted: false,
      why: "the body contains U+0001 at character 7, a character SQS refuses (InvalidMessageContents)",
    });
    expect(sqsAdmission("\uD800")).toMatchObject({ accepted: false, why: expect.stringContaining("U+D800") });
    expect(sqsAdmission("")).toMatchObject({ accepted: false });
  });
});
