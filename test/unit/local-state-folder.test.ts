/**
 * Issue 10, part 6: the state folder's rules — named by ServiceTitan host and tenant, never reused
 * for another ServiceTitan, never deleting a folder it didn't create, one run at a time.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../lib/errors.ts";
import { openStateFolder, stateFolderName } from "../../local/state-folder.ts";

const integration = { apiUrl: "https://api-integration.servicetitan.io", tenantId: "1234567" };
const tempDir = () => mkdtempSync(join(tmpdir(), "state-folder-"));

describe("state folder", () => {
  it("is named by the ServiceTitan host (port included) and tenant", () => {
    expect(stateFolderName(integration)).toBe("api-integration.servicetitan.io-1234567");
    expect(stateFolderName({ apiUrl: "https://api.servicetitan.io", tenantId: "1234567" })).toBe(
      "api.servicetitan.io-1234567",
    );
    expect(stateFolderName({ apiUrl: "http://127.0.0.1:4010", tenantId: "42" })).toBe("127.0.0.1_4010-42");
  });

  it("keeps what it holds between runs and marks its owner", () => {
    // Prepare
    const dir = join(tempDir(), "st");
    const first = openStateFolder(dir, integration, false);
    mkdirSync(first.dynamoPath);
    writeFileSync(join(first.dynamoPath, "CURRENT"), "kept");
    first.release();

    // Act
    const second = openStateFolder(dir, integration, false);
    second.release();

    // Assess
    expect(first.empty).toBe(true);
    expect(second.empty).toBe(false);
    expect(readFileSync(join(second.dynamoPath, "CURRENT"), "utf8")).toBe("kept");
    expect(JSON.parse(readFileSync(join(dir, "state.json"), "utf8"))).toMatchObject({
      serviceTitanHost: "api-integration.servicetitan.io",
      tenantId: "1234567",
    });
  });

  it("fresh empties it", () => {
    // Prepare
    const dir = join(tempDir(), "st");
    const first = openStateFolder(dir, integration, false);
    mkdirSync(first.dynamoPath);
    first.release();

    // Act
    const fresh = openStateFolder(dir, integration, true);
    fresh.release();

    // Assess
    expect(fresh.empty).toBe(true);
    expect(existsSync(fresh.dynamoPath)).toBe(false);
    expect(existsSync(join(dir, "state.json"))).toBe(true);
  });

  it("refuses a folder that belongs to another host or tenant, naming both", () => {
    // Prepare
    const dir = join(tempDir(), "st");
    openStateFolder(dir, integration, false).release();

    // Act + Assess
    for (const other of [
      { apiUrl: "https://api.servicetitan.io", tenantId: "1234567" },
      { apiUrl: integration.apiUrl, tenantId: "7654321" },
    ]) {
      expect(() => openStateFolder(dir, other, true)).toThrow(ConfigError);
      expect(() => openStateFolder(dir, other, false)).toThrow(/holds the state of api-integration\.servicetitan\.io/);
    }
    expect(existsSync(join(dir, "state.json"))).toBe(true);
  });

  it("never empties a folder it didn't create", () => {
    // Prepare
    const dir = tempDir();
    writeFileSync(join(dir, "notes.txt"), "mine");

    // Act + Assess
    expect(() => openStateFolder(dir, integration, true)).toThrow(/not a state folder/);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("mine");
  });

  it("is used by one run at a time, and takes over a lock whose run is gone", () => {
    // Prepare
    const dir = join(tempDir(), "st");
    openStateFolder(dir, integration, false).release();
    const lock = join(dir, "run.lock");

    // Act + Assess: the parent process is alive, so its lock holds.
    writeFileSync(lock, String(process.ppid));
    expect(() => openStateFolder(dir, integration, false)).toThrow(/in use by another run/);
    // A process id that can't exist: the lock is stale.
    writeFileSync(lock, "2147483646");
    const folder = openStateFolder(dir, integration, false);
    expect(readFileSync(lock, "utf8")).toBe(String(process.pid));
    folder.release();
    expect(existsSync(lock)).toBe(false);
  });

  it("keeps the customer index's HMAC key with the tables, owner-readable only, and --fresh-state renews it", () => {
    // Prepare
    const dir = join(tempDir(), "st");
    const first = openStateFolder(dir, integration, false);
    const key = first.hmacKey();
    first.release();

    // Act
    const again = openStateFolder(dir, integration, false);
    const keptKey = again.hmacKey();
    again.release();
    const fresh = openStateFolder(dir, integration, true);
    const freshKey = fresh.hmacKey();
    fresh.release();

    // Assess
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(keptKey).toBe(key);
    expect(freshKey).not.toBe(key);
    expect(statSync(join(dir, "hmac-key")).mode & 0o077).toBe(0);
  });
});
