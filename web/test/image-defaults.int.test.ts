// An image's own defaults (issue 15), on the real stack: its HEALTHCHECK decides when a replica of an
// app without a health check is ready (the Engine's `healthy`; `unhealthy` fails the deploy with the
// check's output), its EXPOSEd port becomes the port of an app created without one (the lowest of
// several, and the answer says so), in Berth's registry and in another (a stand-in registry), and the
// release records the platform its digest is for. Images are built here from Berth's busybox base.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type { StandInRegistry } from "../../infra/testnet/registry.ts";
import { type TestNetwork, testNetwork } from "../../infra/testnet/testnet.ts";
import { call, rand, signUp, type TestUser, teamWith } from "./api.ts";
import { childEnv, signIn, stack } from "./config.ts";
import { deploymentLog, waitForDeployment } from "./deploys.ts";
import { allowOutbound } from "./outbound.ts";
import { BASE_IMAGE, waitForTag } from "./registry.ts";
import { sql } from "./sql.ts";

const run = promisify(execFile);
let owner: TestUser;
let team: string;
let net: TestNetwork | undefined;
const restores: (() => Promise<void>)[] = [];
const localImages: string[] = [];

const SERVE = `CMD ["sh", "-c", "mkdir -p /tmp/www && echo ok > /tmp/www/ok && exec httpd -f -p 8080 -h /tmp/www"]`;
const UNHEALTHY_OUTPUT = `database not ready: connection refused ${rand()}`;

