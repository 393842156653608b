/**
 * Maps a request path (`/crm/v2/tenant/1234567/customers/42/tags/7`) to the documented path template
 * (`/tenant/{tenant}/customers/{id}/tags/{tagTypeId}`) of the document whose server base path it starts
 * with. Literal segments beat parameters (`/customers/contacts` is not `/customers/{id}`), which is how
 * ServiceTitan's ASP.NET routing resolves the overlapping templates in these documents.
 */
import type { HttpMethod, OpenApiDocument, OpenApiOperation } from "./openapi-documents.ts";

interface Segment {
  readonly literal?: string;
  readonly param?: string;
}

interface Route {
  readonly document: OpenApiDocument;
  readonly template: string;
  readonly segments: readonly Segment[];
  readonly operations: Partial<Record<HttpMethod, OpenApiOperation>>;
}

export interface RouteMatch {
  readonly document: OpenApiDocument;
  readonly template: string;
  /** Path parameter values, URL-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly method: HttpMethod;
  readonly operation: OpenApiOperation;
}

export type RouteLookup =
  | { readonly kind: "found"; readonly match: RouteMatch }
  | { readonly kind: "unknown-api" }
  | { readonly kind: "unknown-path" }
  | { readonly kind: "method-not-allowed"; readonly template: string; readonly allowed: readonly string[] };

export class RouteIndex {
  readonly #byBasePath = new Map<string, Route[]>();

  constructor(documents: readonly OpenApiDocument[]) {
    for (const document of documents) {
      const routes = Object.entries(document.paths).map(([template, operations]) => ({
        document,
        template,
        segments: splitPath(template).map((segment) => {
          const param = /^\{(.+)\}$/.exec(segment)?.[1];
          return param === undefined ? { literal: segment } : { param };
        }),
        operations,
      }));
      // A supplement shares its API's base path: its routes come after the current document's.
      const all = [...(this.#byBasePath.get(document.basePath) ?? []), ...routes];
      all.sort((a, b) => compareSpecificity(a.segments, b.segments));
      this.#byBasePath.set(document.basePath, all);
    }
  }

  lookup(method: string, requestPath: string): RouteLookup {
    const verb = method.toLowerCase() as HttpMethod;
    const basePath = [...this.#byBasePath.keys()].find(
      (base) => requestPath === base || requestPath.startsWith(`${base}/`),
    );
    if (basePath === undefined) return { kind: "unknown-api" };
    const segments = splitPath(requestPath.slice(basePath.length));
    const candidates = (this.#byBasePath.get(basePath) ?? []).flatMap((route) => {
      const params = matchSegments(route.segments, segments);
      return params === undefined ? [] : [{ route, params }];
    });
    if (candidates.length === 0) return { kind: "unknown-path" };
    for (const { route, params } of candidates) {
      const operation = route.operations[verb];
      if (operation !== undefined) {
        return {
          kind: "found",
          match: { document: route.document, template: route.template, params, method: verb, operation },
        };
      }
    }
    const first = candidates[0]?.route;
    return {
      kind: "method-not-allowed",
      template: first?.template ?? "",
      allowed: Object.keys(first?.operations ?? {}).map((m) => m.toUpperCase()),
    };
  }
}

function splitPath(value: string): string[] {
  return value
    .replace(/\/$/, "")
    .split("/")
    .filter((segment, index) => index > 0 || segment !== "");
}

function matchSegments(template: readonly Segment[], actual: readonly string[]): Record<string, string> | undefined {
  if (template.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of template.entries()) {
    const value = actual[index] ?? "";
    if (segment.literal !== undefined) {
      if (segment.literal !== value) return undefined;
    } else if (segment.param !== undefined) {
      if (value === "") return undefined;
      params[segment.param] = safeDecode(value);
    }
  }
  return params;
}

/** Literal before parameter at the first position where two templates differ. */
function compareSpecificity(a: readonly Segment[], b: readonly Segment[]): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const aLiteral = a[index]?.literal !== undefined;
    const bLiteral = b[index]?.literal !== undefined;
    if (aLiteral !== bLiteral) return aLiteral ? -1 : 1;
  }
  return 0;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
