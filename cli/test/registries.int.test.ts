// `berth registries add/list/remove` against the running stack (and a registry on 127.0.0.1 that asks
// for a login, which Berth tries before storing a credential): the password goes in on stdin, is
// never printed back, a wrong one is refused, and a developer is refused.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { call, signUp, type TestUser, teamWith } from "../../web/test/api.ts";
import { childEnv, stack } from "../../web/test/config.ts";
import { type LoginRegistry, loginRegistry } from "../../web/test/login-registry.ts";
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

let reg: LoginRegistry;

before(async () => {
  owner = await signUp();
  dev = await signUp();
  team = await teamWith(owner, [{ user: dev, role: "developer" }]);
  reg = await loginRegistry();
});
after(async () => {
  if (owner) await call("deleteTeam", { cookie: owner.cookie, params: { team } });
  await reg?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe("berth registries", () => {
  it("refuses a credential the registry does not accept (Berth logs in first), without printing the password; nothing is stored", async () => {
    const token = await tokenFor(owner);
    const wrong = "s3cret-wrong-password";
    const refused = await berthWithStdin(["registries", "add", team, reg.host, "-u", reg.username, "--password-stdin"], token, `${wrong}\n`);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, new RegExp(`login to ${reg.host.replace(/\./g, "\\.")} failed: check the username and password`, "i"));
    assert.ok(!`${refused.stdout}${refused.stderr}`.includes(wrong), "the password is never printed");
    assert.equal((await call("listRegistryCredentials", { cookie: owner.cookie, params: { team } })).body.registries.length, 0);
  });

  it("adds a credential from stdin, lists it without the password, and removes it", async () => {
    const token = await tokenFor(owner);
    const secret = reg.password;
    const added = await berthWithStdin(["registries", "add", team, reg.host, "-u", reg.username, "--password-stdin"], token, `${secret}\n`);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, new RegExp(`Logged in to ${reg.host.replace(/\./g, "\\.")}: stored the credential of ${reg.username}`));
    const listed = await runBerth(scratch, ["registries", "list", team], token);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${reg.host.replace(/\./g, "\\.")}\\s+${reg.username}\\s+${owner.username}`));
    for (const out of [added, listed]) assert.ok(!`${out.stdout}${out.stderr}`.includes(secret), "the password is never printed");
    const removed = await runBerth(scratch, ["registries", "remove", team, reg.host], token);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match((await runBerth(scratch, ["registries", "list", team], token)).stdout, /No registry credentials/);
  });

  it("refuses a developer; nothing is stored", async () => {
    const refused = await berthWithStdin(["registries", "add", team, "ghcr.io", "-u", "x", "--password-stdin"], await tokenFor(dev), "p\n");
    assert.notEqual(refused.code, 0);
    assert.equal((await call("listRegistryCredentials", { cookie: owner.cookie, params: { team } })).body.registries.length, 0);
  });
});