/** Builds a busybox image from `dockerfile` (after FROM) on this machine's engine; returns its local tag. */
async function build(name: string, dockerfile: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "berth-imgdef-"));
  const tag = `berth-test-imgdef/${name}:${rand()}`;
  try {
    writeFileSync(join(dir, "Dockerfile"), `FROM ${BASE_IMAGE}\n${dockerfile}\n`);
    await run("docker", ["build", "-q", "-t", tag, dir], { env: childEnv(), timeout: 120_000 });
    localImages.push(tag);
    return tag;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Copies a local image to `dest` (`host/repo:tag`) with skopeo, as `creds` when given. */
async function push(local: string, dest: string, creds?: string): Promise<void> {
  await run(
    "skopeo",
    ["copy", "--dest-tls-verify=false", ...(creds ? ["--dest-creds", creds] : ["--dest-no-creds"]), `docker-daemon:${local}`, `docker://${dest}`],
    { env: childEnv(), timeout: 120_000 },
  );
}

async function toBerth(name: string, dockerfile: string): Promise<string> {
  const local = await build(name, dockerfile);
  const image = `${team}/${name}:1`;
  await push(local, `${stack.registryHost}/${image}`, `${owner.username}:${owner.password}`);
  await waitForTag(`${team}/${name}`, "1");
  return `${stack.registryHost}/${image}`;
}

const createApp = (name: string, image: string, config: Record<string, unknown> = {}, deploy = true) =>
  call("createApp", { cookie: owner.cookie, params: { team }, body: { name, image, config: { memoryMb: 32, ...config }, deploy } });

async function appConfig(app: string): Promise<{ port: number; healthCheck?: unknown }> {
  const res = await call("getApp", { cookie: owner.cookie, params: { team, app } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.config;
}

before(async () => {
  owner = await signUp();
  team = await teamWith(owner);
});

after(async () => {
  for (const restore of restores) await restore();
  if (owner) await call("deleteTeam", { cookie: owner.cookie, params: { team } });
  await net?.destroy();
  if (localImages.length > 0) await run("docker", ["rmi", "-f", ...localImages], { env: childEnv() }).catch(() => undefined);
});

describe("an image's HEALTHCHECK", () => {
  it("makes a replica of an app without a health check ready when the Engine reports it healthy", async () => {
    const image = await toBerth(
      "hc-good",
      `EXPOSE 8080\nHEALTHCHECK --interval=1s --timeout=2s --retries=3 CMD wget -q -O- http://127.0.0.1:8080/ok || exit 1\n${SERVE}`,
    );
    const res = await createApp("good", image);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal((await appConfig("good")).healthCheck, undefined, "the app has no health check of its own");
    const done = await waitForDeployment({ cookie: owner.cookie }, team, "good", res.body.deployment.id, 120_000);
    const log = await deploymentLog({ cookie: owner.cookie }, team, "good", res.body.deployment.id);
    assert.equal(done.status, "live", `${done.reason}\n${log.join("\n")}`);
    assert.ok(
      log.some((l) => l.includes("Health check: the image's HEALTHCHECK (CMD-SHELL wget")),
      log.join("\n"),
    );
    assert.ok(
      log.some((l) => l.includes("healthy (the Engine reports healthy)")),
      log.join("\n"),
    );
    // The release says which platform its digest is for.
    const [release] = await sql<{ platform: string | null; digest: string | null }>(
      `SELECT r.platform, r.digest FROM release r JOIN app a ON a.id = r."appId" JOIN team t ON t.id = a."teamId" WHERE t.slug = $1 AND a.name = 'good'`,
      [team],
    );
    assert.match(release?.digest ?? "", /^sha256:/);
    assert.match(release?.platform ?? "", /^linux\/[a-z0-9]+/);
  });

  it("fails the deploy with the check's last output when the Engine reports it unhealthy", async () => {
    const image = await toBerth(
      "hc-bad",
      `EXPOSE 8080\nHEALTHCHECK --interval=1s --timeout=2s --retries=2 CMD sh -c 'echo "${UNHEALTHY_OUTPUT}"; exit 1'\n${SERVE}`,
    );
    const res = await createApp("bad", image);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const done = await waitForDeployment({ cookie: owner.cookie }, team, "bad", res.body.deployment.id, 120_000);
    assert.equal(done.status, "failed");
    assert.match(done.reason, /health check failed on .+: the image's HEALTHCHECK reports unhealthy after \d+ failed check\(s\)/);
    assert.ok(done.reason.includes(UNHEALTHY_OUTPUT), done.reason);
    const running = await sql(
      `SELECT c.id FROM container c JOIN app a ON a.id = c."appId" JOIN team t ON t.id = a."teamId" WHERE t.slug = $1 AND a.name = 'bad'`,
      [team],
    );
    assert.equal(running.length, 0, "the failed replicas were removed");
  });

  it("is not used when the app sets a health check of its own", async () => {
    const image = `${stack.registryHost}/${team}/hc-bad:1`;
    const res = await createApp("own", image, { healthCheck: { type: "http", path: "/ok", timeoutS: 2, attempts: 40, intervalMs: 250 } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const done = await waitForDeployment({ cookie: owner.cookie }, team, "own", res.body.deployment.id, 120_000);
    assert.equal(done.status, "live", done.reason);
  });
});

describe("an image's EXPOSEd port", () => {
  it("is the port of an app created without one; of several, the lowest TCP one, and the answer says which", async () => {
    const one = await toBerth("expose-one", `EXPOSE 5432\n${SERVE}`);
    const created = await createApp("one", one, {}, false);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.app.config.port, 5432);
    assert.deepEqual(created.body.notes, ["port 5432, from the image's EXPOSE"]);

    const many = await toBerth("expose-many", `EXPOSE 9090 8081/tcp 53/udp\n${SERVE}`);
    const res = await createApp("many", many, {}, false);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.app.config.port, 8081);
    assert.equal(res.body.notes[0], "port 8081, the lowest of the ports the image EXPOSEs (8081, 9090); set the port to use another");
  });

  it("gives way to a port the request sets, and an image that exposes none keeps the default", async () => {
    const given = await createApp("given", `${stack.registryHost}/${team}/expose-one:1`, { port: 8080 }, false);
    assert.equal(given.status, 201, JSON.stringify(given.body));
    assert.equal(given.body.app.config.port, 8080);
    assert.deepEqual(given.body.notes, []);
    const none = await createApp("none", BASE_IMAGE, {}, false);
    assert.equal(none.status, 201, JSON.stringify(none.body));
    assert.equal(none.body.app.config.port, 8080);
    assert.deepEqual(none.body.notes, []);
  });

  it("follows a new image given without a port", async () => {
    const res = await call("updateApp", { cookie: owner.cookie, params: { team, app: "none" }, body: { image: `${stack.registryHost}/${team}/expose-one:1` } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.app.config.port, 5432);
    assert.deepEqual(res.body.notes, ["port 5432, from the image's EXPOSE"]);
  });

  it("is read from another registry too (through the outbound policy)", async () => {
    net = await testNetwork();
    const reg: StandInRegistry = await net.registry({ seed: false });
    restores.push((await allowOutbound(await signIn(stack.adminEmail, stack.adminPassword), [reg.address])).restore);
    await push(await build("outside", `EXPOSE 6379\n${SERVE}`), `${reg.address}/acme/cache:7`);
    const res = await createApp("outside", `${reg.address}/acme/cache:7`, {}, false);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.app.config.port, 6379);
    assert.deepEqual(res.body.notes, ["port 6379, from the image's EXPOSE"]);
  });
});
