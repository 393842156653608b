/**
 * `POST {authUrl}/connect/token`: OAuth 2.0 client credentials only (developer.servicetitan.io
 * /docs/oauth20), form-encoded. Credentials may also come as HTTP Basic (`client_secret_basic`).
 * Errors follow RFC 6749 §5.2 (`{"error":"invalid_client"}`), not RFC 7807, like the identity
 * server in front of ServiceTitan. Tokens are opaque JWT-shaped strings kept in `state.tokens`.
 */
import { randomBytes } from "node:crypto";
import type { SandboxState } from "../state.ts";
import type { SandboxCredentials } from "../types.ts";

export interface TokenReply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Space-separated scopes granted to the sandbox app (the ones api-notes §1 lists for the worker). */
export const grantedScopes = [
  "tn.crm.customers:r",
  "tn.crm.customers:w",
  "tn.crm.locations:r",
  "tn.crm.locations:w",
  "tn.crm.contacts:r",
  "tn.crm.contacts:w",
  "tn.crm.tags:w",
  "tn.jpm.jobs:r",
  "tn.jpm.jobs:w",
  "tn.jpm.jobtypes:r",
  "tn.jpm.appointments:w",
  "tn.pb.materials:r",
  "tn.pb.materials:w",
  "tn.pb.equipment:r",
  "tn.pb.equipment:w",
  "tn.pb.services:r",
  "tn.pb.services:w",
  "tn.acc.invoices:r",
  "tn.acc.invoices:w",
  "tn.stt.tagtypes:r",
  "tn.stt.businessunits:r",
  "tn.stt.technicians:r",
  "tn.mrk.campaigns:r",
  "tn.dis.arrivalwindows:r",
].join(" ");

export function issueToken(
  state: SandboxState,
  credentials: SandboxCredentials,
  ttlSeconds: number,
  form: URLSearchParams,
  authorization: string | undefined,
): TokenReply {
  const noStore = { "Cache-Control": "no-store", Pragma: "no-cache" };
  let clientId = form.get("client_id") ?? undefined;
  let clientSecret = form.get("client_secret") ?? undefined;
  const basic = /^Basic\s+(.+)$/i.exec(authorization ?? "");
  if (basic?.[1] && clientId === undefined) {
    const [id, secret] = Buffer.from(basic[1], "base64").toString("utf8").split(":");
    clientId = decodeURIComponent(id ?? "");
    clientSecret = decodeURIComponent(secret ?? "");
  }
  const grantType = form.get("grant_type");
  if (grantType === null || grantType === "") {
    return { status: 400, body: { error: "invalid_request" }, headers: noStore };
  }
  if (clientId !== credentials.clientId || clientSecret !== credentials.clientSecret) {
    return { status: 400, body: { error: "invalid_client" }, headers: noStore };
  }
  if (grantType !== "client_credentials") {
    return { status: 400, body: { error: "unsupported_grant_type" }, headers: noStore };
  }
  const token = fakeJwt(credentials.clientId, ttlSeconds);
  state.tokens.set(token, { clientId: credentials.clientId, expiresAt: Date.now() + ttlSeconds * 1000 });
  return {
    status: 200,
    body: { access_token: token, expires_in: ttlSeconds, token_type: "Bearer", scope: grantedScopes },
    headers: noStore,
  };
}

function fakeJwt(clientId: string, ttlSeconds: number): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const header = part({ alg: "none", typ: "JWT" });
  const payload = part({ iss: "st-sandbox", client_id: clientId, iat: now, exp: now + ttlSeconds });
  return `${header}.${payload}.${randomBytes(24).toString("base64url")}`;
}

export type TokenCheck = "ok" | "missing" | "unknown" | "expired";

export function checkBearer(state: SandboxState, authorization: string | undefined): TokenCheck {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!match?.[1]) return "missing";
  const issued = state.tokens.get(match[1]);
  if (!issued) return "unknown";
  return Date.now() >= issued.expiresAt ? "expired" : "ok";
}
