/**
 * List filters shared by the sandbox's endpoints. Matching semantics ServiceTitan does not document
 * (api-notes §5) are chosen to be forgiving in the same direction as the live API was observed:
 * names and address parts match case-insensitive "contains", phones match on the 10 national digits
 * whatever the punctuation or extension.
 */
import { validationProblem } from "./problem.ts";
import { ActiveFilter, type QueryReader } from "./query.ts";
import type { ExternalDataEntry } from "./state.ts";

/** "+1 (555) 010-0101 ext. 3" → "5550100101": extension dropped, NANP country code stripped. */
export function nationalDigits(value: string): string {
  const main = value.split(/\s*(?:x|ext\.?|extension|#)\s*\d*\s*$/i)[0] ?? value;
  const digits = main.replace(/\D/g, "");
  if (digits.length === 11 && digits.startsWith("1")) return digits.slice(1);
  return digits;
}

export function containsCi(haystack: string | null | undefined, needle: string | undefined): boolean {
  if (needle === undefined) return true;
  if (haystack === null || haystack === undefined) return false;
  return haystack.toLowerCase().includes(needle.trim().toLowerCase());
}

export function matchesActive(active: boolean, filter: ActiveFilter): boolean {
  if (filter === ActiveFilter.Any) return true;
  return filter === ActiveFilter.True ? active : !active;
}

export interface ExternalDataQuery {
  /** Lower-cased GUID whose entries responses include; undefined → responses carry none. */
  guid: string | undefined;
  key: string | undefined;
  values: string[] | undefined;
}

/**
 * `externalDataApplicationGuid` + `externalDataKey` + `externalDataValues` (≤ 50). The spec says key
 * and values must be given together; since externalData is scoped to its GUID, the sandbox also
 * requires the GUID for a key lookup (400 otherwise) instead of guessing across applications.
 */
export function readExternalDataQuery(
  q: QueryReader,
  options: { lookup: boolean } = { lookup: true },
): ExternalDataQuery {
  const guid = q.guid("externalDataApplicationGuid");
  if (!options.lookup) return { guid, key: undefined, values: undefined };
  const key = q.string("externalDataKey");
  const values = q.stringList("externalDataValues");
  if (key !== undefined && values === undefined) {
    throw validationProblem({ externalDataValues: ["'externalDataValues' must be provided with 'externalDataKey'."] });
  }
  if (values !== undefined && key === undefined) {
    throw validationProblem({ externalDataKey: ["'externalDataKey' must be provided with 'externalDataValues'."] });
  }
  if (key !== undefined && guid === undefined) {
    throw validationProblem({
      externalDataApplicationGuid: ["'externalDataApplicationGuid' is required to look up external data."],
    });
  }
  return { guid, key, values };
}

export function matchesExternalData(entries: readonly ExternalDataEntry[], query: ExternalDataQuery): boolean {
  if (query.key === undefined || query.values === undefined || query.guid === undefined) return true;
  const { guid, key, values } = query;
  return entries.some((e) => e.applicationGuid.toLowerCase() === guid && e.key === key && values.includes(e.value));
}

/** ServiceTitan only returns externalData written by the GUID the caller passes. */
export function projectExternalData(
  entries: readonly ExternalDataEntry[],
  guid: string | undefined,
): { key: string; value: string }[] {
  if (guid === undefined) return [];
  const g = guid.toLowerCase();
  return entries.filter((e) => e.applicationGuid.toLowerCase() === g).map((e) => ({ key: e.key, value: e.value }));
}

/** `externalData` of a create body: `{applicationGuid, externalData: [{key, value}]}`. */
export function externalDataFromCreate(
  input: { applicationGuid: string; externalData: { key: string; value: string }[] } | null | undefined,
): ExternalDataEntry[] {
  if (!input) return [];
  return input.externalData.map((e) => ({
    applicationGuid: input.applicationGuid.toLowerCase(),
    key: e.key,
    value: e.value,
  }));
}

/**
 * `ExternalDataUpdateRequest`: `Replace` (default) drops this GUID's keys that are not sent,
 * `Merge` only touches sent keys; a `null` value deletes the key. Other GUIDs' entries are untouched.
 */
export function applyExternalDataUpdate(
  entries: readonly ExternalDataEntry[],
  update: {
    applicationGuid: string;
    patchMode?: "Replace" | "Merge" | null | undefined;
    externalData: { key: string; value?: string | null | undefined }[];
  },
): ExternalDataEntry[] {
  const guid = update.applicationGuid.toLowerCase();
  const others = entries.filter((e) => e.applicationGuid.toLowerCase() !== guid);
  const mine = new Map(
    entries.filter((e) => e.applicationGuid.toLowerCase() === guid).map((e) => [e.key, e.value] as const),
  );
  if ((update.patchMode ?? "Replace") === "Replace") mine.clear();
  for (const { key, value } of update.externalData) {
    if (value === null || value === undefined) mine.delete(key);
    else mine.set(key, value);
  }
  return [...others, ...[...mine].map(([key, value]) => ({ applicationGuid: guid, key, value }))];
}

export interface Dated {
  createdOn: string;
  modifiedOn?: string | null;
}

/** `createdBefore` / `createdOnOrAfter` / `modifiedBefore` / `modifiedOnOrAfter`, where the operation has them. */
export function dateFilter(q: QueryReader): (r: Dated) => boolean {
  const createdBefore = q.date("createdBefore");
  const createdOnOrAfter = q.date("createdOnOrAfter");
  const modifiedBefore = q.date("modifiedBefore");
  const modifiedOnOrAfter = q.date("modifiedOnOrAfter");
  return (r) => {
    const created = Date.parse(r.createdOn);
    const modified = Date.parse(r.modifiedOn ?? r.createdOn);
    if (createdBefore !== undefined && !(created < createdBefore)) return false;
    if (createdOnOrAfter !== undefined && !(created >= createdOnOrAfter)) return false;
    if (modifiedBefore !== undefined && !(modified < modifiedBefore)) return false;
    if (modifiedOnOrAfter !== undefined && !(modified >= modifiedOnOrAfter)) return false;
    return true;
  };
}

export function byIds(ids: number[] | undefined): (r: { id: number }) => boolean {
  if (ids === undefined) return () => true;
  const set = new Set(ids);
  return (r) => set.has(r.id);
}
