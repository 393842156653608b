/**
 * The one way integration tests get a ServiceTitan sandbox: every exchange is checked against
 * ServiceTitan's official OpenAPI documents, so a test passing against the sandbox also means the worker
 * sent only documented parameters and fields (ServiceTitan silently ignores the rest) and the sandbox
 * answered only documented shapes. `useTestSandbox()` fails the file in `afterAll` on any violation.
 *
 * The documents live outside the repository (`../shared/servicetitan/openapi`); without them the sandbox
 * still runs, unchecked, and one console message says so.
 */
import { afterAll, beforeAll } from "vitest";
import {
  type ContractViolation,
  defaultOpenApiDir,
  formatViolation,
  loadOpenApiValidator,
  type OpenApiValidator,
} from "../../sandbox/contract/openapi-validator.ts";
import { startSandbox } from "../../sandbox/server.ts";
import type { Exchange, Sandbox, SandboxOptions } from "../../sandbox/types.ts";

export interface TestSandbox extends Sandbox {
  /** Contract violations so far, in exchange order (empty, never filled, when the documents are absent). */
  readonly violations: ContractViolation[];
  /** The validator in use, or undefined when the documents are absent and checks are skipped. */
  readonly contract: OpenApiValidator | undefined;
  /** Throws one error listing every violation so far. */
  assertContract(): void;
  /**
   * Returns the violations so far and forgets them: for tests that break the contract on purpose (e.g. to
   * see the sandbox reject an unknown route) and assert on the violations themselves.
   */
  takeViolations(): ContractViolation[];
}

/** Printed once per test process, not once per sandbox. */
let reportedMissingDocuments = false;

export async function startTestSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  const contract = await loadOpenApiValidator(defaultOpenApiDir);
  if (contract === undefined && !reportedMissingDocuments) {
    reportedMissingDocuments = true;
    console.warn(`ServiceTitan OpenAPI documents not found at ${defaultOpenApiDir}: contract checks skipped`);
  }
  const violations: ContractViolation[] = [];
  const userHook = options.onExchange;
  const onExchange = (exchange: Exchange): void => {
    // The test's hook first, in the tick the reply was sent (e.g. to kill a worker before it reads it).
    userHook?.(exchange);
    if (contract !== undefined) violations.push(...contract.validate(exchange));
  };
  const sandbox = await startSandbox({ ...options, onExchange });
  const extras: Omit<TestSandbox, keyof Sandbox> = {
    violations,
    contract,
    assertContract() {
      if (violations.length === 0) return;
      throw new Error(describeViolations(violations));
    },
    takeViolations() {
      return violations.splice(0, violations.length);
    },
  };
  // Extend the live sandbox object rather than copying it: `log`, `state` and friends must stay live.
  return Object.assign(sandbox, extras);
}

/**
 * Starts a sandbox in `beforeAll`, stops it in `afterAll` and then fails the file if any exchange broke the
 * OpenAPI contract. Returns a stand-in that forwards to the running sandbox, usable inside tests and hooks:
 *
 * ```ts
 * const sandbox = useTestSandbox();
 * it("creates a job", async () => { await run({ apiUrl: sandbox.apiUrl }); expect(sandbox.state.jobs.size).toBe(1); });
 * ```
 */
export function useTestSandbox(options?: SandboxOptions): TestSandbox {
  let current: TestSandbox | undefined;
  beforeAll(async () => {
    current = await startTestSandbox(options);
  });
  afterAll(async () => {
    const running = current;
    current = undefined;
    if (running === undefined) return;
    await running.stop();
    running.assertContract();
  });
  return new Proxy({} as TestSandbox, {
    get(_target, property) {
      if (current === undefined) {
        throw new Error(
          `useTestSandbox(): "${String(property)}" read outside a test (the sandbox runs from beforeAll to afterAll)`,
        );
      }
      const value: unknown = Reflect.get(current, property, current);
      return typeof value === "function" ? value.bind(current) : value;
    },
    set(_target, property, value) {
      if (current === undefined) throw new Error("useTestSandbox(): the sandbox is not running");
      return Reflect.set(current, property, value, current);
    },
    has(_target, property) {
      return current !== undefined && property in current;
    },
  });
}

function describeViolations(violations: readonly ContractViolation[]): string {
  const limit = 50;
  const lines = violations.slice(0, limit).map((violation) => `  - ${formatViolation(violation)}`);
  if (violations.length > limit) lines.push(`  … and ${violations.length - limit} more`);
  return `${violations.length} ServiceTitan OpenAPI contract violation(s):\n${lines.join("\n")}`;
}
