// The pull-through cache and the instance's registry rules (issue 15), on the real stack with the
// test network's stand-in registries: an admin points the docker.io cache at a stand-in upstream;
// a team deploys the short name `busybox:1` through it; with the upstream stopped and the image
// removed from the hosts' engines, a second team deploys it from the cache; a private image read
// with a team's credential never enters a cache; the registry rules refuse other registries with a
// message naming the setting and still deploy Berth's own images. Settings are restored afterwards.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type { StandInRegistry } from "../../infra/testnet/registry.ts";
import { type TestNetwork, testNetwork } from "../../infra/testnet/testnet.ts";
import { call, signUp, type TestUser, teamWith } from "./api.ts";
import { signIn, stack } from "./config.ts";
import { waitForDeployment } from "./deploys.ts";
import { allowOutbound } from "./outbound.ts";

const run = promisify(execFile);
const DEFAULT_CACHES = [{ registry: "docker.io", upstream: "https://registry-1.docker.io" }];
const cacheDir = (name: string) => join(stack.home, "registry-caches", name);
const httpd = {
  port: 8080,
  cmd: ["busybox", "httpd", "-f", "-p", "8080", "-h", "/bin"],
  healthCheck: { type: "http", path: "/busybox", timeoutS: 2, attempts: 40, intervalMs: 250 },
};
const notAllowed = (registry: string) =>
  `images from ${registry} are not allowed on this instance: an instance admin allows registries in Admin → Settings → Registries`;

let net: TestNetwork;
let upstream: StandInRegistry;
let privateReg: StandInRegistry;
let adminCookie: string;
let owner: TestUser;
let teamA: string;
let teamB: string;
const restores: (() => Promise<void>)[] = [];

