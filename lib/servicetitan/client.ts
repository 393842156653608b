/**
 * The ONE ServiceTitan HTTP client: token, per-tenant rate limit, retries and error mapping. The
 * endpoint modules only describe requests (`StRequest`); every HTTP concern lives here.
 *
 * Retry rules, and why:
 * - 401: the token was rejected before the request was processed, so one refresh + resend is safe
 *   for every method. A second 401 (or any 403) is an auth problem retrying can't fix.
 * - 429: ServiceTitan refused to process the call (60 calls/s per app and tenant), so waiting
 *   `Retry-After` and resending is safe for every method. All callers of this client pause too.
 * - 5xx, 408, timeouts, network errors: GETs are resent with jittered exponential backoff. Writes
 *   are NEVER resent: ServiceTitan has no idempotency keys, and a write whose reply was lost may
 *   have been applied; the pipeline reconciles through externalData stamps instead.
 * - A failure to get a token happens before anything is sent, so it is retried for every method.
 * - The invocation's abort signal (middy's, see `lib/worker/invocation-budget.ts`) stops everything:
 *   no new attempt, and the one in flight is abandoned with `OutOfTimeError`.
 */
import {
  OutOfTimeError,
  ReasonCode,
  ServiceTitanAuthError,
  ServiceTitanRejectedError,
  ServiceTitanUnavailableError,
} from "../errors.ts";
import { issuePaths } from "../validation/issues.ts";
import { type BackoffOptions, backoffDelay, parseRetryAfter } from "./backoff.ts";
import { ServiceTitanResponseInvalidError } from "./errors.ts";
import { unreachableHost } from "./network-failure.ts";
import { type ProblemDetails, parseProblemDetails } from "./problem-details.ts";
import { SlidingWindowRateLimiter } from "./rate-limiter.ts";
import type { ServiceTitanSettings } from "./settings.ts";
import { TokenProvider } from "./token-provider.ts";
import type { ServiceTitanCallStats, ServiceTitanHttp, StCallOptions, StRequest } from "./types.ts";
import { buildApiUrl } from "./url.ts";

/** One HTTP exchange with the tenant API (every attempt, including retries), for metrics and benchmarks. */
export interface ServiceTitanCallInfo {
  method: string;
  api: string;
  /** Path below `/tenant/{tenant}`, without the query string (queries carry personal data). */
  path: string;
  /** The spec's operationId when the endpoint module named it. */
  operation?: string;
  /** HTTP status, or 0 when no response arrived (timeout, network error). */
  status: number;
  durationMs: number;
  traceId?: string;
  /** 1 for the first attempt of a request. */
  attempt: number;
}

export interface ServiceTitanClientOptions {
  settings: ServiceTitanSettings;
  /** Per-tenant budget; default 50, below ServiceTitan's 60/s to leave room for clock skew and other apps' tooling. */
  maxCallsPerSecond?: number;
  /** Per attempt, covering headers and body (default 30 s). */
  timeoutMs?: number;
  /** Total attempts for a GET on 5xx/timeout/network, and for getting a token (default 4). */
  maxReadAttempts?: number;
  /** 429s tolerated for one request before giving up with a transient error (default 5). */
  maxRateLimitRetries?: number;
  /** Cap on one 429 wait; also the wait when `Retry-After` is missing (default 60 s). */
  maxRetryAfterMs?: number;
  backoff?: BackoffOptions;
  fetch?: typeof fetch;
  /** Epoch milliseconds; drives token expiry and the rate limiter (tests inject fake time). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); backoff jitter. */
  random?: () => number;
  onCall?: (info: ServiceTitanCallInfo) => void;
}

