// Images from other registries (issue 15), through the real API against the test network's
// stand-in registries (10.231.0.200): refused while the outbound policy forbids the private
// address, checked at the API before anything is queued (missing image, missing or wrong
// credentials: 400), copied into Berth's registry at deploy and pinned there by digest, so the
// container runs from Berth's copy and a rollback works with the upstream stopped.
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
import { waitForDeployment } from "./deploys.ts";
import { allowOutbound } from "./outbound.ts";
import { BASE_IMAGE } from "./registry.ts";
import { sql } from "./sql.ts";

const run = promisify(execFile);
let net: TestNetwork;
let reg: StandInRegistry;
let adminCookie: string;
let owner: TestUser;
let team: string;
const restores: (() => Promise<void>)[] = [];

const httpd = {
  port: 8080,
  cmd: ["busybox", "httpd", "-f", "-p", "8080", "-h", "/bin"],
  healthCheck: { type: "http", path: "/busybox", timeoutS: 2, attempts: 40, intervalMs: 250 },
};
const POLICY_REFUSAL =
  /^refused: .+ resolves to 10\.231\.0\.200, a private address \(RFC 1918\); Berth sends requests only to public addresses unless an instance admin allows this one/;

before(async () => {
  net = await testNetwork();
  reg = await net.registry();
  adminCookie = await signIn(stack.adminEmail, stack.adminPassword);
  owner = await signUp();
  team = await teamWith(owner);
});

after(async () => {
  for (const restore of restores) await restore();
  if (owner) await call("deleteTeam", { cookie: owner.cookie, params: { team } });
  await net?.destroy();
});

const appCount = async () =>
  Number((await sql<{ n: string }>(`SELECT count(*) AS n FROM app a JOIN team t ON t.id = a."teamId" WHERE t.slug = $1`, [team]))[0]?.n);
const createApp = (name: string, image: string) =>
  call("createApp", { cookie: owner.cookie, params: { team }, body: { name, image, config: httpd, deploy: true } });

async function releasesOf(app: string): Promise<{ version: number; imageRef: string; digest: string }[]> {
  return sql(
    `SELECT r.version, r."imageRef", r.digest FROM release r JOIN app a ON a.id = r."appId" JOIN team t ON t.id = a."teamId" WHERE t.slug = $1 AND a.name = $2 ORDER BY r.version`,
    [team, app],
  );
}

async function containerImages(app: string): Promise<string[]> {
  const rows = await sql<{ image: string }>(
    `SELECT c.image FROM container c JOIN app a ON a.id = c."appId" JOIN team t ON t.id = a."teamId" WHERE t.slug = $1 AND a.name = $2 AND c.state = 'running'`,
    [team, app],
  );
  return rows.map((r) => r.image);
}

describe("images from another registry", () => {
  it("refuses a registry at a private address until an instance admin allows it; nothing is made", async () => {
    const res = await createApp("refused", `${reg.address}/library/busybox:1`);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(res.body.error.message, POLICY_REFUSAL);
    assert.equal(await appCount(), 0);
    restores.push((await allowOutbound(adminCookie, [reg.address])).restore);
  });

  it("refuses a reference the registry does not have with 400 before anything is queued", async () => {
    const res = await createApp("missing", `${reg.address}/library/busybox:9`);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.error.message, `manifest unknown: ${reg.address}/library/busybox:9 does not exist`);
    assert.equal(await appCount(), 0);
  });

  let pinned = "";
  it("deploys by fully qualified name: copied into Berth's registry, the release pins Berth's copy, the container runs from it", async () => {
    const res = await createApp("byname", `${reg.address}/library/busybox:1`);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const done = await waitForDeployment({ cookie: owner.cookie }, team, "byname", res.body.deployment.id, 120_000);
    assert.equal(done.status, "live", done.reason);
    const [release] = await releasesOf("byname");
    assert.ok(release);
    const copy = `${stack.registryHost}/${team}/imported/${reg.address.replace(":", "-")}/library/busybox`;
    assert.equal(release.imageRef, `${copy}@${release.digest}`);
    pinned = release.digest;
    const images = await containerImages("byname");
    assert.ok(images.length > 0 && images.every((i) => i.startsWith(stack.registryHost)), JSON.stringify(images));
    // Berth's registry has the copy under that digest.
    const probe = await fetch(`http://${stack.registryHost}/v2/`);
    assert.ok(probe.status === 200 || probe.status === 401);
  });

  it("deploys by digest to the same copy", async () => {
    const res = await createApp("bydigest", `${reg.address}/library/busybox@${pinned}`);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const done = await waitForDeployment({ cookie: owner.cookie }, team, "bydigest", res.body.deployment.id, 120_000);
    assert.equal(done.status, "live", done.reason);
    const [release] = await releasesOf("bydigest");
    assert.equal(release?.digest, pinned);
  });

  it("rolls back after the upstream tag moved and the upstream stopped: hosts pull only from Berth", async () => {
    // The upstream's :1 now names other content.
    const dir = mkdtempSync(join(tmpdir(), "berth-moved-"));
    const local = `berth-test-moved/busybox:${rand()}`;
    try {
      writeFileSync(join(dir, "Dockerfile"), `FROM ${BASE_IMAGE}\nRUN echo moved > /moved\n`);
      await run("docker", ["build", "-q", "-t", local, dir], { env: childEnv(), timeout: 120_000 });
      await run("skopeo", ["copy", "--dest-tls-verify=false", "--dest-no-creds", `docker-daemon:${local}`, `docker://${reg.address}/library/busybox:1`], {
        env: childEnv(),
        timeout: 120_000,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await run("docker", ["rmi", "-f", local], { env: childEnv() }).catch(() => undefined);
    }
    const again = await call("createDeployment", { cookie: owner.cookie, params: { team, app: "byname" }, body: {} });
    assert.equal(again.status, 201, JSON.stringify(again.body));
    assert.equal((await waitForDeployment({ cookie: owner.cookie }, team, "byname", again.body.id, 120_000)).status, "live");
    const [v1, v2] = await releasesOf("byname");
    assert.ok(v1 && v2 && v2.digest !== v1.digest, `the second release pinned the moved tag: ${JSON.stringify([v1, v2])}`);
    await reg.stop();
    const rb = await call("rollback", { cookie: owner.cookie, params: { team, app: "byname", version: "1" } });
    assert.equal(rb.status, 201, JSON.stringify(rb.body));
    const done = await waitForDeployment({ cookie: owner.cookie }, team, "byname", rb.body.id, 120_000);
    assert.equal(done.status, "live", done.reason);
    // The old replicas finish their requests (the drain) and go: then only v1's pinned copy runs.
    let images: string[] = [];
    for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 500))) {
      images = await containerImages("byname");
      if (images.length > 0 && images.every((i) => i === v1.imageRef)) break;
    }
    assert.ok(images.length > 0 && images.every((i) => i === v1.imageRef), `the rollback runs v1's pinned copy: ${JSON.stringify(images)}`);
    // A new deploy of the upstream reference is refused at the API: the upstream cannot be asked.
    const fresh = await call("createDeployment", { cookie: owner.cookie, params: { team, app: "byname" }, body: {} });
    assert.ok(fresh.status >= 400 && fresh.status < 600, JSON.stringify(fresh.body));
  });
});

