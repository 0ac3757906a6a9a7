import assert from "node:assert/strict";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { credentials, deleteConfig, environment, readConfig, writeConfig } from "./config.ts";
import { CliError, EXIT } from "./errors.ts";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "berth-cli-config-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;
const login = { url: "http://localhost:8080", token: `berth_pat_${"a".repeat(40)}` };

describe("config file", () => {
  it("is written readable by its owner only, in a new directory only its owner can enter", async () => {
    const path = join(dir, "new", "berth", "config.json");
    await writeConfig(path, login);
    assert.equal(await mode(path), 0o600);
    assert.equal(await mode(join(dir, "new", "berth")), 0o700);
    assert.deepEqual(JSON.parse(await readFile(path, "utf8")), login);
  });

  it("tightens an existing file that others could read", async () => {
    const path = join(dir, "loose.json");
    await writeFile(path, "{}", { mode: 0o644 });
    await chmod(path, 0o644);
    await writeConfig(path, login);
    assert.equal(await mode(path), 0o600);
  });

  it("reads back what was written, and null when there is no file", async () => {
    const path = join(dir, "roundtrip.json");
    await writeConfig(path, login);
    assert.deepEqual(await readConfig(path), login);
    assert.equal(await readConfig(join(dir, "absent.json")), null);
  });

  it("warns when the saved token is readable by other users", async () => {
    const path = join(dir, "warn.json");
    await writeConfig(path, login);
    await chmod(path, 0o640);
    const warnings: string[] = [];
    await readConfig(path, (m) => warnings.push(m));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? "", /readable by other users \(mode 640\); run: chmod 600/);
  });

  it("refuses a broken file with a way out", async () => {
    const path = join(dir, "broken.json");
    await writeFile(path, "{not json", { mode: 0o600 });
    await assert.rejects(readConfig(path), (e: unknown) => e instanceof CliError && /not valid JSON/.test(e.message) && /berth login/.test(e.hint ?? ""));
    await writeFile(path, '{"url": 1}', { mode: 0o600 });
    await assert.rejects(readConfig(path), /does not hold a url and a token/);
  });

  it("is deleted by logout, which is fine with no file", async () => {
    const path = join(dir, "gone.json");
    await writeConfig(path, login);
    assert.equal(await deleteConfig(path), true);
    assert.equal(await deleteConfig(path), false);
  });
});

describe("environment", () => {
  it("defaults to ~/.config/berth/config.json and honours XDG_CONFIG_HOME and BERTH_CONFIG", () => {
    assert.equal(environment({ HOME: "/home/ann" }).configPath, "/home/ann/.config/berth/config.json");
    assert.equal(environment({ HOME: "/home/ann", XDG_CONFIG_HOME: "/x" }).configPath, "/x/berth/config.json");
    assert.equal(environment({ HOME: "/home/ann", BERTH_CONFIG: "/tmp/c.json" }).configPath, "/tmp/c.json");
  });

  it("treats blank variables as unset", () => {
    const env = environment({ HOME: "/h", BERTH_URL: "  ", BERTH_TOKEN: "" });
    assert.equal(env.url, undefined);
    assert.equal(env.token, undefined);
  });
});

describe("credentials", () => {
  const env = (over: { url?: string; token?: string }) => ({ configPath: "/c", debug: false, url: over.url, token: over.token });

  it("prefers BERTH_URL and BERTH_TOKEN over the saved login, one at a time", () => {
    assert.deepEqual(credentials(env({}), login), { ...login, tokenFrom: "config" });
    assert.deepEqual(credentials(env({ url: "http://other" }), login), { url: "http://other", token: login.token, tokenFrom: "config" });
    assert.deepEqual(credentials(env({ token: "t" }), login), { url: login.url, token: "t", tokenFrom: "BERTH_TOKEN" });
  });

  it("says 'not logged in' with exit 3 when a URL or token is missing", () => {
    const notLoggedIn = (e: unknown) => e instanceof CliError && e.exitCode === EXIT.unauthenticated && /^not logged in/.test(e.message);
    assert.throws(() => credentials(env({}), null), notLoggedIn);
    assert.throws(
      () => credentials(env({ token: "t" }), null),
      (e: unknown) => notLoggedIn(e) && /set BERTH_URL too/.test((e as Error).message),
    );
    assert.throws(
      () => credentials(env({ url: "http://u" }), null),
      (e: unknown) => notLoggedIn(e) && /set BERTH_TOKEN too/.test((e as Error).message),
    );
  });
});
