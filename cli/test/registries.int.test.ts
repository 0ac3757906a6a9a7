// `berth registries add/list/remove` against the running stack: the password goes in on stdin,
// is never printed back, and a developer is refused.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { call, signUp, type TestUser, teamWith } from "../../web/test/api.ts";
import { childEnv, stack } from "../../web/test/config.ts";
import { runBerth } from "./run-cli.ts";

const BIN = join(import.meta.dirname, "../bin/berth.js");
const scratch = mkdtempSync(join(tmpdir(), "berth-cli-registries-"));
let owner: TestUser;
let dev: TestUser;
let team: string;
const tokenFor = async (u: TestUser) => (await call("createToken", { cookie: u.cookie, body: { name: "cli", scopes: ["admin"] } })).body.secret as string;

async function berthWithStdin(args: string[], token: string, stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: scratch,
    env: { PATH: childEnv().PATH ?? "", HOME: scratch, BERTH_CONFIG: join(scratch, "config.json"), BERTH_URL: stack.webUrl, BERTH_TOKEN: token },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  child.stdin.end(stdin);
  const [code] = await once(child, "close");
  return { code: code as number | null, stdout, stderr };
}

before(async () => {
  owner = await signUp();
  dev = await signUp();
  team = await teamWith(owner, [{ user: dev, role: "developer" }]);
});
after(async () => {
  if (owner) await call("deleteTeam", { cookie: owner.cookie, params: { team } });
  rmSync(scratch, { recursive: true, force: true });
});

describe("berth registries", () => {
  it("adds a credential from stdin, lists it without the password, and removes it", async () => {
    const token = await tokenFor(owner);
    const secret = "s3cret-registry-password";
    const added = await berthWithStdin(["registries", "add", team, "ghcr.io", "-u", "octocat", "--password-stdin"], token, `${secret}\n`);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /Stored the credential of octocat for ghcr\.io/);
    const listed = await runBerth(scratch, ["registries", "list", team], token);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /ghcr\.io\s+octocat/);
    for (const out of [added, listed]) assert.ok(!`${out.stdout}${out.stderr}`.includes(secret), "the password is never printed");
    const removed = await runBerth(scratch, ["registries", "remove", team, "ghcr.io"], token);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match((await runBerth(scratch, ["registries", "list", team], token)).stdout, /No registry credentials/);
  });

  it("refuses a developer; nothing is stored", async () => {
    const refused = await berthWithStdin(["registries", "add", team, "ghcr.io", "-u", "x", "--password-stdin"], await tokenFor(dev), "p\n");
    assert.notEqual(refused.code, 0);
    assert.equal((await call("listRegistryCredentials", { cookie: owner.cookie, params: { team } })).body.registries.length, 0);
  });
});
