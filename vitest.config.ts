import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: integration files each start their own fauxqs, dynalite and sandbox on loopback.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
