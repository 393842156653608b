/**
 * Where and as whom the worker talks to ServiceTitan. The client id/secret are per tenant and per
 * environment (integration vs production), the app key is per app; all three are secrets, so an
 * invalid setting is reported by variable name only, never by value.
 */
import * as z from "zod";
import { ConfigError, ReasonCode } from "../errors.ts";

export interface ServiceTitanSettings {
  /** API base without the `/{api}/v2` part, e.g. `https://api-integration.servicetitan.io`. */
  apiUrl: string;
  /** Identity server base; the token endpoint is `{authUrl}/connect/token`. */
  authUrl: string;
  /** ServiceTitan tenant id (int64 in every path, kept as a decimal string). */
  tenantId: string;
  appKey: string;
  clientId: string;
  clientSecret: string;
}

export const defaultServiceTitanApiUrl = "https://api-integration.servicetitan.io";
export const defaultServiceTitanAuthUrl = "https://auth-integration.servicetitan.io";

const httpUrl = z
  .url({ protocol: /^https?$/ })
  .transform((url) => url.replace(/\/+$/, ""))
  .pipe(z.string().min(1));
const secret = z.string().trim().min(1);

/** One entry per variable so an error can name exactly the variable at fault. */
const variables = {
  ST_API_URL: { key: "apiUrl", schema: httpUrl, fallback: defaultServiceTitanApiUrl },
  ST_AUTH_URL: { key: "authUrl", schema: httpUrl, fallback: defaultServiceTitanAuthUrl },
  ST_TENANT_ID: {
    key: "tenantId",
    schema: z
      .string()
      .trim()
      .regex(/^[1-9]\d{0,18}$/),
    fallback: undefined,
  },
  ST_APP_KEY: { key: "appKey", schema: secret, fallback: undefined },
  ST_CLIENT_ID: { key: "clientId", schema: secret, fallback: undefined },
  ST_CLIENT_SECRET: { key: "clientSecret", schema: secret, fallback: undefined },
} as const satisfies Record<
  string,
  { key: keyof ServiceTitanSettings; schema: z.ZodType<string, string>; fallback: string | undefined }
>;

/**
 * Reads `ST_API_URL`, `ST_AUTH_URL` (both default to the integration environment), `ST_TENANT_ID`,
 * `ST_APP_KEY`, `ST_CLIENT_ID` and `ST_CLIENT_SECRET`.
 * @throws ConfigError naming the first missing or malformed variable (its value is never quoted).
 */
export function serviceTitanSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceTitanSettings {
  const settings: Partial<ServiceTitanSettings> = {};
  for (const [name, variable] of Object.entries(variables)) {
    const raw = env[name];
    const value = raw === undefined || raw.trim() === "" ? variable.fallback : raw;
    if (value === undefined) {
      throw new ConfigError(ReasonCode.ConfigInvalid, name, `${name} is required`);
    }
    const parsed = variable.schema.safeParse(value);
    if (!parsed.success) {
      throw new ConfigError(ReasonCode.ConfigInvalid, name, `${name} is malformed (${describeExpectation(name)})`);
    }
    settings[variable.key] = parsed.data;
  }
  return settings as ServiceTitanSettings;
}

function describeExpectation(name: string): string {
  if (name === "ST_API_URL" || name === "ST_AUTH_URL") return "expected an http(s) URL";
  if (name === "ST_TENANT_ID") return "expected a positive integer";
  return "expected a non-empty value";
}
