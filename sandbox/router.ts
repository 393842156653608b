/**
 * Route table: each route is one spec operation (`operationId`), addressed like ServiceTitan as
 * `/{api}/v2/tenant/{tenant}{path}`. Path parameters are int64 unless written `{name:guid}`, so
 * `/customers/contacts` never binds as `/customers/{id}`.
 */
import { notFound, validationProblem } from "./problem.ts";
import type { QueryReader } from "./query.ts";
import type { SandboxState } from "./state.ts";

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface HandlerContext {
  state: SandboxState;
  params: Record<string, string>;
  query: QueryReader;
  body: unknown;
}

export interface HandlerResult {
  status: number;
  /** Omitted for bodiless replies (ServiceTitan answers several writes with an empty 200). */
  body?: unknown;
}

export type Handler = (ctx: HandlerContext) => HandlerResult;

export interface Route {
  method: HttpMethod;
  api: string;
  /** Below `/tenant/{tenant}`, e.g. `/customers/{id}/tags/{tagTypeId}`. */
  path: string;
  operationId: string;
  handler: Handler;
}

export function route(method: HttpMethod, api: string, path: string, operationId: string, handler: Handler): Route {
  return { method, api, path, operationId, handler };
}

const guidSegment = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export function matchRoute(
  routes: readonly Route[],
  method: string,
  api: string,
  subPath: string,
): { route: Route; params: Record<string, string> } | undefined {
  const segments = subPath.split("/").filter((s) => s !== "");
  for (const candidate of routes) {
    if (candidate.method !== method || candidate.api !== api) continue;
    const pattern = candidate.path.split("/").filter((s) => s !== "");
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      const p = pattern[i] ?? "";
      const s = decodeURIComponent(segments[i] ?? "");
      const param = /^\{(\w+)(?::(\w+))?\}$/.exec(p);
      if (!param) {
        ok = p.toLowerCase() === s.toLowerCase();
        continue;
      }
      const [, name = "", kind] = param;
      ok = kind === "guid" ? guidSegment.test(s) : /^\d+$/.test(s);
      params[name] = kind === "guid" ? s.toLowerCase() : s;
    }
    if (ok) return { route: candidate, params };
  }
  return undefined;
}

/** An int64 path parameter (the router guarantees digits). */
export function pathId(ctx: HandlerContext, name = "id"): number {
  const n = Number(ctx.params[name]);
  if (!Number.isSafeInteger(n)) throw validationProblem({ [name]: [`The value '${ctx.params[name]}' is not valid.`] });
  return n;
}

export function requireRecord<T>(map: Map<number, T>, id: number, what: string): T {
  const record = map.get(id);
  if (record === undefined) throw notFound(`${what} with id ${id}`);
  return record;
}
