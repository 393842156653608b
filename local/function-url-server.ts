/**
 * A Lambda function URL on this machine: a real HTTP server (127.0.0.1, a free port) that turns each
 * request into the event Lambda would deliver (payload format 2.0) and the handler's result back
 * into an HTTP response. Tests drive the WooCommerce receiver through it over HTTP, as WooCommerce
 * does, rather than calling the function.
 *
 * As in AWS (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html): header names are
 * lower-case, a text body (`text/*`, JSON, XML, JavaScript) is a string and any other body is
 * base64-encoded with `isBase64Encoded: true`; requests over 6 MB are refused with 413.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from "aws-lambda";
import { createLambdaContext } from "./lambda-context.ts";

export type FunctionUrlHandler = (event: LambdaFunctionURLEvent, context: Context) => Promise<LambdaFunctionURLResult>;

export interface FunctionUrlServer {
  url: string;
  stop(): Promise<void>;
}

/** Lambda's limit for a synchronous invocation's request payload. */
export const maxRequestBytes = 6 * 1024 * 1024;

const textContentType = /^(text\/|application\/(json|javascript|xml)|[^;]*\+(json|xml))/i;

export async function startFunctionUrlServer(
  handler: FunctionUrlHandler,
  options: { functionName?: string; timeoutMs?: number } = {},
): Promise<FunctionUrlServer> {
  const server = createServer((request, response) => {
    void serve(request, response, handler, options).catch(() => {
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  handler: FunctionUrlHandler,
  options: { functionName?: string; timeoutMs?: number },
): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxRequestBytes) {
      response.writeHead(413).end();
      return;
    }
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  const result = await handler(
    functionUrlEvent(request, body),
    createLambdaContext({
      functionName: options.functionName ?? "function-url-local",
      timeoutMs: options.timeoutMs ?? 10_000,
    }),
  );
  const {
    statusCode = 200,
    headers = {},
    body: text = "",
    isBase64Encoded = false,
  } = typeof result === "string" ? { body: result } : result;
  response.writeHead(statusCode, headers as Record<string, string>);
  response.end(isBase64Encoded ? Buffer.from(text, "base64") : text);
}

function functionUrlEvent(request: IncomingMessage, body: Buffer): LambdaFunctionURLEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  }
  const url = new URL(request.url ?? "/", "http://localhost");
  const text = textContentType.test(headers["content-type"] ?? "");
  const now = new Date();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: "anonymous",
      apiId: "local",
      domainName: headers.host ?? "localhost",
      domainPrefix: "local",
      http: {
        method: request.method ?? "GET",
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: text ? body.toString("utf8") : body.toString("base64") } : {}),
    isBase64Encoded: body.length > 0 && !text,
  };
}
