/**
 * Error responses in ServiceTitan's `ApiErrorResponse` shape ("following RFC 7807"):
 * `{type, title, status, traceId, errors: {field: [msg]}, data: {}}` — every spec declares it and
 * it forbids additional properties.
 */
import { randomBytes } from "node:crypto";

export type FieldErrors = Record<string, string[]>;

export interface ApiErrorBody {
  type: string;
  title: string;
  status: number;
  traceId: string;
  errors: FieldErrors;
  data: Record<string, unknown>;
}

/** Thrown by handlers and the pipeline; turned into an `ApiErrorResponse`. */
export class ApiProblem extends Error {
  readonly status: number;
  readonly title: string;
  readonly errors: FieldErrors;
  readonly data: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    title: string,
    errors: FieldErrors = {},
    options: { data?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(title);
    this.name = "ApiProblem";
    this.status = status;
    this.title = title;
    this.errors = errors;
    this.data = options.data ?? {};
    this.headers = options.headers ?? {};
  }
}

export function validationProblem(errors: FieldErrors): ApiProblem {
  return new ApiProblem(400, "One or more validation errors occurred.", errors);
}

export function notFound(what: string): ApiProblem {
  return new ApiProblem(404, `${what} not found`);
}

const typeUris: Record<number, string> = {
  400: "https://tools.ietf.org/html/rfc7231#section-6.5.1",
  401: "https://tools.ietf.org/html/rfc7235#section-3.1",
  403: "https://tools.ietf.org/html/rfc7231#section-6.5.3",
  404: "https://tools.ietf.org/html/rfc7231#section-6.5.4",
  409: "https://tools.ietf.org/html/rfc7231#section-6.5.8",
  422: "https://tools.ietf.org/html/rfc4918#section-11.2",
  429: "https://tools.ietf.org/html/rfc6585#section-4",
  500: "https://tools.ietf.org/html/rfc7231#section-6.6.1",
  502: "https://tools.ietf.org/html/rfc7231#section-6.6.3",
  503: "https://tools.ietf.org/html/rfc7231#section-6.6.4",
  504: "https://tools.ietf.org/html/rfc7231#section-6.6.5",
};

const defaultTitles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export function defaultTitle(status: number): string {
  return defaultTitles[status] ?? `HTTP ${status}`;
}

export function newTraceId(): string {
  return randomBytes(16).toString("hex");
}

export function problemBody(problem: ApiProblem, traceId: string): ApiErrorBody {
  return {
    type: typeUris[problem.status] ?? "about:blank",
    title: problem.title,
    status: problem.status,
    traceId,
    errors: problem.errors,
    data: problem.data,
  };
}
