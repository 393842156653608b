/**
 * Query-string reading with ASP.NET model-binding semantics, which is what ServiceTitan runs on:
 * parameter names are case-insensitive, unknown parameters are silently ignored (api-notes §2,
 * 3P live probe), an empty value counts as absent, and a *known* parameter with a value of the
 * wrong type is a 400 naming that parameter.
 */
import { validationProblem } from "./problem.ts";

export const ActiveFilter = { True: "True", Any: "Any", False: "False" } as const;
export type ActiveFilter = (typeof ActiveFilter)[keyof typeof ActiveFilter];

const guidPattern = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export class QueryReader {
  private readonly values = new Map<string, string[]>();

  constructor(params: URLSearchParams) {
    for (const [name, value] of params) {
      const key = name.toLowerCase();
      const list = this.values.get(key);
      if (list) list.push(value);
      else this.values.set(key, [value]);
    }
  }

  /** All values of a repeated parameter, empty ones dropped. */
  all(name: string): string[] {
    return (this.values.get(name.toLowerCase()) ?? []).filter((v) => v !== "");
  }

  string(name: string): string | undefined {
    return this.all(name)[0];
  }

  int(name: string): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const trimmed = raw.trim();
    if (!/^-?\d+$/.test(trimmed)) throw invalid(name, raw);
    const n = Number(trimmed);
    if (!Number.isSafeInteger(n)) throw invalid(name, raw);
    return n;
  }

  number(name: string): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const n = Number(raw.trim());
    if (raw.trim() === "" || !Number.isFinite(n)) throw invalid(name, raw);
    return n;
  }

  bool(name: string): boolean | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const lower = raw.trim().toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
    throw invalid(name, raw);
  }

  /** Epoch ms of a date-time parameter. */
  date(name: string): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const ms = Date.parse(raw);
    if (Number.isNaN(ms)) throw invalid(name, raw);
    return ms;
  }

  guid(name: string): string | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (!guidPattern.test(raw.trim())) throw invalid(name, raw);
    return raw.trim().toLowerCase();
  }

  /** ServiceTitan's comma-separated id lists (`ids=1,2,3`), at most `max` (50 per the spec). */
  intList(name: string, max = 50): number[] | undefined {
    const raw = this.all(name);
    if (raw.length === 0) return undefined;
    const parts = raw
      .flatMap((v) => v.split(","))
      .map((p) => p.trim())
      .filter((p) => p !== "");
    const out: number[] = [];
    for (const part of parts) {
      if (!/^\d+$/.test(part) || !Number.isSafeInteger(Number(part))) throw invalid(name, part);
      out.push(Number(part));
    }
    if (out.length > max) throw validationProblem({ [name]: [`A maximum of ${max} values is allowed.`] });
    return out;
  }

  /** Comma-separated strings (e.g. `externalDataValues`), at most `max`. */
  stringList(name: string, max = 50): string[] | undefined {
    const raw = this.all(name);
    if (raw.length === 0) return undefined;
    const out = raw.flatMap((v) => v.split(",")).filter((p) => p !== "");
    if (out.length > max) throw validationProblem({ [name]: [`A maximum of ${max} values is allowed.`] });
    return out;
  }

  /** Enum values bind case-insensitively and come back in their canonical spelling. */
  enumValue<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const hit = allowed.find((a) => a.toLowerCase() === raw.trim().toLowerCase());
    if (hit === undefined) throw invalid(name, raw);
    return hit;
  }

  /** `ActiveRequestArg`: True (the default) | Any | False. */
  active(name = "active"): ActiveFilter {
    return this.enumValue(name, Object.values(ActiveFilter)) ?? ActiveFilter.True;
  }
}

function invalid(name: string, value: string) {
  return validationProblem({ [name]: [`The value '${value}' is not valid.`] });
}
