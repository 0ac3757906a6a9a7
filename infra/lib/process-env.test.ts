// Every setting is documented and reaches its process, and only its process. The keys of each
// process's config schema are the settings: .env.example and the README's "Settings" table name each
// of them (and nothing else but the bring-up scripts' own), and infra/services/berth.sh starts each
// process with exactly the keys of its schema that are set, e.g. in .berth/berth.env.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { promisify } from "node:util";
import { STACK_HOST_ADDRESSES } from "../testnet/constants.ts";
import { type ProcessName, processEnv, processNames, processSchemas, settingsOf } from "./process-env.ts";

/** Settings only the scripts under infra/ read (ports and passwords of the services they start, the engines' networks); no process gets them. */
const bringUpOnly = [
  "BERTH_HOME",
  "BERTH_ADMIN_EMAIL",
  "BERTH_ADMIN_PASSWORD",
  "BERTH_PG_PORT",
  "BERTH_PG_PASSWORD",
  "BERTH_REDIS_PORT",
  "BERTH_REDIS_PASSWORD",
  "BERTH_LOCAL_HOSTS",
  "BERTH_DOCKER_BRIDGE",
  "BERTH_DOCKER_BRIDGE_CIDR",
  "BERTH_DOCKER_POOL",
];
/** The caller's shell always sets these, so .berth/berth.env never applies to them (load_env keeps what is set). */
const fromCaller = ["PATH", "HOME"];
/** What the second local host never takes from the first: its engine, its id, its address, its key. */
const ownToEachHost = ["DOCKER_SOCKET", "BERTH_HOST_ID", "BERTH_HOST_ADDRESS", "BERTH_HOST_KEY_FILE"];
/** The second local host's engine socket and address (infra/lib/common.sh; infra/services/host2.sh). */
const host2Socket = (home: string) => join(home, "hosts", "stack-2", "docker.sock");
const host2Address = STACK_HOST_ADDRESSES["2"];

const root = join(import.meta.dirname, "../..");
const run = promisify(execFile);

const owners = new Map<string, ProcessName[]>();
for (const name of processNames) for (const key of settingsOf(name)) owners.set(key, [...(owners.get(key) ?? []), name]);
const schemaKeys = [...owners.keys()];

/** .env.example's keys; `value` for a line load_env (infra/lib/common.sh) reads, none for a commented one. */
function envExample(): Map<string, { value?: string }> {
  const keys = new Map<string, { value?: string }>();
  for (const line of readFileSync(join(root, ".env.example"), "utf8").split("\n")) {
    const active = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.replace(/#.*/, "").trimEnd());
    const commented = /^#\s*([A-Z_][A-Z0-9_]*)=/.exec(line);
    if (active?.[1]) keys.set(active[1], { value: active[2] ?? "" });
    else if (commented?.[1]) keys.set(commented[1], {});
  }
  return keys;
}

/** The rows of the README's "## Settings" table: setting and the cell naming its process(es). */
function readmeSettings(): { key: string; processes: string }[] {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const start = readme.indexOf("\n## Settings\n");
  assert.ok(start >= 0, "README.md has a '## Settings' section");
  const end = readme.indexOf("\n## ", start + 1);
  return readme
    .slice(start, end < 0 ? undefined : end)
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => {
      const cells = line.split("|").map((c) => c.trim());
      return { key: (cells[1] ?? "").replaceAll("`", ""), processes: cells[2] ?? "" };
    });
}

/** The environment berth.sh would start `name` with, for a BERTH_HOME of its own and a caller's environment of `env`. */
async function startEnv(name: string, home: string, env: Record<string, string>): Promise<Map<string, string>> {
  const vars = Object.entries({ ...env, BERTH_HOME: home }).map(([k, v]) => `${k}=${v}`);
  const { stdout } = await run("env", ["-i", ...vars, "bash", "infra/services/berth.sh", "--print-env", name], { cwd: root });
  const records = stdout.split("\0").slice(0, -1);
  const started = new Map(records.map((r) => [r.slice(0, r.indexOf("=")), r.slice(r.indexOf("=") + 1)]));
  assert.equal(started.size, records.length, `${name} gets each setting once: ${records.map((r) => r.slice(0, r.indexOf("="))).join(" ")}`);
  return started;
}

