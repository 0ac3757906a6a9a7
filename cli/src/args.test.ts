import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { closest, parseCommandLine } from "./args.ts";
import { COMMANDS } from "./commands/index.ts";
import { EXIT, UsageError } from "./errors.ts";

const parse = (line: string) => parseCommandLine(line.split(" ").filter(Boolean), COMMANDS);

const run = (line: string) => {
  const p = parse(line);
  assert.equal(p.kind, "run", `${line} should run a command`);
  return p as Extract<typeof p, { kind: "run" }>;
};

const usageError = (line: string, message: RegExp) =>
  assert.throws(
    () => parse(line),
    (err: unknown) => err instanceof UsageError && err.exitCode === EXIT.usage && message.test(err.message),
    `${line} should be a usage error matching ${message}`,
  );

describe("parseCommandLine", () => {
  it("finds a two-word command and names its positional arguments", () => {
    const p = run("members set-role acme u_1 admin");
    assert.deepEqual(p.command.path, ["members", "set-role"]);
    assert.deepEqual(p.args, { team: "acme", member: "u_1", role: "admin" });
  });

  it("finds a one-word command and leaves the next word as its argument", () => {
    const p = run("audit acme --limit 5");
    assert.deepEqual(p.command.path, ["audit"]);
    assert.deepEqual(p.args, { team: "acme" });
    assert.equal(p.flags.limit, 5);
  });

  it("accepts options before, between and after the command words", () => {
    for (const line of ["--json teams list", "teams --json list", "teams list --json"]) {
      const p = run(line);
      assert.deepEqual(p.command.path, ["teams", "list"]);
      assert.equal(p.json, true);
    }
    assert.deepEqual(run("teams create --name Acme acme").args, { slug: "acme" });
  });

  it("types flags: repeated lists, numbers, booleans defaulting to false, --opt=value", () => {
    const p = run("tokens create --name=ci --scope admin --scope registry:read --expires-in-days 30");
    assert.deepEqual(p.flags, { name: "ci", scope: ["admin", "registry:read"], "expires-in-days": 30, "no-expiry": false });
    assert.equal(run("teams list").json, false);
  });

  it("prefers the longer command when one command's words start another's", () => {
    assert.deepEqual(run("hosts").command.path, ["hosts"]);
    const p = run("hosts drain h1");
    assert.deepEqual([p.command.path, p.args], [["hosts", "drain"], { host: "h1" }]);
  });

  it("collects further positionals for commands that take them, and everything after --", () => {
    const env = run("env acme/web set A=1 B=2 --secret");
    assert.deepEqual([env.args, env.rest, env.flags.secret], [{ "team/app": "acme/web" }, ["set", "A=1", "B=2"], true]);
    const r = parseCommandLine(["run", "acme/web", "--timeout", "5", "--", "ls", "-la", "--json"], COMMANDS);
    assert.equal(r.kind, "run");
    if (r.kind === "run") assert.deepEqual([r.rest, r.flags.timeout, r.json], [["ls", "-la", "--json"], 5, false]);
    usageError("teams show acme extra", /unexpected argument "extra"/);
  });

  it("keeps a value that starts with a dash after --", () => {
    assert.deepEqual(run("teams show -- -odd").args, { team: "-odd" });
  });

  it("answers --help for the top level, a group and a command, and --version", () => {
    assert.deepEqual(parse("--help"), { kind: "help", topic: [] });
    assert.deepEqual(parse("-h"), { kind: "help", topic: [] });
    assert.deepEqual(parse("teams --help"), { kind: "help", topic: ["teams"] });
    assert.deepEqual(parse("teams create --help"), { kind: "help", topic: ["teams", "create"] });
    assert.deepEqual(parse("teams create -h"), { kind: "help", topic: ["teams", "create"] });
    assert.deepEqual(parse("help tokens create"), { kind: "help", topic: ["tokens", "create"] });
    assert.deepEqual(parse("--version"), { kind: "version" });
  });

  it("shows help with an error when the command is missing", () => {
    assert.deepEqual(parse(""), { kind: "help", topic: [], error: "missing command" });
    assert.deepEqual(parse("teams"), { kind: "help", topic: ["teams"], error: 'missing command after "berth teams"' });
  });

  it("refuses unknown commands and suggests a close one", () => {
    usageError("frobnicate", /unknown command "frobnicate"/);
    usageError("help frobnicate", /unknown command "frobnicate"/);
    assert.throws(
      () => parse("tems list"),
      (err: unknown) => err instanceof UsageError && err.hint === 'did you mean "berth teams"?',
    );
    assert.throws(
      () => parse("teams lsit"),
      (err: unknown) => err instanceof UsageError && err.hint === 'did you mean "berth teams list"?',
    );
  });

  it("refuses unknown options, options without their value, and values on booleans", () => {
    usageError("teams list --bogus", /^unknown option --bogus$/);
    usageError("--bogus", /^unknown option --bogus$/);
    usageError("teams create acme --name", /^--name needs a value$/);
    usageError("teams list --json=yes", /^--json does not take a value$/);
  });

  it("refuses missing and extra positional arguments", () => {
    usageError("teams show", /^missing <team>$/);
    usageError("members remove acme", /^missing <member>$/);
    usageError("teams show acme extra", /^unexpected argument "extra"$/);
  });

  it("enforces required options, confirmations, choices and whole numbers", () => {
    usageError("teams create acme", /^missing --name$/);
    usageError("tokens create --name ci", /^missing --scope$/);
    usageError("teams delete acme", /add --yes to confirm/);
    assert.equal(run("teams delete acme --yes").flags.yes, true);
    usageError("tokens create --name ci --scope root", /--scope must be one of registry:read, registry:write, apps:deploy, admin/);
    usageError("invitations create acme --role king", /--role must be one of owner, admin, developer, viewer/);
    usageError("audit acme --limit ten", /--limit must be a whole number/);
    usageError("audit acme --limit -3", /--limit needs a value/);
  });
});

describe("closest", () => {
  it("suggests within two edits and nothing beyond", () => {
    assert.equal(closest("tokne", ["teams", "tokens"]), "tokens");
    assert.equal(closest("whoamii", ["whoami", "hosts"]), "whoami");
    assert.equal(closest("zzzzzz", ["teams", "tokens"]), undefined);
  });
});
