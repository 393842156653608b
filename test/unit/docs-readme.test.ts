/**
 * Issue 7: the README stays true to the code. The set-up block is exactly `npm start` and `npm test`;
 * every `npm run <script>` exists; every option shown for `npm start`, `npm run replay`,
 * `npm run status` and `npm run index` is one the command's usage text offers; every reason code and DLQ attribute is in
 * the runbook; every environment variable documented is read somewhere; links resolve; and examples
 * carry no personal-looking data. The sample output of `npm start` is checked against a real run in
 * test/integration/start-cli.test.ts.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DlqAttribute } from "../../lib/dlq/attributes.ts";
import { ReasonCode } from "../../lib/errors.ts";
import { maxBodyBytes } from "../../lib/order/parse-message.ts";
import { indexUsage } from "../../local/index-cli.ts";
import { replayUsage } from "../../local/replay-cli.ts";
import { sqsMaxMessageBytes } from "../../local/sqs-admission.ts";
import { runStart } from "../../local/start.ts";
import { statusUsage } from "../../local/status-cli.ts";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const read = (relative: string) => readFileSync(path.join(repoRoot, relative), "utf8");

const readme = read("README.md");
const documents: Record<string, string> = {
  "README.md": readme,
  ...Object.fromEntries(
    readdirSync(path.join(repoRoot, "docs"))
      .filter((file) => file.endsWith(".md"))
      .map((file) => [`docs/${file}`, read(`docs/${file}`)]),
  ),
};
const allText = Object.values(documents).join("\n");

/** The text under a `## heading` up to the next `## ` heading. */
function section(markdown: string, heading: string): string {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`);
  if (start === -1) throw new Error(`No section "## ${heading}"`);
  const end = lines.findIndex((line, index) => index > start && line.startsWith("## "));
  return lines.slice(start + 1, end === -1 ? undefined : end).join("\n");
}

function codeBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```[\w-]*\n([\s\S]*?)^```/gm)].map((match) => match[1] ?? "");
}

/** `--flags` of a command line (after npm's own `--`), up to the end of its code span or line. */
function flagsOfCommand(markdown: string, command: RegExp): string[] {
  const pattern = new RegExp(`${command.source}(?: --silent)? -- ([^\`\\n]*)`, "g");
  return [...markdown.matchAll(pattern)].flatMap((match) => flags(match[1] ?? ""));
}

/** `--flags` in the first cell of table rows such as "| `--orders <file>` | … |". */
function flagsOfOptionTable(markdown: string): string[] {
  return markdown
    .split("\n")
    .filter((line) => line.startsWith("| `-"))
    .flatMap((line) => flags(line.split("|")[1] ?? ""));
}

const flags = (text: string) => text.match(/--[a-z][a-z-]*/g) ?? [];

/** Rows of Markdown tables whose first cell is code: the code spans of that cell. */
function firstCellCodes(markdown: string): string[] {
  return markdown
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .flatMap((line) => [...(line.split("|")[1] ?? "").matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? ""));
}

async function startUsage(): Promise<string> {
  let out = "";
  const code = await runStart(["--help"], {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: () => true },
    env: {},
  });
  expect(code).toBe(0);
  return out;
}

function sourceText(): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (full.endsWith(".ts")) files.push(full);
    }
  };
  for (const dir of ["lib", "functions", "local", "cdk"]) walk(path.join(repoRoot, dir));
  return files.map((file) => readFileSync(file, "utf8")).join("\n");
}

describe("README set-up", () => {
  it("is one code block of exactly `npm start` and `npm test`, after `npm ci`", () => {
    // Prepare
    const getStarted = section(readme, "Get started");

    // Act
    const blocks = codeBlocks(getStarted);
    const beforeBlock = getStarted.slice(0, getStarted.indexOf("```"));

    // Assess
    expect(blocks.length).toBeGreaterThan(0);
    const lines = (blocks[0] ?? "")
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    expect(lines).toEqual(["npm start", "npm test"]);
    expect(beforeBlock).toContain("`npm ci`");
  });
});

