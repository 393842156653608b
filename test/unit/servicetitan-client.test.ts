/**
 * The ServiceTitan client against a narrow node:http stub on 127.0.0.1: token caching and refresh,
 * 401/429/5xx/timeout handling, RFC 7807 error mapping and the per-tenant rate limit. Time is fake
 * (injected `now`/`sleep`), so waits are asserted by what the client asked to sleep, never by the
 * wall clock.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ReasonCode,
  ServiceTitanAuthError,
  ServiceTitanRejectedError,
  ServiceTitanUnavailableError,
} from "../../lib/errors.ts";
import { createServiceTitanClient, type ServiceTitanClientOptions } from "../../lib/servicetitan/client.ts";
import { ServiceTitanResponseInvalidError } from "../../lib/servicetitan/errors.ts";

// ---- stub server -------------------------------------------------------------------------

interface StubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** Fake-clock time when the request reached the stub. */
  at: number;
}

interface StubReply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
  /** Never answer (the client's timeout must fire). */
  hang?: boolean;
}

type Handler = (request: StubRequest, index: number) => StubReply | Promise<StubReply>;

interface Stub {
  url: string;
  api: StubRequest[];
  token: StubRequest[];
  setApi(handler: Handler): void;
  setToken(handler: Handler): void;
  close(): Promise<void>;
}

const tenantId = "4242";

let clock = 1_700_000_000_000;
const stubs: Stub[] = [];

afterEach(async () => {
  await Promise.all(stubs.splice(0).map((stub) => stub.close()));
});

