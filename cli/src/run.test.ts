// The whole CLI in-process with a stand-in for the network: what it prints, what it saves and
// which code it exits with. The real API is exercised by cli/test/cli.int.test.ts.
import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import type { Environment } from "./config.ts";
import { readConfig, writeConfig } from "./config.ts";
import { run, VERSION } from "./run.ts";

const TOKEN = `berth_pat_${"c".repeat(40)}`;
const URL_ = "http://berth.localhost:8080";
const createdAt = "2025-11-23T09:00:00.000Z";
const me = {
  user: { id: "u1", email: "ann@example.test", name: "Ann", username: "ann", role: "user" },
  teams: [{ id: "t1", slug: "acme", name: "Acme", personal: false, role: "owner", createdAt }],
  via: "token",
  scopes: ["admin"],
};

type Answer = { status: number; body?: unknown };
/** Answers by `METHOD /path`; records what was asked. */
function api(routes: Record<string, Answer>) {
  const calls: { key: string; auth: string | undefined; body: unknown }[] = [];
  const fetch = (async (url: URL, init: RequestInit) => {
    const key = `${init.method} ${url.pathname}${url.search}`;
    const headers = init.headers as Record<string, string>;
    calls.push({ key, auth: headers.authorization, body: init.body ? JSON.parse(String(init.body)) : undefined });
    const a = routes[key] ?? { status: 404, body: { error: { code: "NOT_FOUND", message: `no route ${key}` } } };
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), { status: a.status });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

let dir: string;
let n = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "berth-cli-run-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function berth(line: string, opts: { fetch?: typeof fetch; stdin?: string; env?: Partial<Environment>; configPath?: string } = {}) {
  let stdout = "";
  let stderr = "";
  const env: Environment = { configPath: opts.configPath ?? join(dir, `c${n++}.json`), url: undefined, token: undefined, debug: false, ...opts.env };
  const code = await run(
    line.split(" ").filter(Boolean),
    {
      stdin: Readable.from(opts.stdin === undefined ? [] : [opts.stdin]),
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      fetch: opts.fetch ?? (() => assert.fail("no request expected")),
    },
    env,
  );
  return { code, stdout, stderr, configPath: env.configPath };
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe("berth (in-process)", () => {
  it("prints its version", async () => {
    const r = await berth("--version");
    assert.deepEqual([r.code, r.stdout], [0, `berth ${VERSION}\n`]);
  });

  it("lists the exit codes in --help", async () => {
    const r = await berth("--help");
    assert.equal(r.code, 0);
    for (const line of ["0  success", "2  usage error", "3  not logged in", "4  forbidden", "5  not found"]) assert.ok(r.stdout.includes(line), line);
  });

  it("reports a usage error on stderr with exit 2 and nothing on stdout", async () => {
    const r = await berth("teams create acme");
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, "error: missing --name\nhint: run `berth teams create --help`\n");
  });

  it("exits 3 without calling the API when nobody is logged in", async () => {
    const r = await berth("teams list");
    assert.equal(r.code, 3);
    assert.match(r.stderr, /^error: not logged in\n/);
  });

  it("logs in with a token piped on stdin, saves it 0600 and says as whom", async () => {
    const { fetch, calls } = api({ "GET /api/v1/me": { status: 200, body: me } });
    const r = await berth(`login ${URL_}/`, { fetch, stdin: `${TOKEN}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Logged in to ${URL_} as ann@example.test\n`);
    assert.equal(calls[0]?.auth, `Bearer ${TOKEN}`);
    assert.deepEqual(await readConfig(r.configPath), { url: URL_, token: TOKEN });
    assert.equal((await stat(r.configPath)).mode & 0o777, 0o600);
  });

  it("prefers --token, then BERTH_TOKEN, over stdin", async () => {
    const other = `berth_pat_${"d".repeat(40)}`;
    const a = api({ "GET /api/v1/me": { status: 200, body: me } });
    await berth(`login ${URL_} --token ${other}`, { fetch: a.fetch, stdin: TOKEN, env: { token: TOKEN } });
    assert.equal(a.calls[0]?.auth, `Bearer ${other}`);
    const b = api({ "GET /api/v1/me": { status: 200, body: me } });
    await berth(`login ${URL_}`, { fetch: b.fetch, stdin: other, env: { token: TOKEN } });
    assert.equal(b.calls[0]?.auth, `Bearer ${TOKEN}`);
  });

  it("refuses a token the server rejects, and saves nothing", async () => {
    const { fetch } = api({ "GET /api/v1/me": { status: 401, body: { error: { code: "UNAUTHENTICATED", message: "unknown access token" } } } });
    const r = await berth(`login ${URL_} --token ${TOKEN}`, { fetch });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /^error: http:\/\/berth\.localhost:8080 refused the token: unknown access token\nhint: nothing was saved/);
    assert.equal(await exists(r.configPath), false);
  });

  it("refuses a malformed token or none at all before asking the server", async () => {
    const bad = await berth(`login ${URL_} --token hunter2`);
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /not a Berth access token \(expected berth_pat_ followed by 40 letters and digits\)/);
    assert.equal(await exists(bad.configPath), false);
    const none = await berth(`login ${URL_}`, { stdin: "" });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no access token given/);
  });

  it("prints a table by default and the server's JSON with --json", async () => {
    const body = { teams: [...me.teams, { id: "t2", slug: "personal-ann", name: "Ann", personal: true, role: "owner", createdAt, extra: "kept" }] };
    const { fetch } = api({ "GET /api/v1/teams": { status: 200, body } });
    const configPath = join(dir, "logged-in.json");
    await writeConfig(configPath, { url: URL_, token: TOKEN });
    const table = await berth("teams list", { fetch, configPath });
    assert.equal(
      table.stdout,
      [
        "SLUG          NAME  ROLE   PERSONAL  CREATED",
        "acme          Acme  owner            2025-11-23 09:00Z",
        "personal-ann  Ann   owner  yes       2025-11-23 09:00Z",
        "",
      ].join("\n"),
    );
    const json = await berth("teams list --json", { fetch, configPath });
    assert.deepEqual(JSON.parse(json.stdout), body);
  });

  it("maps 403 and 404 to exits 4 and 5 with the API's message", async () => {
    const { fetch } = api({
      "GET /api/v1/teams/acme/audit?limit=3": {
        status: 403,
        body: { error: { code: "FORBIDDEN", message: "your role in acme (viewer) does not allow audit.read" } },
      },
    });
    const env = { url: URL_, token: TOKEN };
    const forbidden = await berth("audit acme --limit 3", { fetch, env });
    assert.deepEqual([forbidden.code, forbidden.stderr], [4, "error: your role in acme (viewer) does not allow audit.read\n"]);
    const missing = await berth("teams show nope", { fetch, env });
    assert.deepEqual([missing.code, missing.stderr], [5, "error: no route GET /api/v1/teams/nope\n"]);
  });

  it("tells how to recover from a rejected token, depending on where it came from", async () => {
    const { fetch } = api({ "GET /api/v1/me": { status: 401, body: { error: { code: "UNAUTHENTICATED", message: "this access token was revoked" } } } });
    const configPath = join(dir, "revoked.json");
    await writeConfig(configPath, { url: URL_, token: TOKEN });
    const saved = await berth("whoami", { fetch, configPath });
    assert.deepEqual([saved.code, saved.stderr], [3, `error: this access token was revoked\nhint: log in again with a valid token: berth login ${URL_}\n`]);
    const fromEnv = await berth("whoami", { fetch, configPath, env: { token: TOKEN } });
    assert.match(fromEnv.stderr, /hint: the token comes from BERTH_TOKEN/);
  });

  it("creates a token with deduplicated scopes and shows its secret once, with a warning", async () => {
    const secret = `berth_pat_${"e".repeat(40)}`;
    const token = { id: "k1", name: "ci", prefix: "berth_pat_eeee", scopes: ["admin"], expiresAt: null, lastUsedAt: null, revokedAt: null, createdAt };
    const { fetch, calls } = api({ "POST /api/v1/tokens": { status: 201, body: { token, secret } } });
    const r = await berth("tokens create --name ci --scope admin --scope admin --no-expiry", { fetch, env: { url: URL_, token: TOKEN } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(calls[0]?.body, { name: "ci", scopes: ["admin"], expiresInDays: null });
    assert.match(r.stdout, /shown only this once/);
    assert.equal(r.stdout.split(secret).length, 2, "the secret appears exactly once");
    const both = await berth("tokens create --name ci --scope admin --no-expiry --expires-in-days 3", { env: { url: URL_, token: TOKEN } });
    assert.equal(both.code, 2);
  });

  it("resolves a member named by email to the user id", async () => {
    const member = { userId: "u2", email: "bob@example.test", name: "Bob", username: null, role: "developer", joinedAt: createdAt };
    const { fetch, calls } = api({
      "GET /api/v1/teams/acme/members": { status: 200, body: { members: [member] } },
      "PATCH /api/v1/teams/acme/members/u2": { status: 200, body: { ...member, role: "admin" } },
    });
    const r = await berth("members set-role acme Bob@Example.test admin", { fetch, env: { url: URL_, token: TOKEN } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(calls[1]?.body, { role: "admin" });
    assert.equal(r.stdout, "bob@example.test is now admin of acme.\n");
    const nobody = await berth("members remove acme carl@example.test", { fetch, env: { url: URL_, token: TOKEN } });
    assert.deepEqual([nobody.code, nobody.stderr], [5, "error: carl@example.test is not a member of acme\n"]);
  });
});
