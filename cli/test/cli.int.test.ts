// The real `berth` executable, run as a child process from a scratch directory against the
// running stack. Each test has its own config file; teams and tokens made here are removed after.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const need = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run integration tests through \`npm test\``);
  return v;
};

const WEB = `http://127.0.0.1:${process.env.BERTH_WEB_PORT ?? "3000"}`;
const ADMIN_EMAIL = process.env.BERTH_ADMIN_EMAIL ?? "admin@berth.localhost";
const ADMIN_PASSWORD = need("BERTH_ADMIN_PASSWORD");
const BIN = fileURLToPath(new URL("../bin/berth.js", import.meta.url));

const rand = () => randomBytes(4).toString("hex");
const fakeIp = () => `10.${[...randomBytes(3)].join(".")}`;
const SECRET = /berth_pat_[A-Za-z0-9]{40}/;

let scratch: string;
let cookie: string;
/** An admin-scoped token of the instance admin, made through the API for these tests. */
let adminToken: { id: string; secret: string };
const teams: string[] = [];
const tokenIds: string[] = [];

type Result = { code: number | null; stdout: string; stderr: string };

/** Runs `berth <args>` with its own config file and HOME, from the scratch directory. */
async function berth(args: string[], opts: { config: string; stdin?: string; env?: Record<string, string> }): Promise<Result> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: scratch,
    env: { PATH: process.env.PATH ?? "", HOME: scratch, BERTH_CONFIG: opts.config, ...opts.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  child.stdin.end(opts.stdin ?? "");
  const [code] = (await once(child, "close")) as [number | null];
  return { code, stdout, stderr };
}

