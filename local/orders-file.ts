/**
 * Reads the orders `npm start -- --orders <file>` sends: a JSON array of order events, one JSON
 * object (pretty-printed or not: one order), or JSON lines (one message body per line). Lines are
 * sent exactly as written — a malformed line is a message like any other and must end in the DLQ
 * with its reason, not stop the run. A file with no orders at all is a mistake, not an empty run.
 */
import { readFileSync } from "node:fs";

export class NoOrdersError extends Error {}

export function readOrderBodies(path: string): string[] {
  const bodies = parseOrderBodies(readFileSync(path, "utf8"), path);
  if (bodies.length === 0) throw new NoOrdersError(`No orders: ${path} holds no orders to send`);
  return bodies;
}

function parseOrderBodies(text: string, path: string): string[] {
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
  if (trimmed.startsWith("{")) {
    // One object over several lines is one order; JSON lines of several objects don't parse as one.
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (typeof parsed === "object" && parsed !== null) return [JSON.stringify(parsed)];
    } catch {
      // A lone "{" can't be a JSON line: this is one pretty-printed object, and it is broken.
      if (trimmed.split(/\r?\n/, 1)[0]?.trim() === "{") {
        throw new Error(`${path} starts like one JSON object but is not valid JSON`);
      }
      // Otherwise JSON lines: each line is a message, sent as written.
    }
  }
  return text.split(/\r?\n/).filter((line) => line.trim().length > 0);
}
