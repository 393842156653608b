import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // In CI, a missing ../shared fails the run instead of silently skipping the contract checks.
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: integration files each start their own fauxqs, dynalite and sandbox on loopback.
    maxWorkers: 2,
    reporters: ["default"],
    // The pinned AWS SDK warns that its 2027 releases need Node 22 (stack.md): noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
