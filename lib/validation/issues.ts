/**
 * zod issues as text that is safe to put in errors, DLQ attributes and logs: field paths
 * (`lines.0.unitPrice`, `$` for the root) and zod's own messages, which state what was expected,
 * never the value received. Every boundary (order body, mapping config, environment, secret,
 * ledger items, ServiceTitan requests and replies, CLI and Lambda payloads) reports through here,
 * so a path reads the same wherever it shows up.
 */
import type { z } from "zod";

type Issue = z.core.$ZodIssue;

/** Issues reported per failure: enough to fix a message, bounded for DLQ attributes and log lines. */
export const maxReportedIssues = 20;

/** `["lines", 0, "unitPrice"]` → `lines.0.unitPrice`; the root is `$`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "$" : path.map(String).join(".");
}

/**
 * The paths an issue is about: its own, or for unknown keys the path of each key (a typo in a
 * config key is then named as written).
 */
function pathsOf(issue: Issue): string[] {
  if (issue.code === "unrecognized_keys" && issue.keys.length > 0) {
    return issue.keys.map((key) => formatIssuePath([...issue.path, key]));
  }
  return [formatIssuePath(issue.path)];
}

/** Field paths of the issues, deduplicated, at most `maxReportedIssues`. */
export function issuePaths(issues: readonly Issue[]): string[] {
  return [...new Set(issues.flatMap(pathsOf))].slice(0, maxReportedIssues);
}

export interface IssueDescription {
  path: string;
  message: string;
}

/** Each issue's path and message (`unknown key` for unrecognised keys), at most `maxReportedIssues`. */
export function describeIssues(issues: readonly Issue[]): IssueDescription[] {
  return issues
    .flatMap((issue) =>
      issue.code === "unrecognized_keys"
        ? pathsOf(issue).map((path) => ({ path, message: "unknown key" }))
        : [{ path: formatIssuePath(issue.path), message: issue.message }],
    )
    .slice(0, maxReportedIssues);
}

/** `path: message; path: message`, for an error message. */
export function formatIssues(issues: readonly Issue[]): string {
  return describeIssues(issues)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join("; ");
}