/** A config path of its own for one test, and a login saved in it. */
async function loggedIn(token = adminToken.secret): Promise<string> {
  const config = join(scratch, `config-${rand()}.json`);
  const r = await berth(["login", WEB], { config, stdin: `${token}\n` });
  assert.equal(r.code, 0, r.stderr);
  return config;
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(WEB + path, {
    method,
    headers: { cookie, "x-forwarded-for": fakeIp(), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), "berth-cli-int-"));
  const res = await fetch(`${WEB}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: WEB, "x-forwarded-for": fakeIp() },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  assert.equal(res.status, 200, `sign-in as ${ADMIN_EMAIL}: ${await res.text()}`);
  cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const created = await api("POST", "/api/v1/tokens", { name: `cli-int-${rand()}`, scopes: ["admin"], expiresInDays: 1 });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const { token, secret } = created.body as { token: { id: string }; secret: string };
  adminToken = { id: token.id, secret };
  tokenIds.push(token.id);
});

after(async () => {
  for (const slug of teams) await api("DELETE", `/api/v1/teams/${slug}`).catch(() => {});
  for (const id of tokenIds) await api("DELETE", `/api/v1/tokens/${id}`).catch(() => {});
  await rm(scratch, { recursive: true, force: true });
});

describe("berth CLI against the running stack", () => {
  it("logs in with a token piped on stdin, saves it mode 600, and whoami names the admin", async () => {
    const config = join(scratch, `config-${rand()}.json`);
    const login = await berth(["login", `${WEB}/`], { config, stdin: `${adminToken.secret}\n` });
    assert.equal(login.code, 0, login.stderr);
    assert.equal(login.stdout, `Logged in to ${WEB} as ${ADMIN_EMAIL}\n`);
    assert.equal((await stat(config)).mode & 0o777, 0o600);

    const who = await berth(["whoami"], { config });
    assert.equal(who.code, 0, who.stderr);
    assert.match(who.stdout, new RegExp(`User:\\s+${ADMIN_EMAIL.replace(/\./g, "\\.")} \\(.*\\), instance admin`));
    assert.match(who.stdout, /Via:\s+access token with scopes admin/);
    const json = await berth(["whoami", "--json"], { config });
    const me = JSON.parse(json.stdout) as { user: { email: string }; via: string };
    assert.deepEqual([me.user.email, me.via], [ADMIN_EMAIL, "token"]);
  });

  it("refuses a token the server does not know, and saves nothing", async () => {
    const config = join(scratch, `config-${rand()}.json`);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const bogus = `berth_pat_${Array.from(randomBytes(40), (b) => alphabet[b % 62]).join("")}`;
    const r = await berth(["login", WEB, "--token", bogus], { config });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /^error: http:\/\/127\.0\.0\.1:\d+ refused the token: unknown access token\n/);
    await assert.rejects(stat(config), { code: "ENOENT" });
  });

  it("creates a team and lists it, as a table and as JSON", async () => {
    const config = await loggedIn();
    const slug = `cli-${rand()}`;
    teams.push(slug);
    const created = await berth(["teams", "create", slug, "--name", "CLI Test Team"], { config });
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, `Created team ${slug} ("CLI Test Team"); you are its owner.\n`);

    const table = await berth(["teams", "list"], { config });
    assert.equal(table.code, 0, table.stderr);
    const [header, ...rows] = table.stdout.trimEnd().split("\n");
    assert.match(header ?? "", /^SLUG\s+NAME\s+ROLE\s+PERSONAL\s+CREATED$/);
    const row = rows.find((r) => r.startsWith(`${slug} `));
    assert.ok(row, `a row for ${slug} in:\n${table.stdout}`);
    assert.match(row, new RegExp(`^${slug}\\s+CLI Test Team\\s+owner\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\dZ$`));
    // Columns line up: every row starts its NAME where the header does.
    const nameAt = header?.indexOf("NAME");
    for (const r of rows) assert.equal(r.charAt((nameAt ?? 0) - 1), " ");

    const json = await berth(["teams", "list", "--json"], { config });
    assert.equal(json.code, 0, json.stderr);
    const listed = (JSON.parse(json.stdout) as { teams: { slug: string; name: string; role: string }[] }).teams.find((t) => t.slug === slug);
    assert.deepEqual(listed && { name: listed.name, role: listed.role }, { name: "CLI Test Team", role: "owner" });
  });

  it("lists a team's members with its owner", async () => {
    const config = await loggedIn();
    const slug = `cli-${rand()}`;
    teams.push(slug);
    assert.equal((await berth(["teams", "create", slug, "--name", "Members"], { config })).code, 0);
    const r = await berth(["members", "list", slug], { config });
    assert.equal(r.code, 0, r.stderr);
    const [header, ...rows] = r.stdout.trimEnd().split("\n");
    assert.match(header ?? "", /^USER ID\s+EMAIL\s+NAME\s+USERNAME\s+ROLE\s+JOINED$/);
    assert.equal(rows.length, 1);
    assert.match(rows[0] ?? "", new RegExp(`\\s${ADMIN_EMAIL.replace(/\./g, "\\.")}\\s.*\\sowner\\s`));
    const json = JSON.parse((await berth(["members", "list", slug, "--json"], { config })).stdout) as { members: { email: string; role: string }[] };
    assert.deepEqual(
      json.members.map((m) => [m.email, m.role]),
      [[ADMIN_EMAIL, "owner"]],
    );
  });

  it("creates a token that works for whoami until it is revoked, then whoami exits 3", async () => {
    const config = await loggedIn();
    const name = `cli-made-${rand()}`;
    const created = await berth(["tokens", "create", "--name", name, "--scope", "admin", "--expires-in-days", "1"], { config });
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /shown only this once/);
    const secret = created.stdout.match(SECRET)?.[0];
    assert.ok(secret, `a secret in:\n${created.stdout}`);
    const tokens = JSON.parse((await berth(["tokens", "list", "--json"], { config })).stdout) as { tokens: { id: string; name: string }[] };
    const id = tokens.tokens.find((t) => t.name === name)?.id;
    assert.ok(id, "the new token is listed");
    tokenIds.push(id);
    assert.ok(!JSON.stringify(tokens).includes(secret), "the list never shows the secret");

    const other = await loggedIn(secret);
    const works = await berth(["whoami"], { config: other });
    assert.equal(works.code, 0, works.stderr);
    assert.match(works.stdout, new RegExp(ADMIN_EMAIL.replace(/\./g, "\\.")));

    const revoked = await berth(["tokens", "revoke", id], { config });
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(revoked.stdout, `Revoked token ${id}.\n`);

    const refused = await berth(["whoami"], { config: other });
    assert.equal(refused.code, 3);
    assert.equal(refused.stdout, "");
    assert.match(refused.stderr, /^error: this access token was revoked\nhint: log in again with a valid token: berth login http:\/\/127\.0\.0\.1:\d+\n$/);
  });

  it("exits 4 when the token lacks the scope, naming the scope", async () => {
    const config = await loggedIn();
    const created = await berth(["tokens", "create", "--name", `cli-ro-${rand()}`, "--scope", "registry:read", "--expires-in-days", "1", "--json"], { config });
    assert.equal(created.code, 0, created.stderr);
    const { token, secret } = JSON.parse(created.stdout) as { token: { id: string }; secret: string };
    tokenIds.push(token.id);
    const r = await berth(["teams", "list"], { config: join(scratch, "unused.json"), env: { BERTH_URL: WEB, BERTH_TOKEN: secret } });
    assert.equal(r.code, 4);
    assert.equal(r.stderr, 'error: this access token lacks the "admin" scope\n');
  });

  it("exits 5 for a team that does not exist", async () => {
    const config = await loggedIn();
    const slug = `nope-${rand()}`;
    const r = await berth(["teams", "show", slug], { config });
    assert.equal(r.code, 5);
    assert.equal(r.stderr, `error: team "${slug}" not found\n`);
  });

  it("exits 2 on a usage error, before calling the API", async () => {
    const config = join(scratch, "never-written.json");
    const missing = await berth(["teams", "create", "some-team"], { config });
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, "error: missing --name\nhint: run `berth teams create --help`\n");
    const unknown = await berth(["teams", "frobnicate"], { config });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^error: unknown command "teams frobnicate"/);
    const help = await berth(["--help"], { config });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Exit codes:/);
  });

  it("exits 3 when not logged in, and 1 naming the URL it cannot reach", async () => {
    const config = join(scratch, `config-${rand()}.json`);
    const out = await berth(["teams", "list"], { config });
    assert.equal(out.code, 3);
    assert.match(out.stderr, /^error: not logged in\n/);

    const server = createServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    server.close();
    await once(server, "close");
    const down = await berth(["whoami"], { config, env: { BERTH_URL: `http://127.0.0.1:${port}`, BERTH_TOKEN: adminToken.secret } });
    assert.equal(down.code, 1);
    assert.equal(down.stderr, `error: could not reach http://127.0.0.1:${port}: connection refused (is Berth running there?)\n`);
  });

  it("renames and deletes a team, which then is not found", async () => {
    const config = await loggedIn();
    const slug = `cli-${rand()}`;
    teams.push(slug);
    assert.equal((await berth(["teams", "create", slug, "--name", "Before"], { config })).code, 0);
    const renamed = await berth(["teams", "rename", slug, "--name", "After"], { config });
    assert.equal(renamed.stdout, `Renamed team ${slug} to "After".\n`);
    const unconfirmed = await berth(["teams", "delete", slug], { config });
    assert.equal(unconfirmed.code, 2);
    assert.equal((await berth(["teams", "show", slug], { config })).code, 0, "still there without --yes");
    const deleted = await berth(["teams", "delete", slug, "--yes"], { config });
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal((await berth(["teams", "show", slug], { config })).code, 5);
  });
});