async function startStub(): Promise<Stub> {
  const api: StubRequest[] = [];
  const token: StubRequest[] = [];
  let apiHandler: Handler = () => ({ status: 200, json: { ok: true } });
  let tokenHandler: Handler = (_request, index) => ({
    status: 200,
    json: { access_token: `tok-${index + 1}`, expires_in: 900, token_type: "Bearer" },
  });
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const isToken = url.pathname === "/connect/token";
    const list = isToken ? token : api;
    const entry: StubRequest = {
      method: req.method ?? "",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: "",
      at: clock,
    };
    const index = list.length;
    list.push(entry);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      entry.body = Buffer.concat(chunks).toString("utf8");
      const reply = await (isToken ? tokenHandler : apiHandler)(entry, index);
      if (reply.hang) {
        hanging.push(res);
        return;
      }
      const body = reply.json === undefined ? (reply.text ?? "") : JSON.stringify(reply.json);
      res.writeHead(reply.status, {
        ...(reply.json === undefined ? {} : { "content-type": "application/json" }),
        ...reply.headers,
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const stub: Stub = {
    url: `http://127.0.0.1:${port}`,
    api,
    token,
    setApi: (handler) => {
      apiHandler = handler;
    },
    setToken: (handler) => {
      tokenHandler = handler;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  stubs.push(stub);
  return stub;
}

/** Fake time: `sleep` records the request and moves the clock forward at once. */
function fakeTime() {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => clock,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clock += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

function clientFor(stub: Stub, overrides: Partial<ServiceTitanClientOptions> = {}) {
  const time = fakeTime();
  const client = createServiceTitanClient({
    settings: {
      apiUrl: stub.url,
      authUrl: stub.url,
      tenantId,
      appKey: "ak-test",
      clientId: "cid.test",
      clientSecret: "cs-test",
    },
    now: time.now,
    sleep: time.sleep,
    random: () => 1,
    ...overrides,
  });
  return { client, time };
}

const okSchema = z.object({ ok: z.boolean() });

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

// ---- tests -------------------------------------------------------------------------------

describe("ServiceTitan client: tokens", () => {
  it("requests one token for concurrent callers and sends it with the app key", async () => {
    // Prepare
    const stub = await startStub();
    stub.setToken(async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return { status: 200, json: { access_token: "tok-shared", expires_in: 900 } };
    });
    const { client } = clientFor(stub);

    // Act
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        client.request({ method: "GET", api: "crm", path: "/customers", response: okSchema }),
      ),
    );

    // Assess
    expect(results).toHaveLength(10);
    expect(stub.token).toHaveLength(1);
    const form = new URLSearchParams(stub.token[0]?.body);
    expect(stub.token[0]?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(form)).toEqual({
      grant_type: "client_credentials",
      client_id: "cid.test",
      client_secret: "cs-test",
    });
    expect(stub.api).toHaveLength(10);
    for (const request of stub.api) {
      expect(request.path).toBe(`/crm/v2/tenant/${tenantId}/customers`);
      expect(request.headers.authorization).toBe("Bearer tok-shared");
      expect(request.headers["st-app-key"]).toBe("ak-test");
    }
    expect(client.stats).toMatchObject({ calls: 10, tokenRequests: 1, retries: 0 });
  });

  it("renews the token 60 s before expires_in runs out", async () => {
    // Prepare
    const stub = await startStub();
    stub.setToken((_request, index) => ({ status: 200, json: { access_token: `tok-${index + 1}`, expires_in: 300 } }));
    const { client } = clientFor(stub);
    const call = () => client.request({ method: "GET", api: "crm", path: "/customers" });

    // Act
    await call();
    clock += 239_000; // 61 s before expiry: still good
    await call();
    clock += 2_000; // 59 s before expiry: renew
    await call();

    // Assess
    expect(stub.api.map((r) => r.headers.authorization)).toEqual(["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]);
    expect(stub.token).toHaveLength(2);
  });

  it("on 401 refreshes the token once and resends, even a POST", async () => {
    // Prepare
    const stub = await startStub();
    stub.setApi((request) =>
      request.headers.authorization === "Bearer tok-1"
        ? { status: 401, text: "" }
        : { status: 200, json: { ok: true } },
    );
    const { client } = clientFor(stub);

    // Act
    const result = await client.request({
      method: "POST",
      api: "crm",
      path: "/customers",
      body: { name: "Testy McTestface" },
      response: okSchema,
    });

    // Assess
    expect(result).toEqual({ ok: true });
    expect(stub.api.map((r) => r.headers.authorization)).toEqual(["Bearer tok-1", "Bearer tok-2"]);
    expect(stub.api[1]?.body).toBe(JSON.stringify({ name: "Testy McTestface" }));
    expect(stub.token).toHaveLength(2);
  });

  it("gives up with a permanent auth error when a fresh token is still refused", async () => {
    // Prepare
    const stub = await startStub();
    stub.setApi(() => ({ status: 401, text: "" }));
    const { client } = clientFor(stub);

    // Act
    const error = await rejectionOf(client.request({ method: "GET", api: "crm", path: "/customers" }));

    // Assess
    expect(error).toBeInstanceOf(ServiceTitanAuthError);
    expect(stub.api).toHaveLength(2);
    expect(stub.token).toHaveLength(2);
  });

  it("maps a refused client credential to a permanent auth error without calling the API", async () => {
    // Prepare
    const stub = await startStub();
    stub.setToken(() => ({ status: 400, json: { error: "invalid_client" } }));
    const { client } = clientFor(stub);

    // Act
    const error = await rejectionOf(client.request({ method: "GET", api: "crm", path: "/customers" }));

    // Assess
    expect(error).toBeInstanceOf(ServiceTitanAuthError);
    expect((error as ServiceTitanAuthError).message).not.toContain("cs-test");
    expect(stub.token).toHaveLength(1);
    expect(stub.api).toHaveLength(0);
  });

  it("retries a token endpoint 503 even for a write, since nothing was sent yet", async () => {
    // Prepare
    const stub = await startStub();
    stub.setToken((_request, index) =>
      index === 0 ? { status: 503, text: "busy" } : { status: 200, json: { access_token: "tok-ok", expires_in: 900 } },
    );
    const { client } = clientFor(stub);

    // Act
    await client.request({ method: "POST", api: "jpm", path: "/jobs", body: {} });

    // Assess
    expect(stub.token).toHaveLength(2);
    expect(stub.api).toHaveLength(1);
    expect(stub.api[0]?.headers.authorization).toBe("Bearer tok-ok");
  });

  it("reports a token endpoint that keeps failing as transient", async () => {
    // Prepare
    const stub = await startStub();
    stub.setToken(() => ({ status: 502, text: "bad gateway" }));
    const { client } = clientFor(stub, { maxReadAttempts: 3 });

    // Act
    const error = await rejectionOf(client.request({ method: "GET", api: "crm", path: "/customers" }));

    // Assess
    expect(error).toBeInstanceOf(ServiceTitanUnavailableError);
    expect((error as ServiceTitanUnavailableError).reason).toBe(ReasonCode.ServiceTitanUnavailable);
    expect(stub.token).toHaveLength(3);
    expect(stub.api).toHaveLength(0);
  });
});

describe("ServiceTitan client: rate limiting", () => {
  it("waits Retry-After on 429 and resends, for a POST too", async () => {
    // Prepare
    const stub = await startStub();
    stub.setApi((_request, index) =>
      index === 0 ? { status: 429, headers: { "retry-after": "7" }, text: "" } : { status: 200, json: { ok: true } },
    );
    const { client, time } = clientFor(stub);

    // Act
    const result = await client.request({
      method: "POST",
      api: "crm",
      path: "/customers",
      body: {},
      response: okSchema,
    });

    // Assess
    expect(result).toEqual({ ok: true });
    expect(stub.api).toHaveLength(2);
    expect(time.sleeps).toEqual([7000]);
    expect(client.stats.rateLimited).toBe(1);
  });

  it("falls back to 60 s without Retry-After and caps a very long one", async () => {
    // Prepare
    const stub = await startStub();
    stub.setApi((_request, index) => {
      if (index === 0) return { status: 429, text: "" };
      if (index === 1) return { status: 429, headers: { "retry-after": "3600" }, text: "" };
      return { status: 200, json: { ok: true } };
    });
    const { client, time } = clientFor(stub);

    // Act
    await client.request({ method: "GET", api: "crm", path: "/customers" });

    // Assess
    expect(time.sleeps).toEqual([60_000, 60_000]);
    expect(client.stats.rateLimited).toBe(2);
  });

  it("gives up with a transient rate-limit error after maxRateLimitRetries", async () => {
    // Prepare
    const stub = await startStub();
    stub.setApi(() => ({ status: 429, headers: { "retry-after": "1" }, text: "" }));
    const { client } = clientFor(stub, { maxRateLimitRetries: 2 });

    // Act
    const error = await rejectionOf(client.request({ method: "GET", api: "crm", path: "/customers" }));

    // Assess
    expect(error).toBeInstanceOf(ServiceTitanUnavailableError);
    expect((error as ServiceTitanUnavailableError).reason).toBe(ReasonCode.ServiceTitanRateLimited);
    expect((error as ServiceTitanUnavailableError).retryAfterMs).toBe(1000);
    expect(stub.api).toHaveLength(3);
  });

  it("never lets more than maxCallsPerSecond calls reach the server in any 1 s window", async () => {
    // Prepare: the fake clock only moves once every request already granted has reached the stub,
    // so the stub's timestamps are the grant times.
    const stub = await startStub();
    let sent = 0;
    const countingFetch: typeof fetch = (input, init) => {
      if (String(input).includes("/v2/tenant/")) sent += 1;
      return fetch(input, init);
    };
    const sleep = async (ms: number) => {
      while (stub.api.length < sent) await new Promise((resolve) => setImmediate(resolve));
      clock += ms;
    };
    const { client } = clientFor(stub, { maxCallsPerSecond: 5, fetch: countingFetch, sleep });
    const start = clock;

    // Act
    await Promise.all(
      Array.from({ length: 23 }, (_, i) =>
        client.request({ method: "GET", api: "settings", path: "/tag-types", query: { page: i + 1 } }),
      ),
    );

    // Assess
    const times = stub.api.map((r) => r.at).sort((a, b) => a - b);
    expect(times).toHaveLength(23);
    for (const from of times) {
      expect(times.filter((t) => t >= from && t < from + 1000).length).toBeLessThanOrEqual(5);
    }
    // 23 calls at 5 per second need at least 4 further windows: the limiter really held calls back.
    expect((times.at(-1) ?? start) - start).toBeGreaterThanOrEqual(4000);
  });
});

describe("ServiceTitan client: retries and errors", () => {
  it("retries a GET on 500 with growing backoff", async () => {
    // Prepare
    const stub = await startStub();
    stub.setApi((_request, index) => (index < 2 ? { status: 500, text: "oops" } : { status: 200, json: { ok: true } }));
    const { client, time } = clientFor(stub);

    // Act
    const result = await client.request({ method: "GET", api: "crm", path: "/customers", response: okSchema });

    // Assess
    expect(result).toEqual({ ok: true });
    expect(stub.api).toHaveLength(3);
    expect(time.sleeps).toEqual([250, 500]);
    expect(client.stats.retries).toBe(2);
  });

  it("stops after maxReadAttempts with a transient error carrying the status", async () => {
    // Prepare
    const stub = await startStub();
    stub.setApi(() => ({ status: 503, text: "" }));
    const { client } = clientFor(stub, { maxReadAttempts: 4 });

    // Act
    const error = await rejectionOf(client.request({ method: "GET", api: "crm", path: "/customers" }));

    // Assess
    expect(error).toBeInstanceOf(ServiceTitanUnavailableError);
    expect((error as ServiceTitanUnavailableError).status).toBe(503);
    expect(stub.api).toHaveLength(4);
  });

  it("never resends a POST that got a 500", async () => {
    // Prepare
    const stub = await startStub();
    stub.setApi(() => ({ status: 500, json: { title: "Sku (Name:) is not found.", status: 500, traceId: "t-500" } }));
    const { client } = clientFor(stub);

    // Act
    const error = await rejectionOf(client.request({ method: "POST", api: "jpm", path: "/jobs", body: {} }));

    // Assess
    expect(error).toBeInstanceOf(ServiceTitanUnavailableError);
    expect((error as ServiceTitanUnavailableError).reason).toBe(ReasonCode.ServiceTitanUnavailable);
    expect((error as ServiceTitanUnavailableError).details.traceId).toBe("t-500");
    expect(stub.api).toHaveLength(1);
  });

  it("never resends a PATCH that timed out", async () => {
    // Prepare
    const stub = await startStub();
    stub.setApi(() => ({ status: 200, hang: true }));
    const { client } = clientFor(stub, { timeoutMs: 100 });

    // Act
    const error = await rejectionOf(
      client.request({ method: "PATCH", api: "accounting", path: "/invoices/9/items", body: {} }),
    );

    // Assess
    expect(error).toBeInstanceOf(ServiceTitanUnavailableError);
    expect((error as ServiceTitanUnavailableError).reason).toBe(ReasonCode.ServiceTitanTimeout);
    expect(stub.api).toHaveLength(1);
  });

  it("retries a GET that timed out, then reports a transient timeout", async () => {
    // Prepare
    const stub = await startStub();
    stub.setApi(() => ({ status: 200, hang: true }));
    const { client } = clientFor(stub, { timeoutMs: 100, maxReadAttempts: 2 });

    // Act
    const error = await rejectionOf(client.request({ method: "GET", api: "crm", path: "/customers" }));

    // Assess
    expect(error).toBeInstanceOf(ServiceTitanUnavailableError);
    expect((error as ServiceTitanUnavailableError).reason).toBe(ReasonCode.ServiceTitanTimeout);
    expect(stub.api).toHaveLength(2);
  });

  it("reports an unreachable API as a transient network error", async () => {
    // Prepare: the token comes from the stub, the API port is closed.
    const stub = await startStub();
    const closed = await startStub();
    const closedUrl = closed.url;
    await closed.close();
    const { client } = clientFor(stub, {
      settings: {
        apiUrl: closedUrl,
        authUrl: stub.url,
        tenantId,
        appKey: "ak",
        clientId: "cid",
        clientSecret: "cs",
      },
      maxReadAttempts: 2,
    });

    // Act
    const error = await rejectionOf(client.request({ method: "GET", api: "crm", path: "/customers" }));

    // Assess
    expect(error).toBeInstanceOf(ServiceTitanUnavailableError);
    expect((error as ServiceTitanUnavailableError).reason).toBe(ReasonCode.Network);
    expect((error as Error).message).toBe(
      `GET crm /customers: network error reaching ${new URL(closedUrl).host} (ECONNREFUSED)`,
    );
  });

  it("names the token endpoint's host when it can't be reached", async () => {
    // Prepare: the API answers, the auth port is closed (e.g. a mistyped ST_AUTH_URL).
    const stub = await startStub();
    const closed = await startStub();
    const closedUrl = closed.url;
    await closed.close();
    const { client } = clientFor(stub, {
      settings: { apiUrl: stub.url, authUrl: closedUrl, tenantId, appKey: "ak", clientId: "cid", clientSecret: "cs" },
      maxReadAttempts: 1,
    });

    // Act
    const error = await rejectionOf(client.request({ method: "GET", api: "crm", path: "/customers" }));

    // Assess
    expect((error as ServiceTitanUnavailableError).reason).toBe(ReasonCode.Network);
    expect((error as Error).message).toBe(
      `ServiceTitan token endpoint unreachable: ${new URL(closedUrl).host} (ECONNREFUSED)`,
    );
  });

  it("turns an RFC 7807 400 into a permanent rejection with field names but no values", async () => {
    // Prepare
    const stub = await startStub();
    stub.setApi(() => ({
      status: 400,
      json: {
        type: "https://tools.ietf.org/html/rfc7231#section-6.5.1",
        title: "One or more validation errors occurred.",
        status: 400,
        traceId: "00-abc-01",
        errors: {
          Name: ["'Testy McTestface' is too long"],
          "Address.Street": ["'1 Mockingbird Ln' is not valid"],
        },
        data: { echo: "testy@example.com" },
      },
    }));
    const { client } = clientFor(stub);

    // Act
    const error = await rejectionOf(
      client.request({ method: "POST", api: "crm", path: "/customers", body: { name: "Testy McTestface" } }),
    );

    // Assess
    expect(error).toBeInstanceOf(ServiceTitanRejectedError);
    const rejected = error as ServiceTitanRejectedError;
    expect(rejected.status).toBe(400);
    expect(rejected.traceId).toBe("00-abc-01");
    expect(rejected.details.title).toBe("One or more validation errors occurred.");
    expect(rejected.details.fieldErrors).toEqual(["Name", "Address.Street"]);
    expect(rejected.message).toContain("(fields: Name, Address.Street)");
    const exposed = `${rejected.message} ${JSON.stringify(rejected.toSummary())}`;
    expect(exposed).not.toMatch(/Testy|Mockingbird|example\.com/);
    expect(stub.api).toHaveLength(1);
  });

  it("maps 404 to a rejection and 403 to an auth error, neither retried", async () => {
    // Prepare
    const stub = await startStub();
    stub.setApi((request) => ({ status: request.path.endsWith("/customers/1") ? 404 : 403, text: "" }));
    const { client } = clientFor(stub);

    // Act
    const notFound = await rejectionOf(client.request({ method: "GET", api: "crm", path: "/customers/1" }));
    const forbidden = await rejectionOf(client.request({ method: "GET", api: "crm", path: "/customers/2" }));

    // Assess
    expect(notFound).toBeInstanceOf(ServiceTitanRejectedError);
    expect((notFound as ServiceTitanRejectedError).status).toBe(404);
    expect(forbidden).toBeInstanceOf(ServiceTitanAuthError);
    expect(stub.api).toHaveLength(2);
  });

  it("rejects a reply that doesn't match the response schema, naming paths only", async () => {
    // Prepare
    const stub = await startStub();
    stub.setApi(() => ({ status: 200, json: { data: [{ id: "Testy McTestface" }] } }));
    const { client } = clientFor(stub);
    const schema = z.object({ data: z.array(z.object({ id: z.number() })) });

    // Act
    const error = await rejectionOf(
      client.request({ method: "GET", api: "crm", path: "/customers", response: schema }),
    );

    // Assess
    expect(error).toBeInstanceOf(ServiceTitanResponseInvalidError);
    const invalid = error as ServiceTitanResponseInvalidError;
    expect(invalid.kind).toBe("permanent");
    expect(invalid.reason).toBe(ReasonCode.ServiceTitanRejected);
    expect(invalid.fieldPaths).toEqual(["data.0.id"]);
    expect(invalid.message).not.toContain("Testy");
  });

  it("joins array query values with commas and drops undefined ones", async () => {
    // Prepare
    const stub = await startStub();
    const calls: { path: string; status: number; operation?: string }[] = [];
    const { client } = clientFor(stub, { onCall: (info) => calls.push(info) });

    // Act
    await client.request({
      method: "GET",
      api: "crm",
      path: "/customers",
      query: { ids: [1, 2, 3], name: undefined, active: "Any", page: 2 },
      operation: "Customers_GetList",
    });

    // Assess
    const [request] = stub.api;
    expect(request?.query.get("ids")).toBe("1,2,3");
    expect(request?.query.has("name")).toBe(false);
    expect(request?.query.get("active")).toBe("Any");
    expect(request?.query.get("page")).toBe("2");
    expect(calls).toMatchObject([{ path: "/customers", status: 200, operation: "Customers_GetList" }]);
  });
});