describe("commands in the docs", () => {
  it("name only scripts that package.json defines", () => {
    // Prepare
    const scripts = Object.keys((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts);

    // Act
    const used = [...new Set([...allText.matchAll(/\bnpm run ([a-z][\w:-]*)/g)].map((match) => match[1] ?? ""))];

    // Assess
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((name) => !scripts.includes(name))).toEqual([]);
    expect(scripts).toEqual(expect.arrayContaining(["start", "test"]));
  });

  it("show only `npm start` options that local/start.ts accepts", async () => {
    // Prepare
    const accepted = new Set(flags(await startUsage()));

    // Act
    const shown = [
      ...flagsOfCommand(allText, /npm start/),
      ...flagsOfOptionTable(section(readme, "`npm start` options")),
    ];

    // Assess
    expect(shown).toEqual(expect.arrayContaining(["--orders", "--config", "--json", "--dry-run"]));
    expect(shown.filter((flag) => !accepted.has(flag))).toEqual([]);
  });

  it("show only replay and status options that their CLIs accept", () => {
    // Prepare
    const replayAccepted = new Set(flags(replayUsage));
    const statusAccepted = new Set(flags(statusUsage));

    // Act
    const replayShown = [
      ...flagsOfCommand(allText, /npm run replay/),
      ...flagsOfOptionTable(section(readme, "Replay and status")),
    ];
    const statusShown = flagsOfCommand(allText, /npm run status/);

    // Assess
    expect(replayShown).toEqual(expect.arrayContaining(["--order", "--reason", "--dry-run"]));
    expect(replayShown.filter((flag) => !replayAccepted.has(flag))).toEqual([]);
    expect(statusShown).toEqual(expect.arrayContaining(["--failed"]));
    expect(statusShown.filter((flag) => !statusAccepted.has(flag))).toEqual([]);
  });

  it("show only `npm run index` options that its CLI accepts", () => {
    // Prepare
    const accepted = new Set(flags(indexUsage));

    // Act
    const shown = flagsOfCommand(allText, /npm run index/);

    // Assess
    expect(shown).toEqual(expect.arrayContaining(["--status", "--rebuild"]));
    expect(shown.filter((flag) => !accepted.has(flag))).toEqual([]);
  });
});

describe("figures in the README", () => {
  it("state the size limits the code enforces", () => {
    // Prepare
    const sizes = readme.split("\n- **Sizes**")[1]?.split("\n- ")[0] ?? "";
    const schema = JSON.parse(read("docs/order-event.schema.json")) as {
      properties: { lines: { maxItems: number } };
    };

    // Act + Assess
    expect(sizes).toContain(`at most ${schema.properties.lines.maxItems} lines per order`);
    expect(sizes).toContain(`a ${maxBodyBytes / 1024} KiB message body`);
    expect(sizes).toContain(`SQS itself refuses bodies over ${sqsMaxMessageBytes / 1024 / 1024} MiB`);
  });
});

describe("runbook", () => {
  it("explains every reason code, and only real ones", () => {
    // Act
    const documented = firstCellCodes(section(readme, "Operations runbook")).filter((code) => /^[A-Z_]+$/.test(code));

    // Assess
    expect([...documented].sort()).toEqual(Object.values(ReasonCode).sort());
  });

  it("explains every DLQ attribute the worker writes", () => {
    // Act
    const documented = new Set(firstCellCodes(section(readme, "Operations runbook")));

    // Assess
    expect(Object.values(DlqAttribute).filter((name) => !documented.has(name))).toEqual([]);
  });
});

describe("environment variables in docs/configuration.md", () => {
  it("are each read somewhere in lib/, functions/, local/ or cdk/", () => {
    // Prepare
    const source = sourceText();

    // Act
    const documented = firstCellCodes(section(read("docs/configuration.md"), "Environment variables")).filter((name) =>
      /^[A-Z][A-Z0-9_]+$/.test(name),
    );

    // Assess
    expect(documented).toEqual(expect.arrayContaining(["SYNC_CONFIG_FILE", "ST_SECRET_NAME", "DLQ_URL"]));
    expect(documented.filter((name) => !source.includes(name))).toEqual([]);
  });
});

describe("links and examples", () => {
  it("link only to files that exist and headings that exist", () => {
    // Prepare
    const broken: string[] = [];

    // Act
    for (const [file, markdown] of Object.entries(documents)) {
      const headings = new Set(
        [...markdown.matchAll(/^#+ (.+)$/gm)].map((match) =>
          (match[1] ?? "")
            .toLowerCase()
            .replace(/[^a-z0-9 _-]/g, "")
            .replace(/ /g, "-"),
        ),
      );
      for (const match of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = match[1] ?? "";
        if (/^[a-z]+:/.test(target)) continue;
        const [filePart, anchor] = target.split("#");
        if (filePart === "" || filePart === undefined) {
          if (anchor !== undefined && !headings.has(anchor)) broken.push(`${file}: ${target}`);
          continue;
        }
        const resolved = path.resolve(repoRoot, path.dirname(file), filePart);
        if (!resolved.startsWith(repoRoot) || !statSync(resolved, { throwIfNoEntry: false })) {
          broken.push(`${file}: ${target}`);
        }
      }
    }

    // Assess
    expect(broken).toEqual([]);
  });

  it("use only example e-mail domains and 555-01xx phone numbers", () => {
    // Act
    const emails = allText.match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g) ?? [];
    const phones = allText.match(/\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b/g) ?? [];

    // Assess
    expect(emails.filter((email) => !/@example\.(com|test)$/.test(email))).toEqual([]);
    expect(phones.filter((phone) => !/555\D*01\d\d$/.test(phone))).toEqual([]);
  });
});
