/**
 * Request bodies are validated with zod at the sandbox's HTTP boundary. Like ASP.NET model binding
 * on ServiceTitan, unknown fields are silently dropped (zod objects strip them) while known fields
 * of the wrong type, and missing required ones, are a 400 naming the spec field
 * (`locations[0].address.street`).
 */
import { z } from "zod";
import { type FieldErrors, validationProblem } from "./problem.ts";

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === undefined || body === null) {
    throw validationProblem({ "": ["A non-empty request body is required."] });
  }
  const result = schema.safeParse(body, {
    error: (issue) => {
      const emptyText = issue.code === "too_small" && issue.origin === "string" && Number(issue.minimum) === 1;
      return issue.input === undefined || emptyText ? `The ${lastSegment(issue.path)} field is required.` : undefined;
    },
  });
  if (result.success) return result.data;
  throw validationProblem(issuesToFieldErrors(result.error.issues));
}

export function issuesToFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = fieldPath(issue.path);
    const list = errors[field] ?? [];
    list.push(issue.message);
    errors[field] = list;
  }
  return errors;
}

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function lastSegment(path: readonly PropertyKey[] | undefined): string {
  const last = [...(path ?? [])].reverse().find((s) => typeof s === "string");
  return typeof last === "string" ? last : "body";
}

/** String enums bind case-insensitively (System.Text.Json's enum converter) to their canonical spelling. */
export function ciEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess(
    (v) => (typeof v === "string" ? (values.find((x) => x.toLowerCase() === v.toLowerCase()) ?? v) : v),
    z.enum(values),
  );
}

export const int64 = z.number().int();
export const decimal = z.number();
export const isoDateTime = z.iso.datetime({ offset: true, local: true });
export const guid = z.guid();
