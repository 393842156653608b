/**
 * The request pipeline, in the order a ServiceTitan call meets its gateway:
 * token endpoint → URL shape → bearer token + `ST-App-Key` (401) → tenant (403) → rate limit (429)
 * → route (404) → faults → latency → handler → reply. Every request, whatever its outcome, is
 * appended to the exchange log and reported to `onExchange` once its response has been sent.
 *
 * Sandbox choices: a request for another tenant than the sandbox's is a **403** (the credentials
 * belong to one tenant); a URL that matches no implemented operation is a 404; every response
 * carries an `X-Trace-Id` header and every error body its `traceId`.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { activeClock } from "./clock.ts";
import type { Faults } from "./faults.ts";
import { ApiProblem, defaultTitle, newTraceId, problemBody } from "./problem.ts";
import { QueryReader } from "./query.ts";
import type { SlidingWindowLimiter } from "./rate-limit.ts";
import { matchRoute, type Route } from "./router.ts";
import { checkBearer, issueToken } from "./routes/auth.ts";
import type { SandboxState } from "./state.ts";
import type { Exchange, SandboxCredentials } from "./types.ts";

export interface PipelineConfig {
  state: SandboxState;
  routes: readonly Route[];
  credentials: SandboxCredentials;
  tenantId: string;
  tokenTtlSeconds: number;
  limiter: SlidingWindowLimiter;
  faults: Faults;
  /** Mutable so `setLatency` applies to the next request. */
  latency: { ms: number };
  log: Exchange[];
  onExchange?: ((exchange: Exchange) => void) | undefined;
  /** Late writes (`late-commit` faults) performed so far. */
  lateCommits: { count: number };
}

export const traceHeader = "X-Trace-Id";
const apiPath = /^\/([A-Za-z]+)\/v2\/tenant\/([^/]+)(\/.*)?$/;

export function createRequestListener(cfg: PipelineConfig): RequestListener {
  return (req, res) => {
    handle(cfg, req, res).catch((error: unknown) => {
      console.error("[st-sandbox] unexpected error", error);
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { "Content-Type": "application/json; charset=utf-8" });
        res.end(JSON.stringify(problemBody(new ApiProblem(500, "Sandbox error"), newTraceId())));
      }
    });
  };
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

async function handle(cfg: PipelineConfig, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const at = Date.now();
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const method = (req.method ?? "GET").toUpperCase();
  const raw = await readBody(req);
  const traceId = newTraceId();
  const exchange: Exchange = { at, method, path: url.pathname, query: queryRecord(url.searchParams), status: 0 };
  const finish = (reply: Reply) => send(cfg, res, exchange, traceId, reply);
  const problem = (p: ApiProblem) => finish({ status: p.status, body: problemBody(p, traceId), headers: p.headers });

  if (url.pathname.replace(/\/+$/, "") === "/connect/token") {
    exchange.requestBody = redactedForm(raw);
    if (method !== "POST") return problem(new ApiProblem(405, "Method Not Allowed"));
    const faults = cfg.faults.decide({ method, path: url.pathname });
    await sleep(faults.delayMs);
    const terminal = faults.terminal;
    if (terminal?.type === "drop") return drop(cfg, req, res, exchange);
    if (terminal?.type === "status") return problem(statusFault(terminal.status, terminal.retryAfterSeconds));
    const reply = issueToken(
      cfg.state,
      cfg.credentials,
      cfg.tokenTtlSeconds,
      new URLSearchParams(raw),
      req.headers.authorization,
    );
    if (terminal?.type === "commit-then-fail") return problem(statusFault(terminal.status ?? 500));
    return finish(reply);
  }

  const match = apiPath.exec(url.pathname);
  if (!match) return problem(new ApiProblem(404, "Not Found"));
  const [, apiRaw = "", tenant = "", subPath = "/"] = match;
  const api = apiRaw.toLowerCase();
  exchange.api = api;
  const parsed = parseJson(raw);
  if (raw !== "") exchange.requestBody = parsed.ok ? parsed.value : raw;

  const token = checkBearer(cfg.state, req.headers.authorization);
  if (token !== "ok") {
    const title = token === "expired" ? "The access token has expired." : "A valid bearer token is required.";
    return problem(new ApiProblem(401, title, {}, { headers: { "WWW-Authenticate": `Bearer error="invalid_token"` } }));
  }
  const appKey = headerValue(req, "st-app-key");
  if (appKey !== cfg.credentials.appKey) {
    return problem(new ApiProblem(401, "A valid ST-App-Key header is required."));
  }
  if (tenant !== cfg.tenantId) {
    return problem(new ApiProblem(403, "The credentials are not valid for this tenant."));
  }
  const rate = cfg.limiter.take(`${tenant}:${appKey}`);
  if (!rate.allowed) {
    return problem(
      new ApiProblem(429, "Too Many Requests", {}, { headers: { "Retry-After": String(rate.retryAfterSeconds) } }),
    );
  }
  const routed = matchRoute(cfg.routes, method, api, subPath);
  if (!routed) return problem(new ApiProblem(404, "Not Found"));
  exchange.operationId = routed.route.operationId;

  const faults = cfg.faults.decide({ method, path: url.pathname, subPath, operationId: routed.route.operationId });
  await sleep(cfg.latency.ms + faults.delayMs);
  const terminal = faults.terminal;
  if (terminal?.type === "drop") return drop(cfg, req, res, exchange);
  if (terminal?.type === "status") return problem(statusFault(terminal.status, terminal.retryAfterSeconds));

  if (terminal?.type === "late-commit") {
    problem(statusFault(terminal.status ?? 504));
    setTimeout(() => {
      runRoute(cfg, routed, url, parsed, traceId);
      cfg.lateCommits.count += 1;
    }, terminal.afterMs).unref();
    return;
  }
  const reply = runRoute(cfg, routed, url, parsed, traceId);
  if (terminal?.type === "commit-then-fail") return problem(statusFault(terminal.status ?? 500));
  return finish(reply);
}

