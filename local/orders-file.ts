/**
 * Reads the orders `npm start -- --orders <file>` sends: a JSON array of order events, or JSON lines
 * (one message body per line). Lines are sent exactly as written — a malformed line is a message
 * like any other and must end in the DLQ with its reason, not stop the run.
 */
import { readFileSync } from "node:fs";

export function readOrderBodies(path: string): string[] {
  const text = readFileSync(path, "utf8");
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new Error(`${path} starts like a JSON array but is not valid JSON (use JSON lines for raw message bodies)`);
    }
    if (!Array.isArray(parsed)) throw new Error(`${path} must hold a JSON array of orders`);
    return parsed.map((order) => JSON.stringify(order));
  }
  return text.split(/\r?\n/).filter((line) => line.trim().length > 0);
}