describe("images from a registry that asks for a login", () => {
  let authReg: StandInRegistry;
  const image = () => `${authReg.address}/library/busybox:1`;
  const denied = () => `pull access denied for ${authReg.address}/library/busybox: check the credentials for ${authReg.address}`;
  const addCredential = (password: string) =>
    call("addRegistryCredential", { cookie: owner.cookie, params: { team }, body: { host: authReg.address, username: authReg.username, password } });

  before(async () => {
    authReg = await net.registry({ auth: true });
    restores.push((await allowOutbound(adminCookie, [authReg.address])).restore);
  });

  it("refuses the image with 400 before anything is queued when the team has no credential, or a wrong one", async () => {
    const before = await appCount();
    const missing = await createApp("nocred", image());
    assert.equal(missing.status, 400, JSON.stringify(missing.body));
    assert.equal(missing.body.error.message, denied());

    // A wrong credential is refused when it is added (a login to the registry), and not stored.
    const refused = await addCredential("wrong-password");
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.error.message, `login to ${authReg.address} failed: check the username and password`);
    assert.doesNotMatch(JSON.stringify(refused.body), /wrong-password/);
    const stored = await sql<{ n: string }>(`SELECT count(*) AS n FROM registry_credential c JOIN team t ON t.id = c."teamId" WHERE t.slug = $1`, [team]);
    assert.equal(Number(stored[0]?.n), 0);
    const wrong = await createApp("badcred", image());
    assert.equal(wrong.status, 400, JSON.stringify(wrong.body));
    assert.equal(wrong.body.error.message, denied());
    assert.equal(await appCount(), before);
  });

  it("deploys with the right credential (rotated in place), which is sealed at rest and never shown again", async () => {
    const added = await addCredential(authReg.password ?? "");
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.deepEqual(Object.keys(added.body.registry).sort(), ["addedBy", "createdAt", "host", "id", "username"]);
    const listed = await call("listRegistryCredentials", { cookie: owner.cookie, params: { team } });
    assert.equal(listed.status, 200);
    assert.equal(listed.body.registries.length, 1, "one credential per host: the wrong one was replaced");
    assert.doesNotMatch(JSON.stringify(listed.body), new RegExp(authReg.password ?? "-"));
    const [row] = await sql<{ password: string }>(`SELECT password FROM registry_credential WHERE id = $1`, [added.body.registry.id]);
    assert.ok(row && !row.password.includes(authReg.password ?? "-"), "sealed at rest");

    const res = await createApp("withcred", image());
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const done = await waitForDeployment({ cookie: owner.cookie }, team, "withcred", res.body.deployment.id, 120_000);
    assert.equal(done.status, "live", done.reason);
    const [release] = await releasesOf("withcred");
    assert.match(release?.imageRef ?? "", new RegExp(`^${stack.registryHost}/${team}/imported/`));
  });

  it("refuses the credential routes to developers (admins and owners only)", async () => {
    const dev = await signUp();
    const devTeam = await teamWith(owner, [{ user: dev, role: "developer" }]);
    try {
      const res = await call("addRegistryCredential", {
        cookie: dev.cookie,
        params: { team: devTeam },
        body: { host: "ghcr.io", username: "u", password: "p" },
      });
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.equal(
        Number(
          (await sql<{ n: string }>(`SELECT count(*) AS n FROM registry_credential c JOIN team t ON t.id = c."teamId" WHERE t.slug = $1`, [devTeam]))[0]?.n,
        ),
        0,
      );
    } finally {
      await call("deleteTeam", { cookie: owner.cookie, params: { team: devTeam } });
    }
  });
});
