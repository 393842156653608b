/**
 * Small helpers shared by the route modules: reference checks that ServiceTitan answers with a
 * field-named 400, and record patching.
 */
import { type FieldErrors, validationProblem } from "../problem.ts";
import type { QueryReader } from "../query.ts";
import type { Address, CustomFieldValue, SandboxState } from "../state.ts";

/** Collects field errors across a whole body, then throws one 400. */
export class ErrorCollector {
  readonly errors: FieldErrors = {};

  add(field: string, message: string): void {
    const list = this.errors[field] ?? [];
    list.push(message);
    this.errors[field] = list;
  }

  throwIfAny(): void {
    if (Object.keys(this.errors).length > 0) throw validationProblem(this.errors);
  }
}

export function checkTagTypes(
  state: SandboxState,
  ids: readonly number[] | null | undefined,
  field: string,
  errors: ErrorCollector,
): void {
  for (const id of ids ?? []) {
    if (!state.tagTypes.has(id)) errors.add(field, `Tag type with id ${id} not found.`);
  }
}

export function mergeAddress(current: Address, patch: Partial<Record<keyof Address, unknown>>): Address {
  const next = { ...current };
  for (const key of ["street", "unit", "city", "state", "zip", "country"] as const) {
    const value = patch[key];
    if (typeof value === "string" || (key === "unit" && value === null)) next[key] = value as string;
  }
  for (const key of ["latitude", "longitude"] as const) {
    const value = patch[key];
    if (typeof value === "number" || value === null) next[key] = value;
  }
  return next;
}

export function customFieldsFrom(
  input: readonly { typeId: number; value: string }[] | null | undefined,
): CustomFieldValue[] {
  return (input ?? []).map((f) => ({ typeId: f.typeId, name: null, value: f.value }));
}

export function unique(ids: readonly number[]): number[] {
  return [...new Set(ids)];
}

/**
 * For lists the spec says need at least one of several filters (`/customers/contacts`,
 * `/locations/contacts`): a 400 naming the first of them when none was given.
 */
export function requireOneOf(q: QueryReader, names: readonly [string, ...string[]]): void {
  if (names.some((name) => q.string(name) !== undefined)) return;
  throw validationProblem({ [names[0]]: [`Either ${names.join(", ")} must be specified.`] });
}
