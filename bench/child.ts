/**
 * The benchmark's helper processes (sandbox, local AWS) run as forked `tsx` children talking over
 * Node's IPC channel, so their CPU time and memory stay out of the worker's figures: in AWS,
 * ServiceTitan, SQS and DynamoDB are someone else's machines.
 *
 * Protocol: the child sends `{ type: "ready", info }` once started, then answers each
 * `{ id, command, args }` with `{ id, result }` or `{ id, error }`.
 */
import { type ChildProcess, fork } from "node:child_process";
import { resolve } from "node:path";

export interface ChildRequest {
  id: number;
  command: string;
  args?: unknown;
}

export type ChildReply = { id: number; result: unknown } | { id: number; error: string };

export interface ChildHandle<Info> {
  info: Info;
  call<T>(command: string, args?: unknown): Promise<T>;
  /** Asks the child to stop, then waits for it to exit (killing it after 10 s). */
  stop(): Promise<void>;
}

const repoRoot = resolve(import.meta.dirname, "..");

/** Forks `bench/<file>` under tsx with `options` as its one argument (JSON) and waits for "ready". */
export async function startChild<Info>(file: string, options: unknown): Promise<ChildHandle<Info>> {
  const child = fork(resolve(import.meta.dirname, file), [JSON.stringify(options)], {
    cwd: repoRoot,
    execArgv: ["--import", "tsx"],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  child.on("exit", (code) => {
    for (const p of pending.values()) p.reject(new Error(`${file} exited (code ${code}) before answering`));
    pending.clear();
  });

  const info = await new Promise<Info>((ready, fail) => {
    const onExit = (code: number | null) => fail(new Error(`${file} exited (code ${code}) before it was ready`));
    child.once("exit", onExit);
    child.on("message", (message: unknown) => {
      const m = message as { type?: string; info?: Info } & Partial<ChildReply>;
      if (m.type === "ready") {
        child.off("exit", onExit);
        ready(m.info as Info);
        return;
      }
      if (typeof m.id !== "number") return;
      const waiter = pending.get(m.id);
      pending.delete(m.id);
      if ("error" in m && m.error !== undefined) waiter?.reject(new Error(`${file}: ${m.error}`));
      else waiter?.resolve((m as { result: unknown }).result);
    });
  });

  return {
    info,
    call<T>(command: string, args?: unknown): Promise<T> {
      const id = nextId++;
      return new Promise<T>((done, fail) => {
        pending.set(id, { resolve: (value) => done(value as T), reject: fail });
        child.send({ id, command, args } satisfies ChildRequest);
      });
    },
    async stop() {
      if (child.exitCode === null && child.connected) {
        await callQuietly(child, nextId++);
      }
      const timer = setTimeout(() => killChild(child), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function callQuietly(child: ChildProcess, id: number): Promise<void> {
  return new Promise((done) => {
    child.send({ id, command: "stop" } satisfies ChildRequest, () => done());
  });
}

function killChild(child: ChildProcess): void {
  if (child.exitCode === null) child.kill();
}

/** Child side: reports ready, then serves requests with `handlers` until "stop" (or the parent goes away). */
export function serveParent(
  info: unknown,
  handlers: Record<string, (args: unknown) => unknown>,
  stop: () => Promise<void>,
): void {
  const send = (message: unknown) => process.send?.(message);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await stop().catch(() => undefined);
    process.disconnect?.();
    process.exit(0);
  };
  process.on("disconnect", () => void shutdown());
  process.on("message", (message: unknown) => {
    const request = message as ChildRequest;
    if (request.command === "stop") {
      void shutdown();
      return;
    }
    const handler = handlers[request.command];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${request.command}`);
        return handler(request.args);
      })
      .then(
        (result) => send({ id: request.id, result } satisfies ChildReply),
        (error: unknown) =>
          send({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies ChildReply),
      );
  });
  send({ type: "ready", info });
}