type Outcome =
  | { kind: "response"; status: number; headers: Headers; text: string }
  | { kind: "timeout" | "network" | "aborted"; error: unknown };

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createServiceTitanClient(options: ServiceTitanClientOptions): ServiceTitanHttp {
  const { settings } = options;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxAttempts = Math.max(1, options.maxReadAttempts ?? 4);
  const maxRateLimitRetries = Math.max(0, options.maxRateLimitRetries ?? 5);
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;

  const stats: ServiceTitanCallStats = { calls: 0, tokenRequests: 0, rateLimited: 0, retries: 0 };
  const limiter = new SlidingWindowRateLimiter({ maxCalls: options.maxCallsPerSecond ?? 50, now, sleep });
  const tokens = new TokenProvider({
    authUrl: settings.authUrl,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    fetch: fetchFn,
    now,
    timeoutMs,
    onTokenRequest: () => {
      stats.tokenRequests += 1;
    },
  });

  async function send(url: string, init: RequestInit, invocation: AbortSignal | undefined): Promise<Outcome> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const signal = invocation === undefined ? controller.signal : AbortSignal.any([controller.signal, invocation]);
    try {
      const response = await fetchFn(url, { ...init, signal });
      const text = await response.text();
      return { kind: "response", status: response.status, headers: response.headers, text };
    } catch (error) {
      if (invocation?.aborted) return { kind: "aborted", error };
      return { kind: controller.signal.aborted ? "timeout" : "network", error };
    } finally {
      clearTimeout(timer);
    }
  }

  async function request<T>(req: StRequest<T>, callOptions: StCallOptions = {}): Promise<T> {
    const url = buildApiUrl(settings.apiUrl, req.api, settings.tenantId, req.path, req.query);
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    const isRead = req.method === "GET";
    const label = `${req.method} ${req.api} ${req.operation ?? req.path}`;
    const baseDetails = { method: req.method, api: req.api, path: req.path, operation: req.operation };

    let attempt = 0;
    let transientFailures = 0;
    let rateLimitedTimes = 0;
    let refreshedAfter401 = false;

    /** Backoff for one more transient failure, or false when the budget is spent. */
    const backOff = async (): Promise<boolean> => {
      transientFailures += 1;
      if (transientFailures >= maxAttempts) return false;
      stats.retries += 1;
      await sleep(backoffDelay(transientFailures, random, options.backoff));
      return true;
    };

    const { signal } = callOptions;
    /** The failure being retried when time ran out: the real cause, reported instead of the stop. */
    let lastFailure: ServiceTitanUnavailableError | undefined;
    /** The invocation ran out of time: nothing more is sent for it (Lambda would freeze it now). */
    const stopped = (cause?: unknown) =>
      lastFailure ??
      new OutOfTimeError(`${label}: the invocation's time is up${isRead ? "" : " (a write sent may still land)"}`, {
        ...(cause === undefined ? {} : { cause }),
        details: { ...baseDetails, attempts: attempt },
      });

    for (;;) {
      if (signal?.aborted) throw stopped();
      let token: string;
      try {
        token = await tokens.getToken();
      } catch (error) {
        if (error instanceof ServiceTitanUnavailableError && (await backOff())) continue;
        throw error;
      }

      await limiter.acquire();
      if (signal?.aborted) throw stopped();
      attempt += 1;
      const started = performance.now();
      const outcome = await send(
        url,
        {
          method: req.method,
          headers: {
            authorization: `Bearer ${token}`,
            "st-app-key": settings.appKey,
            accept: "application/json",
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          ...(body === undefined ? {} : { body }),
        },
        signal,
      );
      const durationMs = performance.now() - started;
      stats.calls += 1;
      const problem =
        outcome.kind === "response" && !isSuccess(outcome.status) ? parseProblemDetails(outcome.text) : undefined;
      options.onCall?.({
        method: req.method,
        api: req.api,
        path: req.path,
        ...(req.operation === undefined ? {} : { operation: req.operation }),
        status: outcome.kind === "response" ? outcome.status : 0,
        durationMs,
        ...(problem?.traceId === undefined ? {} : { traceId: problem.traceId }),
        attempt,
      });

      if (outcome.kind === "aborted") throw stopped(outcome.error);
      if (outcome.kind !== "response") {
        const timedOut = outcome.kind === "timeout";
        const failure = new ServiceTitanUnavailableError(
          timedOut ? ReasonCode.ServiceTitanTimeout : ReasonCode.Network,
          `${label}: ${timedOut ? `no reply from ${unreachableHost(url, undefined)} within ${timeoutMs} ms` : `network error reaching ${unreachableHost(url, outcome.error)}`}${isRead ? "" : " (write not retried)"}`,
          { cause: outcome.error, details: { ...baseDetails, attempts: attempt } },
        );
        lastFailure = failure;
        if (isRead && (await backOff())) continue;
        throw failure;
      }

      const { status } = outcome;
      if (isSuccess(status)) return parseBody(req, label, status, outcome.text);
      const info = problem ?? { fieldNames: [] };
      const details = problemDetails(baseDetails, info, attempt);

      if (status === 401) {
        if (!refreshedAfter401) {
          refreshedAfter401 = true;
          tokens.invalidate(token);
          stats.retries += 1;
          continue;
        }
        throw new ServiceTitanAuthError(`${label}: 401 even with a fresh token`, { details: { ...details, status } });
      }
      if (status === 403) {
        // The app lacks the scope for this operation or this tenant; only an admin can fix that.
        throw new ServiceTitanAuthError(`${label}: 403 (missing API scope or tenant access)`, {
          details: { ...details, status },
        });
      }
      if (status === 429) {
        stats.rateLimited += 1;
        rateLimitedTimes += 1;
        const retryAfterMs = Math.min(
          parseRetryAfter(outcome.headers.get("retry-after"), now()) ?? maxRetryAfterMs,
          maxRetryAfterMs,
        );
        if (rateLimitedTimes > maxRateLimitRetries) {
          throw new ServiceTitanUnavailableError(
            ReasonCode.ServiceTitanRateLimited,
            `${label}: still 429 after ${rateLimitedTimes} tries`,
            {
              status,
              retryAfterMs,
              details,
              ...traceOf(info),
            },
          );
        }
        limiter.pauseUntil(now() + retryAfterMs);
        stats.retries += 1;
        await sleep(retryAfterMs);
        continue;
      }
      if (status >= 500 || status === 408) {
        const failure = new ServiceTitanUnavailableError(
          status === 408 ? ReasonCode.ServiceTitanTimeout : ReasonCode.ServiceTitanUnavailable,
          `${label}: ${status}${problemSummary(info)}${isRead ? "" : " (write not retried)"}`,
          { status, details, ...traceOf(info) },
        );
        lastFailure = failure;
        if (isRead && (await backOff())) continue;
        throw failure;
      }
      throw new ServiceTitanRejectedError(`${label}: ${status}${problemSummary(info)}`, status, {
        details,
        ...traceOf(info),
      });
    }
  }

  return {
    tenantId: settings.tenantId,
    stats,
    request,
  };
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * " <title> (fields: a, b)": ServiceTitan's 400 title is generic ("One or more validation errors
 * occurred."), so the summary names the fields it refused — names only, never the messages, which
 * may quote submitted values.
 */
function problemSummary(problem: ProblemDetails): string {
  const title = problem.title ? ` ${problem.title}` : "";
  const fields = problem.fieldNames.length > 0 ? ` (fields: ${problem.fieldNames.join(", ")})` : "";
  return `${title}${fields}`;
}

function traceOf(problem: ProblemDetails): { traceId?: string } {
  return problem.traceId === undefined ? {} : { traceId: problem.traceId };
}

function problemDetails(
  base: { method: string; api: string; path: string; operation: string | undefined },
  problem: ProblemDetails,
  attempts: number,
) {
  return {
    ...base,
    attempts,
    title: problem.title,
    problemType: problem.type,
    fieldErrors: problem.fieldNames,
  };
}

function parseBody<T>(req: StRequest<T>, label: string, status: number, text: string): T {
  if (!req.response) return undefined as T;
  let json: unknown;
  if (text.trim() === "") {
    json = undefined;
  } else {
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ServiceTitanResponseInvalidError(label, status, ["$"], { cause: error });
    }
  }
  const parsed = req.response.safeParse(json);
  if (!parsed.success) throw new ServiceTitanResponseInvalidError(label, status, issuePaths(parsed.error.issues));
  return parsed.data;
}
