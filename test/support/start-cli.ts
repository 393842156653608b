/**
 * `npm start` for tests: in process (`runStart`, against a test sandbox whose state the test asserts
 * on), or as a child process (the real CLI: exit code, stdout, stderr).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { runStart } from "../../local/start.ts";
import type { TestSandbox } from "./sandbox.ts";
import { repoRoot } from "./world.ts";

export interface StartRun {
  code: number;
  out: string;
  err: string;
}

export async function start(
  argv: string[],
  sandbox?: TestSandbox,
  options: { env?: NodeJS.ProcessEnv; columns?: number } = {},
): Promise<StartRun> {
  const captured = { out: "", err: "" };
  const code = await runStart(argv, {
    stdout: {
      write: (text: string) => (captured.out += text),
      ...(options.columns ? { columns: options.columns } : {}),
    },
    stderr: { write: (text: string) => (captured.err += text) },
    env: options.env ?? {},
    ...(sandbox
      ? {
          serviceTitan: {
            apiUrl: sandbox.apiUrl,
            authUrl: sandbox.authUrl,
            tenantId: sandbox.tenantId,
            ...sandbox.credentials,
          },
        }
      : {}),
  });
  return { code, ...captured };
}

/** The CLI as a child process; execFile rejects on a non-zero exit, so the code is taken from the error. */
export async function startProcess(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<StartRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)("npx", ["tsx", "local/start.ts", ...argv], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== "number") throw error;
    return { code: failed.code, out: failed.stdout ?? "", err: failed.stderr ?? "" };
  }
}
