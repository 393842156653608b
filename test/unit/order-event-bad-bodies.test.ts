/**
 * Every malformed body from the factory fails permanently with its expected reason and field path,
 * and the error never carries the personal values the body held (it goes to the DLQ and logs).
 */
import { describe, expect, it } from "vitest";
import { InvalidMessageError, isPermanent, ReasonCode } from "../../lib/errors.ts";
import { parseOrderMessage } from "../../lib/order/parse-message.ts";
import { type BadOrderBody, badOrderBodies, fakePerson, oversizedOrderBodies } from "../support/order-factory.ts";

const bodies = [...badOrderBodies()];

/** Personal values every factory body carries, plus their recognisable fragments. */
const personalValues = [
  ...Object.values(fakePerson),
  "McTestface",
  "mctestface",
  "example.com",
  "Example Lane",
  "010-0142",
  "5550100142",
];

/** Characters SQS accepts in a message body (#x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF). */
const sqsCharacters = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]+$/u;

function parseFailure(body: string): InvalidMessageError {
  try {
    parseOrderMessage(body);
  } catch (error) {
    if (error instanceof InvalidMessageError) return error;
    throw error;
  }
  throw new Error("expected the body to be rejected");
}

describe("badOrderBodies()", () => {
  it("yields at least 200 distinct, SQS-deliverable bodies with unique names", () => {
    // Act
    const names = new Set(bodies.map((bad) => bad.name));
    const distinctBodies = new Set(bodies.map((bad) => bad.body));

    // Assess
    expect(bodies.length).toBeGreaterThanOrEqual(200);
    expect(names.size).toBe(bodies.length);
    expect(distinctBodies.size).toBe(bodies.length);
    const undeliverable = bodies.filter(
      (bad) => !sqsCharacters.test(bad.body) || Buffer.byteLength(bad.body) > 200_000,
    );
    expect(undeliverable.map((bad) => bad.name)).toEqual([]);
  });

  it("covers every kind of reason", () => {
    // Act
    const reasons = new Set(bodies.map((bad) => bad.reason));

    // Assess
    expect([...reasons].sort()).toEqual(
      [ReasonCode.ContractViolation, ReasonCode.InvalidJson, ReasonCode.UnsupportedSchemaVersion].sort(),
    );
  });
});

describe.each([...bodies, ...oversizedOrderBodies()].map((bad): [string, BadOrderBody] => [bad.name, bad]))(
  "%s",
  (_name, bad) => {
    it(`fails permanently with ${bad.reason} at ${bad.path}, without personal data`, () => {
      // Act
      const error = parseFailure(bad.body);

      // Assess
      expect(isPermanent(error)).toBe(true);
      expect(error.reason).toBe(bad.reason);
      expect(error.fieldPaths).toContain(bad.path);
      const exposed = `${error.message}\n${JSON.stringify(error.details)}\n${JSON.stringify(error.toSummary())}`;
      for (const value of personalValues) expect(exposed).not.toContain(value);
      expect(error.cause).toBeUndefined();
    });
  },
);
