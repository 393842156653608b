import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestToken, SandboxClient } from "../../sandbox/client.ts";
import { startTestSandbox, type TestSandbox } from "../support/sandbox.ts";

describe("sandbox auth", () => {
  let sandbox: TestSandbox;
  let client: SandboxClient;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ tokenTtlSeconds: 120 });
    client = new SandboxClient(sandbox);
  });
  afterAll(async () => {
    await sandbox.stop();
    sandbox.assertContract();
  });

  it("issues a bearer token for the client-credentials grant", async () => {
    // Prepare: the sandbox's own credentials.
    // Act
    const reply = await requestToken(sandbox);
    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ token_type: "Bearer", expires_in: 120 });
    expect(typeof reply.body.access_token).toBe("string");
    expect(sandbox.state.tokens.has(String(reply.body.access_token))).toBe(true);
  });

  it("accepts client credentials sent as HTTP Basic", async () => {
    // Prepare
    const basic = Buffer.from(`${sandbox.credentials.clientId}:${sandbox.credentials.clientSecret}`).toString("base64");
    // Act
    const response = await fetch(`${sandbox.authUrl}/connect/token`, {
      method: "POST",
      headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    // Assess
    expect(response.status).toBe(200);
  });

  it("refuses wrong client credentials with invalid_client", async () => {
    // Prepare
    const form = {
      grant_type: "client_credentials",
      client_id: sandbox.credentials.clientId,
      client_secret: "wrong-secret",
    };
    // Act
    const reply = await requestToken(sandbox, form);
    // Assess
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: "invalid_client" });
  });

  it("refuses other grant types", async () => {
    // Prepare
    const form = {
      grant_type: "authorization_code",
      client_id: sandbox.credentials.clientId,
      client_secret: sandbox.credentials.clientSecret,
    };
    // Act
    const reply = await requestToken(sandbox, form);
    // Assess
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: "unsupported_grant_type" });
  });

  it("answers an API call with a valid token and app key", async () => {
    // Prepare: client fetches its token lazily.
    // Act
    const reply = await client.get("settings", "/business-units");
    // Assess
    expect(reply.status).toBe(200);
    expect(reply.headers.get("x-trace-id")).toMatch(/^[0-9a-f]{32}$/);
  });

  it("answers 401 with an RFC 7807 body when the token is missing or unknown", async () => {
    // Prepare / Act
    const missing = await client.call("GET", "crm", "/customers", { token: null });
    const unknown = await client.call("GET", "crm", "/customers", { token: "not-a-token" });
    // Assess
    for (const reply of [missing, unknown]) {
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ status: 401, errors: {}, data: {} });
      expect(typeof (reply.body as { traceId: unknown }).traceId).toBe("string");
    }
  });

  it("answers 401 once the token has expired", async () => {
    // Prepare: a fresh token, then move its expiry into the past.
    const token = String((await requestToken(sandbox)).body.access_token);
    const issued = sandbox.state.tokens.get(token);
    if (!issued) throw new Error("token not recorded");
    issued.expiresAt = Date.now() - 1;
    // Act
    const reply = await client.call("GET", "crm", "/customers", { token });
    // Assess
    expect(reply.status).toBe(401);
    expect((reply.body as { title: string }).title).toMatch(/expired/);
  });

  it("answers 401 for a missing or wrong ST-App-Key", async () => {
    // Prepare / Act
    const missing = await client.call("GET", "crm", "/customers", { appKey: null });
    const wrong = await client.call("GET", "crm", "/customers", { appKey: "ak1.someone-else" });
    // Assess
    expect(missing.status).toBe(401);
    expect(wrong.status).toBe(401);
  });

  it("answers 403 for another tenant than the sandbox's", async () => {
    // Prepare / Act
    const reply = await client.call("GET", "crm", "/customers", { tenant: "7654321" });
    // Assess
    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({ status: 403 });
  });

  it("answers 404 for paths that are not ServiceTitan operations", async () => {
    // Prepare / Act
    const unknownResource = await client.get("crm", "/unicorns");
    const notApi = await fetch(`${sandbox.apiUrl}/nothing-here`);
    // Assess
    expect(unknownResource.status).toBe(404);
    expect(notApi.status).toBe(404);
    expect(sandbox.takeViolations().map((v) => v.where)).toEqual(["route", "route"]);
  });

  it("logs every exchange with its operationId, never the client secret", async () => {
    // Prepare
    const before = sandbox.log.length;
    // Act
    await requestToken(sandbox);
    await client.get("crm", "/customers", { pageSize: 1 });
    // Assess
    const [tokenExchange, apiExchange] = sandbox.log.slice(before);
    expect(tokenExchange).toMatchObject({ method: "POST", path: "/connect/token", status: 200 });
    expect(JSON.stringify(tokenExchange?.requestBody)).not.toContain(sandbox.credentials.clientSecret);
    expect(apiExchange).toMatchObject({
      method: "GET",
      api: "crm",
      operationId: "Customers_GetList",
      status: 200,
      query: { pageSize: "1" },
    });
  });
});
