/**
 * OAuth2 client-credentials tokens for one ServiceTitan app + tenant. ServiceTitan supports only
 * this grant (no refresh tokens): a new token is requested with the client id/secret, form-encoded,
 * at `{authUrl}/connect/token`. Lifetimes are reported as 900 s (third-party observation), so the
 * code honours `expires_in` and renews 60 s early rather than assuming a value.
 *
 * All concurrent callers share one in-flight token request: a Lambda batch fanning out 10 orders
 * must not ask the identity server for 10 tokens.
 */
import * as z from "zod";
import { ReasonCode, ServiceTitanAuthError, ServiceTitanUnavailableError } from "../errors.ts";
import { parseRetryAfter } from "./backoff.ts";
import { unreachableHost } from "./network-failure.ts";
import { parseProblemDetails } from "./problem-details.ts";

export interface TokenProviderOptions {
  authUrl: string;
  clientId: string;
  clientSecret: string;
  fetch: typeof fetch;
  now: () => number;
  timeoutMs: number;
  /** Renew this long before `expires_in` runs out (default 60 s, at most half the lifetime). */
  refreshMarginMs?: number;
  /** Called once per request sent to the token endpoint (for `stats.tokenRequests`). */
  onTokenRequest?: () => void;
}

/** Used only when the identity server omits `expires_in`; the lifetime observed in practice. */
const fallbackLifetimeSeconds = 900;

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive().optional(),
  token_type: z.string().optional(),
});

interface CachedToken {
  value: string;
  renewAt: number;
}

export class TokenProvider {
  readonly #options: TokenProviderOptions;
  readonly #refreshMarginMs: number;
  #cached: CachedToken | undefined;
  #inFlight: Promise<string> | undefined;

  constructor(options: TokenProviderOptions) {
    this.#options = options;
    this.#refreshMarginMs = options.refreshMarginMs ?? 60_000;
  }

  /** A token valid for at least the refresh margin; requests a new one only when needed. */
  getToken(): Promise<string> {
    const cached = this.#cached;
    if (cached && this.#options.now() < cached.renewAt) return Promise.resolve(cached.value);
    if (!this.#inFlight) {
      this.#inFlight = this.#requestToken().finally(() => {
        this.#inFlight = undefined;
      });
    }
    return this.#inFlight;
  }

  /**
   * Forgets `token` after the API answered 401 with it. Only that exact token is dropped, so when
   * several calls fail with the same stale token, the first renews and the rest reuse the new one.
   */
  invalidate(token: string): void {
    if (this.#cached?.value === token) this.#cached = undefined;
  }

  async #requestToken(): Promise<string> {
    const { authUrl, clientId, clientSecret, now, timeoutMs } = this.#options;
    const requestedAt = now();
    this.#options.onTokenRequest?.();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let status: number;
    let text: string;
    let retryAfterHeader: string | null;
    try {
      const response = await this.#options.fetch(`${authUrl}/connect/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: clientId,
          client_secret: clientSecret,
        }),
        signal: controller.signal,
      });
      status = response.status;
      retryAfterHeader = response.headers.get("retry-after");
      text = await response.text();
    } catch (error) {
      const timedOut = controller.signal.aborted;
      throw new ServiceTitanUnavailableError(
        timedOut ? ReasonCode.ServiceTitanTimeout : ReasonCode.Network,
        timedOut
          ? `ServiceTitan token endpoint ${unreachableHost(authUrl, undefined)} did not reply within ${timeoutMs} ms`
          : `ServiceTitan token endpoint unreachable: ${unreachableHost(authUrl, error)}`,
        { cause: error, details: { endpoint: "token" } },
      );
    } finally {
      clearTimeout(timer);
    }

    if (status >= 200 && status < 300) return this.#accept(text, requestedAt);

    const problem = parseProblemDetails(text);
    const details = { endpoint: "token", title: problem.title };
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(retryAfterHeader, now());
      throw new ServiceTitanUnavailableError(ReasonCode.ServiceTitanRateLimited, "ServiceTitan token endpoint 429", {
        status,
        details,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    if (status >= 500 || status === 408) {
      throw new ServiceTitanUnavailableError(
        ReasonCode.ServiceTitanUnavailable,
        `ServiceTitan token endpoint answered ${status}`,
        { status, details },
      );
    }
    // 400 invalid_client / unauthorized_client, 401, 403: the credentials are wrong; retrying can't help.
    throw new ServiceTitanAuthError(`ServiceTitan token endpoint refused the client credentials (${status})`, {
      details: { ...details, status },
    });
  }

  #accept(text: string, requestedAt: number): string {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = tokenResponseSchema.safeParse(json);
    if (!parsed.success) {
      // A 2xx without a token means authUrl points at something that isn't ServiceTitan's identity server.
      throw new ServiceTitanAuthError("ServiceTitan token endpoint answered without a usable access_token", {
        details: { endpoint: "token" },
      });
    }
    const lifetimeMs = (parsed.data.expires_in ?? fallbackLifetimeSeconds) * 1000;
    const margin = Math.min(this.#refreshMarginMs, lifetimeMs / 2);
    // Measured from when the request was sent: the server's clock started no earlier than that.
    this.#cached = { value: parsed.data.access_token, renewAt: requestedAt + lifetimeMs - margin };
    return parsed.data.access_token;
  }
}
