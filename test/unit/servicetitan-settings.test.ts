/**
 * Pure pieces of the ServiceTitan module: settings from the environment, RFC 7807 parsing, duration
 * and decimal parsing, pagination and the rate limiter on fake time.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../lib/errors.ts";
import { timeSpanToMinutes as durationToMinutes } from "../../lib/schedule/timespan.ts";
import { backoffDelay, parseRetryAfter } from "../../lib/servicetitan/backoff.ts";
import { ServiceTitanPageLimitError } from "../../lib/servicetitan/errors.ts";
import { stDecimalToCents } from "../../lib/servicetitan/models/accounting.ts";
import { listAll, type Page } from "../../lib/servicetitan/pagination.ts";
import { parseProblemDetails } from "../../lib/servicetitan/problem-details.ts";
import { SlidingWindowRateLimiter } from "../../lib/servicetitan/rate-limiter.ts";
import { serviceTitanSettingsFromEnv } from "../../lib/servicetitan/settings.ts";

const fullEnv = {
  ST_TENANT_ID: "1234567",
  ST_APP_KEY: "ak-secret-value",
  ST_CLIENT_ID: "cid.secret-value",
  ST_CLIENT_SECRET: "cs-secret-value",
};

describe("serviceTitanSettingsFromEnv", () => {
  it("reads the variables and defaults to the integration environment", () => {
    // Act
    const settings = serviceTitanSettingsFromEnv(fullEnv);

    // Assess
    expect(settings).toEqual({
      apiUrl: "https://api-integration.servicetitan.io",
      authUrl: "https://auth-integration.servicetitan.io",
      tenantId: "1234567",
      appKey: "ak-secret-value",
      clientId: "cid.secret-value",
      clientSecret: "cs-secret-value",
    });
  });

  it("strips a trailing slash from the URLs", () => {
    // Act
    const settings = serviceTitanSettingsFromEnv({
      ...fullEnv,
      ST_API_URL: "http://127.0.0.1:4010/",
      ST_AUTH_URL: "http://127.0.0.1:4011",
    });

    // Assess
    expect(settings.apiUrl).toBe("http://127.0.0.1:4010");
    expect(settings.authUrl).toBe("http://127.0.0.1:4011");
  });

  it.each(["ST_TENANT_ID", "ST_APP_KEY", "ST_CLIENT_ID", "ST_CLIENT_SECRET"])("names a missing %s", (name) => {
    // Prepare
    const env: Record<string, string> = { ...fullEnv };
    delete env[name];

    // Act
    const error = (() => {
      try {
        serviceTitanSettingsFromEnv(env);
      } catch (e) {
        return e;
      }
    })();

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe(name);
    expect((error as ConfigError).message).toContain(name);
  });

  it("rejects malformed values without quoting them", () => {
    // Act
    const attempt = () => serviceTitanSettingsFromEnv({ ...fullEnv, ST_TENANT_ID: "cs-secret-value" });

    // Assess
    expect(attempt).toThrow(/ST_TENANT_ID/);
    expect(attempt).not.toThrow(/secret-value/);
    expect(() => serviceTitanSettingsFromEnv({ ...fullEnv, ST_API_URL: "ftp://x" })).toThrow(/ST_API_URL/);
  });
});

describe("parseProblemDetails", () => {
  it("keeps title, status, traceId and the names of failing fields only", () => {
    // Act
    const problem = parseProblemDetails(
      JSON.stringify({
        type: "about:blank",
        title: "Validation failed",
        status: 400,
        traceId: "t-1",
        errors: { "Locations[0].Address.Zip": ["'Testy' is not a zip"] },
        data: { value: "Testy" },
      }),
    );

    // Assess
    expect(problem).toEqual({
      type: "about:blank",
      title: "Validation failed",
      status: 400,
      traceId: "t-1",
      fieldNames: ["Locations[0].Address.Zip"],
    });
  });

  it.each(["", "<html>Bad gateway</html>", "[]", JSON.stringify({ title: 5, errors: ["x"] })])(
    "never throws on an odd body (%s)",
    (body) => {
      // Act
      const problem = parseProblemDetails(body);

      // Assess
      expect(problem.fieldNames).toEqual([]);
      expect(problem.title).toBeUndefined();
    },
  );
});

describe("durations, decimals, Retry-After and backoff", () => {
  it.each([
    ["08:00:00", 480],
    ["13:30:00", 810],
    ["1.02:00:00", 26 * 60],
    ["PT2H", 120],
    ["PT8H30M", 510],
    ["00:45", 45],
  ])("reads %s as %i minutes", (value, minutes) => {
    expect(durationToMinutes(value)).toBe(minutes);
  });

  it.each(["", "eight", "PT", "-01:00:00", "10:75:00"])("refuses %s", (value) => {
    expect(durationToMinutes(value)).toBeUndefined();
  });

  it("converts ServiceTitan decimal strings to cents", () => {
    expect(stDecimalToCents("19.99")).toBe(1999);
    expect(stDecimalToCents("20")).toBe(2000);
    expect(stDecimalToCents("-3.5")).toBe(-350);
    expect(stDecimalToCents("x")).toBeUndefined();
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-01-02T03:04:05Z");
    expect(parseRetryAfter("7", now)).toBe(7000);
    expect(parseRetryAfter("Fri, 02 Jan 2026 03:04:15 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("grows the backoff exponentially within the cap and never returns zero", () => {
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, () => 1))).toEqual([250, 500, 1000, 2000, 4000, 4000]);
    expect(backoffDelay(1, () => 0)).toBe(125);
  });
});

describe("listAll", () => {
  const pages =
    (count: number) =>
    async (page: number): Promise<Page<number>> => ({
      page,
      pageSize: 2,
      hasMore: page < count,
      data: [page * 10, page * 10 + 1],
    });

  it("reads until hasMore is false", async () => {
    expect(await listAll(pages(3), { maxPages: 5 })).toEqual([10, 11, 20, 21, 30, 31]);
  });

  it("throws rather than return a truncated list", async () => {
    await expect(listAll(pages(6), { maxPages: 5 })).rejects.toBeInstanceOf(ServiceTitanPageLimitError);
  });
});

describe("SlidingWindowRateLimiter", () => {
  it("grants at most maxCalls per window and honours a pause", async () => {
    // Prepare
    let now = 0;
    const limiter = new SlidingWindowRateLimiter({
      maxCalls: 3,
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    const grants: number[] = [];

    // Act
    await Promise.all(Array.from({ length: 7 }, () => limiter.acquire().then(() => grants.push(now))));
    limiter.pauseUntil(now + 5000);
    await limiter.acquire();
    grants.push(now);

    // Assess
    expect(grants).toEqual([0, 0, 0, 1000, 1000, 1000, 2000, 7000]);
  });
});