async function patchSettings(body: Record<string, unknown>) {
  const res = await call("updateSettings", { cookie: adminCookie, body });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** GET /v2/ on a cache's socket answers 200. */
const cacheAnswers = (socket: string) =>
  new Promise<boolean>((resolve) => {
    const req = request({ socketPath: socket, path: "/v2/", headers: { host: "cache" } }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.setTimeout(2_000, () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });

/** Whether the worker runs the cache for `name` with `remoteurl` as its upstream (it answers on its socket). */
async function runsFor(name: string, remoteurl: string): Promise<boolean> {
  const dir = cacheDir(name);
  const config = existsSync(join(dir, "config.yml")) ? readFileSync(join(dir, "config.yml"), "utf8") : "";
  return config.includes(`"remoteurl": "${remoteurl}"`) && (await cacheAnswers(join(dir, "registry.sock")));
}

const createApp = (team: string, name: string, image: string, deploy = true) =>
  call("createApp", { cookie: owner.cookie, params: { team }, body: { name, image, config: httpd, deploy } });

async function deployLive(team: string, name: string, image: string) {
  const res = await createApp(team, name, image);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const done = await waitForDeployment({ cookie: owner.cookie }, team, name, res.body.deployment.id, 120_000);
  assert.equal(done.status, "live", done.reason);
}

/** Repositories in a cache's storage (`library/busybox`). */
function cachedRepositories(name: string): string[] {
  const root = join(cacheDir(name), "data/docker/registry/v2/repositories");
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((ns) => readdirSync(join(root, ns)).map((r) => `${ns}/${r}`));
}

before(async () => {
  net = await testNetwork();
  upstream = await net.registry();
  privateReg = await net.registry({ auth: true });
  adminCookie = await signIn(stack.adminEmail, stack.adminPassword);
  // From the defaults (what after() restores), also when an earlier run could not restore them.
  await patchSettings({ registryRule: "any", registryAllow: [], registryCaches: DEFAULT_CACHES });
  owner = await signUp();
  teamA = await teamWith(owner);
  teamB = await teamWith(owner);
});

after(async () => {
  await call("updateSettings", { cookie: adminCookie, body: { registryRule: "any", registryAllow: [], registryCaches: DEFAULT_CACHES } });
  for (const restore of restores.reverse()) await restore();
  for (const team of [teamA, teamB]) if (team) await call("deleteTeam", { cookie: owner.cookie, params: { team } });
  await net?.destroy();
});

describe("the pull-through cache", () => {
  it("refuses a cache upstream the outbound policy forbids, until an admin allows its address", async () => {
    const res = await call("updateSettings", {
      cookie: adminCookie,
      body: { registryCaches: [...DEFAULT_CACHES, { registry: privateReg.address, upstream: `http://${privateReg.address}` }] },
    });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(res.body.error.message, /^refused: http:\/\/10\.231\.0\.\d+:\d+\/v2\/ resolves to 10\.231\.0\.\d+, a private address/);
    const now = await call("getSettings", { cookie: adminCookie });
    assert.deepEqual(now.body.registryCaches, DEFAULT_CACHES);
  });

  it("deploys the short name busybox:1 through the docker.io cache pointed at another upstream", async () => {
    restores.push((await allowOutbound(adminCookie, [upstream.address, privateReg.address])).restore);
    await patchSettings({
      registryCaches: [
        { registry: "docker.io", upstream: `http://${upstream.address}` },
        { registry: privateReg.address, upstream: `http://${privateReg.address}` },
      ],
    });
    // A cache starts once its registry is read: until then its upstream is sent nothing (the supervisor looks every 3 s).
    await new Promise((r) => setTimeout(r, 4_000));
    assert.ok(!(await runsFor("docker.io", `http://${upstream.address}`)), "no cache runs for an upstream nobody read");
    await deployLive(teamA, "hub", "busybox:1");
    assert.ok(await runsFor("docker.io", `http://${upstream.address}`), "the first read started the cache");
    assert.ok(cachedRepositories("docker.io").includes("library/busybox"), JSON.stringify(cachedRepositories("docker.io")));
  });

  it("never puts a private image, read with the team's credential, into a cache", async () => {
    const cred = await call("addRegistryCredential", {
      cookie: owner.cookie,
      params: { team: teamA },
      body: { host: privateReg.address, username: privateReg.username, password: privateReg.password },
    });
    assert.equal(cred.status, 201, JSON.stringify(cred.body));
    await deployLive(teamA, "private", `${privateReg.address}/library/busybox:1`);
    const name = privateReg.address.replace(":", "-");
    // The cache was asked (anonymously) and could not serve it: the deploy read the registry directly.
    assert.match(readFileSync(join(cacheDir(name), "registry.log"), "utf8"), /\/v2\/library\/busybox\/manifests\/1/);
    assert.deepEqual(cachedRepositories(name), []);
  });

  it("serves a second team from the cache with the upstream stopped and the image gone from the hosts' engines", async () => {
    const del = await call("deleteApp", { cookie: owner.cookie, params: { team: teamA, app: "hub" } });
    assert.ok(del.status === 200 || del.status === 202 || del.status === 204, JSON.stringify(del.body));
    await upstream.stop();
    for (const socket of [stack.dockerSocket, stack.docker2Socket]) await removeImages(socket, "/imported/docker.io/library/busybox");
    await deployLive(teamB, "hub", "busybox:1");
  });
});

/**
 * Removes every reference of `repoPart` from one engine (the images Berth copied for the teams),
 * bounded: the deleted app's containers may still be stopping. By reference, not by image id:
 * another app may run the same content under another name.
 */
async function removeImages(socket: string, repoPart: string) {
  const docker = (...args: string[]) => run("docker", ["-H", `unix://${socket}`, ...args]);
  const until = Date.now() + 60_000;
  for (;;) {
    const { stdout } = await docker("images", "--digests", "--format", "{{.Repository}}@{{.Digest}} {{.Repository}}:{{.Tag}}");
    const refs = stdout
      .trim()
      .split("\n")
      .filter((l) => l.includes(repoPart))
      .flatMap((l) => l.split(" ").filter((r) => !r.endsWith("@<none>") && !r.endsWith(":<none>")));
    if (refs.length === 0) return;
    await docker("rmi", ...refs).catch(() => undefined);
    if (Date.now() > until) throw new Error(`${refs.join(", ")} still on ${socket} after 60 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe("the instance's registry rules", () => {
  it("with only listed registries, refuses another registry with a message naming the setting, and allows a listed one", async () => {
    await patchSettings({ registryRule: "listed", registryAllow: [privateReg.address] });
    const refused = await createApp(teamB, "listed-hub", "busybox:1", false);
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(refused.body.error.message, notAllowed("docker.io"));
    const allowed = await createApp(teamA, "listed-private", `${privateReg.address}/library/busybox:1`, false);
    assert.equal(allowed.status, 201, JSON.stringify(allowed.body));
  });

  it("with only Berth's own registry, refuses outside images and still deploys Berth's own", async () => {
    await patchSettings({ registryRule: "berth" });
    const refused = await createApp(teamA, "berth-private", `${privateReg.address}/library/busybox:1`, false);
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(refused.body.error.message, notAllowed(privateReg.address));
    await deployLive(teamA, "own", `${stack.registryHost}/berth/busybox:1`);
  });
});
