/**
 * Where `npm start` keeps its local DynamoDB tables (the ledger, and the customer index) between runs
 * against a real ServiceTitan tenant. Without it the ledger lives in memory, and running the same
 * orders twice against a real tenant would create their customers, jobs and invoice lines twice.
 *
 * One folder per ServiceTitan host and tenant (`.state/<host>-<tenant>/`): the ledger's ids belong to
 * one tenant, and reusing them against another would "resume" orders onto records that don't exist
 * there (or, worse, belong to someone else). A `state.json` marker names the owner, so a folder chosen
 * by hand with `--state` is refused when it belongs to another ServiceTitan. A `run.lock` keeps two
 * runs from opening the same LevelDB store (dynalite's on-disk backend, which allows one process).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { ConfigError, ReasonCode } from "../lib/errors.ts";

/** The git-ignored folder holding one sub-folder per ServiceTitan host and tenant. */
export const defaultStateRoot = resolve(import.meta.dirname, "..", ".state");

const markerFile = "state.json";
const lockFile = "run.lock";
/** dynalite's LevelDB store. */
const dynamoFolder = "dynamodb";
/** The customer index's HMAC key for this tenant's local runs (generated once, owner-readable only). */
const hmacKeyFile = "hmac-key";

const markerSchema = z.object({
  serviceTitanHost: z.string().min(1),
  tenantId: z.string().min(1),
  createdAt: z.string(),
});
type Marker = z.infer<typeof markerSchema>;

export interface ServiceTitanIdentity {
  apiUrl: string;
  tenantId: string;
}

export interface StateFolder {
  readonly dir: string;
  /** Where dynalite keeps its LevelDB store (`dynalite({ path })`). */
  readonly dynamoPath: string;
  /** True when the folder held no tables yet (new, or emptied by `--fresh-state`). */
  readonly empty: boolean;
  /**
   * The customer index's HMAC key kept with its tables: the index's look-up keys are hashed with it,
   * so a key that changed between runs would leave the kept index unreadable. Generated on first use.
   */
  hmacKey(): string;
  /** Releases the lock; the tables stay. */
  release(): void;
}

/** `api-integration.servicetitan.io-1234567`; a port becomes `_port` so the name is a valid folder on every OS. */
export function stateFolderName(serviceTitan: ServiceTitanIdentity): string {
  const host = new URL(serviceTitan.apiUrl).host.toLowerCase().replace(/[^a-z0-9.-]/g, "_");
  return `${host}-${serviceTitan.tenantId}`;
}

export function defaultStateFolder(serviceTitan: ServiceTitanIdentity, root = defaultStateRoot): string {
  return join(root, stateFolderName(serviceTitan));
}

/**
 * Opens (creating it if needed) the state folder for one ServiceTitan tenant and locks it for this run.
 * @param fresh delete what the folder holds first (`--fresh-state`); only a folder this tool created
 *   (it has a `state.json`) or an empty one is ever deleted.
 * @throws ConfigError (key `--state`) when the folder belongs to another ServiceTitan, is not a state
 *   folder, or another run holds it.
 */
export function openStateFolder(dir: string, serviceTitan: ServiceTitanIdentity, fresh: boolean): StateFolder {
  const owner: Marker = {
    serviceTitanHost: new URL(serviceTitan.apiUrl).host.toLowerCase(),
    tenantId: serviceTitan.tenantId,
    createdAt: new Date().toISOString(),
  };
  const existing = existsSync(dir) ? readdirSync(dir) : [];
  if (existing.length > 0 && !existing.includes(markerFile)) {
    throw stateError(`${dir} is not empty and is not a state folder (no ${markerFile}); choose another --state`);
  }
  const marker = existing.includes(markerFile) ? readMarker(dir) : undefined;
  if (marker && (marker.serviceTitanHost !== owner.serviceTitanHost || marker.tenantId !== owner.tenantId)) {
    throw stateError(
      `${dir} holds the state of ${marker.serviceTitanHost} tenant ${marker.tenantId}, not ${owner.serviceTitanHost} tenant ${owner.tenantId}; choose another --state`,
    );
  }
  acquireLock(dir, existing.includes(lockFile));
  let empty = !existsSync(join(dir, dynamoFolder));
  try {
    if (fresh) {
      for (const entry of readdirSync(dir)) if (entry !== lockFile) rmSync(join(dir, entry), { recursive: true });
      empty = true;
    }
    if (fresh || marker === undefined) writeFileSync(join(dir, markerFile), `${JSON.stringify(owner, null, 2)}\n`);
  } catch (error) {
    releaseLock(dir);
    throw error;
  }
  return {
    dir,
    dynamoPath: join(dir, dynamoFolder),
    empty,
    hmacKey: () => readOrCreateHmacKey(join(dir, hmacKeyFile)),
    release: () => releaseLock(dir),
  };
}

function readOrCreateHmacKey(path: string): string {
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  // 32 random bytes: 43 base64url characters, above the index's 32-character minimum.
  const key = randomBytes(32).toString("base64url");
  writeFileSync(path, `${key}\n`, { mode: 0o600, flag: "wx" });
  return key;
}

function readMarker(dir: string): Marker {
  try {
    return markerSchema.parse(JSON.parse(readFileSync(join(dir, markerFile), "utf8")));
  } catch (error) {
    throw stateError(`${join(dir, markerFile)} is unreadable; move the folder away or choose another --state`, error);
  }
}

/**
 * One run at a time: LevelDB allows a single process per store, and dynalite takes the whole process
 * down when its store is locked by another. A lock left by a run that died (its process is gone) is
 * taken over.
 */
function acquireLock(dir: string, lockExists: boolean): void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, lockFile);
  if (lockExists) {
    const pid = Number(readFileSync(path, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) {
      throw stateError(`${dir} is in use by another run (process ${pid}); wait for it or choose another --state`);
    }
    rmSync(path, { force: true });
  }
  try {
    writeFileSync(path, String(process.pid), { flag: "wx" });
  } catch (error) {
    throw stateError(`${dir} is in use by another run that started just now; try again`, error);
  }
}

function releaseLock(dir: string): void {
  rmSync(join(dir, lockFile), { force: true });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function stateError(message: string, cause?: unknown): ConfigError {
  return new ConfigError(ReasonCode.ConfigInvalid, "--state", message, cause === undefined ? {} : { cause });
}
