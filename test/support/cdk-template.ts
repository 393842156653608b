/**
 * Reading a synthesized CDK template in the stack tests: resources by logical id, and the IAM
 * statements a role ends up with.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { CfnElement, Stack } from "aws-cdk-lib";
import type { Template } from "aws-cdk-lib/assertions";
import { expect } from "vitest";

export type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Action: string | string[]; Effect: string; Resource: unknown };

const cdkRepoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Offline synth without esbuild: `createOrderSyncApp({ appProps: { context: skipBundling } })`. */
export const skipBundling = { "aws:cdk:bundling-stacks": [] };

export function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

export function only(template: Template, type: string, id: string): Resource {
  const resource = template.findResources(type)[id] as Resource | undefined;
  if (resource === undefined) throw new Error(`No ${type} ${id}`);
  return resource;
}

/** The statements of every policy attached to a role, as `{ actions (sorted), resource (JSON) }`. */
export function roleStatements(template: Template, roleId: string): { actions: string[]; resource: string }[] {
  const policies = Object.values(template.findResources("AWS::IAM::Policy")) as Resource[];
  return policies
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .map((statement) => {
      expect(statement.Effect).toBe("Allow");
      const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
      return { actions: [...actions].sort(), resource: JSON.stringify(statement.Resource) };
    });
}

/**
 * A config directory holding `cdk/config/<base>.json` edited by `edit`, under the name `name`; the
 * directory is added to `tempDirs` for the caller to remove.
 */
export function configDirWith(
  base: string,
  name: string,
  edit: (config: Record<string, unknown>) => void,
  tempDirs: string[],
): string {
  const dir = mkdtempSync(path.join(tmpdir(), "order-sync-cdk-"));
  tempDirs.push(dir);
  const config = JSON.parse(readFileSync(path.join(cdkRepoRoot, `cdk/config/${base}.json`), "utf8")) as Record<
    string,
    unknown
  >;
  edit(config);
  writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(config));
  return dir;
}
