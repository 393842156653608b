/**
 * A deliberately thin fetch client for the sandbox's own tests and for poking it by hand. It is
 * NOT the worker's ServiceTitan client (that lives in `lib/` and has retries, rate limiting and
 * error classification); this one returns raw status, headers and body so tests can assert them.
 */
import type { Sandbox } from "./types.ts";

export interface RawResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Override or drop (`null`) the default headers. */
  token?: string | null;
  appKey?: string | null;
  /** Override the tenant segment of the URL. */
  tenant?: string;
}

export type SandboxTarget = Pick<Sandbox, "apiUrl" | "authUrl" | "tenantId" | "credentials">;

export async function requestToken(
  target: SandboxTarget,
  form: Record<string, string> = {
    grant_type: "client_credentials",
    client_id: target.credentials.clientId,
    client_secret: target.credentials.clientSecret,
  },
): Promise<RawResponse<Record<string, unknown>>> {
  const response = await fetch(`${target.authUrl}/connect/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, headers: response.headers, body: await readJson(response) };
}

export class SandboxClient {
  private token: string | undefined;

  constructor(private readonly target: SandboxTarget) {}

  async accessToken(): Promise<string> {
    if (this.token) return this.token;
    const reply = await requestToken(this.target);
    const token = reply.body.access_token;
    if (reply.status !== 200 || typeof token !== "string") throw new Error(`token request failed: ${reply.status}`);
    this.token = token;
    return token;
  }

  /** `api` e.g. `crm`; `path` below `/tenant/{tenant}`, e.g. `/customers`. */
  async call<T = unknown>(
    method: string,
    api: string,
    path: string,
    options: CallOptions = {},
  ): Promise<RawResponse<T>> {
    const url = new URL(`${this.target.apiUrl}/${api}/v2/tenant/${options.tenant ?? this.target.tenantId}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? await this.accessToken() : options.token;
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    const appKey = options.appKey === undefined ? this.target.credentials.appKey : options.appKey;
    if (appKey !== null) headers["ST-App-Key"] = appKey;
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    return { status: response.status, headers: response.headers, body: (await readJson(response)) as T };
  }

  get<T = unknown>(api: string, path: string, query?: CallOptions["query"]): Promise<RawResponse<T>> {
    return this.call<T>("GET", api, path, { query });
  }

  post<T = unknown>(api: string, path: string, body?: unknown): Promise<RawResponse<T>> {
    return this.call<T>("POST", api, path, { body });
  }

  patch<T = unknown>(api: string, path: string, body?: unknown): Promise<RawResponse<T>> {
    return this.call<T>("PATCH", api, path, { body });
  }

  put<T = unknown>(api: string, path: string, body?: unknown): Promise<RawResponse<T>> {
    return this.call<T>("PUT", api, path, { body });
  }
}

async function readJson(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  if (text === "") return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { raw: text };
  }
}