/** Runs the operation's handler: its effect on the state, and the reply it would send. */
function runRoute(
  cfg: PipelineConfig,
  routed: NonNullable<ReturnType<typeof matchRoute>>,
  url: URL,
  parsed: { ok: true; value: unknown } | { ok: false },
  traceId: string,
): Reply {
  let reply: Reply;
  if (!parsed.ok) {
    const p = new ApiProblem(400, "One or more validation errors occurred.", {
      $: ["The request body is not valid JSON."],
    });
    reply = { status: p.status, body: problemBody(p, traceId) };
  } else {
    try {
      const result = activeClock.run(cfg.state.clock, () =>
        routed.route.handler({
          state: cfg.state,
          params: routed.params,
          query: new QueryReader(url.searchParams),
          body: parsed.value,
        }),
      );
      reply = result;
    } catch (error) {
      if (!(error instanceof ApiProblem)) console.error("[st-sandbox] handler error", error);
      const p = error instanceof ApiProblem ? error : new ApiProblem(500, "Sandbox handler error");
      reply = { status: p.status, body: problemBody(p, traceId), headers: p.headers };
    }
  }
  return reply;
}

function statusFault(status: number, retryAfterSeconds?: number): ApiProblem {
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) headers["Retry-After"] = String(retryAfterSeconds);
  return new ApiProblem(status, defaultTitle(status), {}, { headers });
}

function send(cfg: PipelineConfig, res: ServerResponse, exchange: Exchange, traceId: string, reply: Reply): void {
  const payload = reply.body === undefined ? "" : JSON.stringify(reply.body);
  const headers: Record<string, string> = { [traceHeader]: traceId, ...reply.headers };
  if (reply.body !== undefined) headers["Content-Type"] = "application/json; charset=utf-8";
  headers["Content-Length"] = String(Buffer.byteLength(payload));
  exchange.status = reply.status;
  if (reply.body !== undefined) exchange.responseBody = reply.body;
  res.writeHead(reply.status, headers);
  res.end(payload);
  // Recorded in the same tick as `end`: an in-process client cannot read the reply before the log has it.
  record(cfg, exchange);
}

function drop(cfg: PipelineConfig, req: IncomingMessage, res: ServerResponse, exchange: Exchange): void {
  exchange.status = 0;
  req.socket.destroy();
  res.destroy();
  record(cfg, exchange);
}

function record(cfg: PipelineConfig, exchange: Exchange): void {
  cfg.log.push(exchange);
  if (!cfg.onExchange) return;
  try {
    cfg.onExchange(exchange);
  } catch (error) {
    console.error("[st-sandbox] onExchange hook threw", error);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  if (raw.trim() === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    const existing = out[name];
    if (existing === undefined) out[name] = value;
    else out[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

function redactedForm(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(raw)) out[name] = name === "client_secret" ? "***" : value;
  return out;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