const homes: string[] = [];
after(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

function tempHome(berthEnv: Record<string, string>): string {
  const home = realpathSync(mkdtempSync(join(tmpdir(), "berth-settings-")));
  homes.push(home);
  writeFileSync(
    join(home, "berth.env"),
    Object.entries(berthEnv)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(""),
  );
  return home;
}

const caller = () => ({ PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin", HOME: `/nonexistent/settings-test-home-${randomBytes(4).toString("hex")}` });

describe("settings", () => {
  it("documents every key of every process's schema in .env.example and in the README's settings table", () => {
    const example = envExample();
    const readme = new Set(readmeSettings().map((r) => r.key));
    const undocumented = schemaKeys.flatMap((key) => [
      ...(example.has(key) ? [] : [`${key} (${owners.get(key)?.join(", ")}) is not in .env.example`]),
      ...(readme.has(key) ? [] : [`${key} (${owners.get(key)?.join(", ")}) is not in README.md's Settings table`]),
    ]);
    assert.deepEqual(undocumented, [], "document each setting with its default and meaning");
  });

  it("documents no setting that neither a process's schema nor a bring-up script reads", () => {
    const documented = new Set([...envExample().keys(), ...readmeSettings().map((r) => r.key)]);
    assert.deepEqual(
      [...documented].filter((key) => !owners.has(key) && !bringUpOnly.includes(key)),
      [],
      "add the key to a process's config schema, or to bringUpOnly in this file if only infra's scripts read it",
    );
    assert.deepEqual(
      bringUpOnly.filter((key) => owners.has(key)),
      [],
      "a bring-up-only setting is in no process's schema",
    );
    assert.deepEqual(
      bringUpOnly.filter((key) => !envExample().has(key) || !readmeSettings().some((r) => r.key === key)),
      [],
      "each bring-up setting is documented in both",
    );
  });

  it("names in the README's settings table, once per setting, exactly the processes that read it", () => {
    const rows = readmeSettings();
    assert.deepEqual(
      rows.map((r) => r.key).filter((key, i, keys) => keys.indexOf(key) !== i),
      [],
      "no setting has two rows",
    );
    const wrong = rows.flatMap(({ key, processes }) => {
      const named = processes
        .split(/[\s,]+/)
        .filter((p): p is ProcessName => (processNames as string[]).includes(p))
        .sort();
      const expected = [...(owners.get(key) ?? [])].sort();
      return named.join(", ") === expected.join(", ") ? [] : [`${key}: "${processes}", read by: ${expected.join(", ") || "bring-up only"}`];
    });
    assert.deepEqual(wrong, []);
  });

  it("gives in .env.example each schema's own default", () => {
    type Field = { safeParse(value: unknown): { success: boolean; data?: unknown } };
    const wrong = [...envExample()].flatMap(([key, { value }]) =>
      value === undefined
        ? []
        : (owners.get(key) ?? []).flatMap((name) => {
            const field = (processSchemas[name].shape as Record<string, Field>)[key];
            const fallback = field?.safeParse(undefined).data;
            if (fallback === undefined) return [];
            const parsed = field?.safeParse(value);
            return parsed?.success && parsed.data === fallback ? [] : [`${key}=${value}: ${name}'s default is ${String(fallback)}`];
          }),
    );
    assert.deepEqual(wrong, []);
  });

  it("passes a process only the keys of its schema that are set to something", () => {
    const env = { REDIS_URL: "redis://:pw@127.0.0.1:1", DATABASE_URL: "postgresql://db", BERTH_ENCRYPTION_KEY: "k", BERTH_HEARTBEAT_MS: "", UNRELATED: "x" };
    assert.deepEqual(processEnv("runtime-host", env), [["REDIS_URL", "redis://:pw@127.0.0.1:1"]]);
    assert.deepEqual(processEnv("worker", env), [
      ["DATABASE_URL", "postgresql://db"],
      ["REDIS_URL", "redis://:pw@127.0.0.1:1"],
      ["BERTH_ENCRYPTION_KEY", "k"],
    ]);
  });

  it("starts each process with every key of its schema set in .berth/berth.env, and with no other", { timeout: 60_000 }, async () => {
    const tag = randomBytes(4).toString("hex");
    const distinct = (key: string) => `settings-test-${key.toLowerCase()}-${tag}`;
    const berthEnv = Object.fromEntries(schemaKeys.filter((k) => !fromCaller.includes(k)).map((k) => [k, distinct(k)]));
    const home = tempHome({ ...berthEnv, BERTH_PG_PASSWORD: distinct("BERTH_PG_PASSWORD"), BERTH_REDIS_PASSWORD: distinct("BERTH_REDIS_PASSWORD") });
    const env = caller();
    const names = [...processNames, "runtime-host-2"] as const;
    const started = new Map(await Promise.all(names.map(async (name) => [name, await startEnv(name, home, env)] as const)));

    for (const name of processNames) {
      const got = started.get(name) ?? new Map();
      const expected = new Map(settingsOf(name).map((key) => [key, fromCaller.includes(key) ? env[key as keyof typeof env] : distinct(key)]));
      assert.deepEqual(got, expected, `${name}'s environment`);
    }
    const host = started.get("runtime-host") ?? new Map();
    for (const secret of ["DATABASE_URL", "BERTH_ENCRYPTION_KEY", "BETTER_AUTH_SECRET", "BERTH_PG_PASSWORD"]) {
      assert.equal(host.has(secret), false, `runtime-host gets no ${secret}`);
    }

    // The second local host: the first one's settings, but its own engine, id, address and key.
    const second = started.get("runtime-host-2") ?? new Map();
    const secondId = `${distinct("BERTH_HOST_ID").slice(0, 61)}-2`;
    assert.deepEqual([...second.keys()].sort(), [...host.keys()].sort());
    for (const [key, value] of host) if (!ownToEachHost.includes(key)) assert.equal(second.get(key), value, `runtime-host-2's ${key}`);
    assert.equal(second.get("DOCKER_SOCKET"), host2Socket(home));
    assert.equal(second.get("BERTH_HOST_ID"), secondId);
    assert.equal(second.get("BERTH_HOST_ADDRESS"), host2Address);
    if (second.has("BERTH_HOST_KEY_FILE")) assert.equal(second.get("BERTH_HOST_KEY_FILE"), join(home, "host-keys", `${secondId}.pem`));
  });

  it("starts each process with the values berth.sh derives when they are not set", { timeout: 60_000 }, async () => {
    const home = tempHome({ BERTH_PG_PASSWORD: "pg-secret", BERTH_REDIS_PASSWORD: "redis-secret", BERTH_PG_PORT: "15432", BERTH_HOST_ID: "box" });
    const env = caller();
    const [web, worker, router, host, second] = await Promise.all(
      ["web", "worker", "router", "runtime-host", "runtime-host-2"].map((name) => startEnv(name, home, env)),
    );
    const database = "postgresql://berth:pg-secret@127.0.0.1:15432/berth";
    const redis = "redis://:redis-secret@127.0.0.1:56379";
    assert.deepEqual(
      Object.fromEntries(
        [
          "DATABASE_URL",
          "REDIS_URL",
          "NODE_ENV",
          "HOME",
          "PATH",
          "BERTH_BUILD_DIR",
          "BERTH_GIT_DIR",
          "BERTH_REGISTRY_TOKEN_KEY",
          "BERTH_REGISTRY_TOKEN_CERT",
        ].map((k) => [k, web?.get(k)]),
      ),
      {
        DATABASE_URL: database,
        REDIS_URL: redis,
        NODE_ENV: "production",
        HOME: env.HOME,
        PATH: env.PATH,
        BERTH_BUILD_DIR: join(home, "builds"),
        BERTH_GIT_DIR: join(home, "git"),
        BERTH_REGISTRY_TOKEN_KEY: join(home, "registry/token.key"),
        BERTH_REGISTRY_TOKEN_CERT: join(home, "registry/token.crt"),
      },
    );
    assert.equal(worker?.get("DATABASE_URL"), database);
    assert.equal(worker?.get("BERTH_REGISTRY_CONFIG"), join(home, "registry/config.yml"));
    assert.equal(worker?.get("DOCKER_SOCKET"), "/var/run/docker.sock");
    assert.equal(worker?.get("LOG_LEVEL"), "info");
    assert.equal(router?.get("REDIS_URL"), redis);
    assert.equal(host?.get("DOCKER_SOCKET"), "/var/run/docker.sock");
    assert.equal(host?.get("BERTH_HOST_ID"), "box");
    assert.equal(host?.get("BERTH_HOST_ADDRESS"), "127.0.0.1");
    assert.equal(second?.get("DOCKER_SOCKET"), host2Socket(home));
    assert.equal(second?.get("BERTH_HOST_ID"), "box-2");
    assert.equal(second?.get("BERTH_HOST_ADDRESS"), host2Address);
    for (const env of [host, second]) {
      assert.equal(env?.get("REDIS_URL"), redis);
      assert.equal(env?.has("DATABASE_URL"), false);
      assert.equal(env?.has("BERTH_ENCRYPTION_KEY"), false);
    }
  });
});
