// Issue 14, item 8 (quotas per team): a tenant asks for more than the instance allows a team —
// concurrent builds, replicas over its apps, named volumes, registry storage — and each request over
// a quota is refused with a message that names the quota and how to raise it, with nothing created.
// Each test lowers one quota through the admin API for as short a time as it can and puts it back
// (the settings are the instance's: other teams see them meanwhile); `after` restores all of them.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { InstanceSettings } from "@berth/core/api";
import { call, fakeIp, rand, signUp, type TestUser, teamWith } from "../api.ts";
import { signIn, stack } from "../config.ts";
import { tarOf, uploadBuild, waitForDeployment } from "../deploys.ts";
import { BASE_IMAGE, dockerCli, pushImage, registryHost, skopeoCopy, tagRow } from "../registry.ts";
import { sql } from "../sql.ts";

const EXAMPLE = join(import.meta.dirname, "../../../examples/node-http");
const RAISE = /ask an instance admin to raise it/;

let adminCookie: string;
let original: InstanceSettings;
let owner: TestUser;

before(async () => {
  adminCookie = await signIn(stack.adminEmail, stack.adminPassword);
  const got = await call("getSettings", { cookie: adminCookie });
  assert.equal(got.status, 200);
  original = got.body;
  owner = await signUp();
});

after(async () => {
  if (!original) return;
  const { maxConcurrentBuilds, maxReplicas, maxVolumes, maxStorageMiB } = original;
  await call("updateSettings", { cookie: adminCookie, body: { maxConcurrentBuilds, maxReplicas, maxVolumes, maxStorageMiB } });
});

/** Runs `fn` with one quota lowered, and puts it back whatever happens. */
async function withQuota<K extends "maxConcurrentBuilds" | "maxReplicas" | "maxVolumes" | "maxStorageMiB">(key: K, value: number, fn: () => Promise<void>) {
  const set = await call("updateSettings", { cookie: adminCookie, body: { [key]: value } });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  try {
    await fn();
  } finally {
    await call("updateSettings", { cookie: adminCookie, body: { [key]: original[key] } });
  }
}

const refusedWith = (r: { status: number; body: { error?: { message?: string } } }, pattern: RegExp) => {
  assert.equal(r.status, 403, JSON.stringify(r.body));
  assert.match(r.body.error?.message ?? "", pattern);
  assert.match(r.body.error?.message ?? "", RAISE);
};

const appConfig = async (team: string, app: string) =>
  (
    await sql<{ config: { replicas: number; volumes: unknown[] } }>(
      `SELECT a.config FROM app a JOIN team t ON t.id = a."teamId" WHERE t.slug = $1 AND a.name = $2`,
      [team, app],
    )
  )[0]?.config;

describe("the replicas quota", () => {
  it("refuses an app or a scale-up that takes the team's replicas over it; within it, both work", async () => {
    const team = await teamWith(owner);
    await withQuota("maxReplicas", 3, async () => {
      const r1 = await call("createApp", { cookie: owner.cookie, params: { team }, body: { name: "r1", config: { replicas: 2 } } });
      assert.equal(r1.status, 201, JSON.stringify(r1.body));
      refusedWith(await call("createApp", { cookie: owner.cookie, params: { team }, body: { name: "r2", config: { replicas: 2 } } }), /quota of 3 replicas/);
      assert.equal((await call("getApp", { cookie: owner.cookie, params: { team, app: "r2" } })).status, 404, "the refused app was not created");
      refusedWith(await call("updateApp", { cookie: owner.cookie, params: { team, app: "r1" }, body: { config: { replicas: 5 } } }), /quota of 3 replicas/);
      assert.equal((await appConfig(team, "r1"))?.replicas, 2, "the refused scale-up changed nothing");
      // Positive controls: up to the quota exactly, and another team is not this team.
      const up = await call("updateApp", { cookie: owner.cookie, params: { team, app: "r1" }, body: { config: { replicas: 3 } } });
      assert.equal(up.status, 200, JSON.stringify(up.body));
      assert.equal((await appConfig(team, "r1"))?.replicas, 3);
      const other = await teamWith(owner);
      assert.equal((await call("createApp", { cookie: owner.cookie, params: { team: other }, body: { name: "r1", config: { replicas: 3 } } })).status, 201);
    });
  });
});

describe("the volumes quota", () => {
  it("refuses a volume over the team's quota on a new app and on a change; within it, both work", async () => {
    const team = await teamWith(owner);
    await withQuota("maxVolumes", 2, async () => {
      const v1 = await call("createApp", {
        cookie: owner.cookie,
        params: { team },
        body: { name: "v1", config: { volumes: [{ name: "data", target: "/data" }] } },
      });
      assert.equal(v1.status, 201, JSON.stringify(v1.body));
      const three = [
        { name: "data", target: "/data" },
        { name: "cache", target: "/cache" },
        { name: "logs", target: "/logs" },
      ];
      refusedWith(await call("updateApp", { cookie: owner.cookie, params: { team, app: "v1" }, body: { config: { volumes: three } } }), /quota of 2 volumes/);
      assert.equal((await appConfig(team, "v1"))?.volumes.length, 1, "the refused change stored nothing");
      const v2 = await call("createApp", { cookie: owner.cookie, params: { team }, body: { name: "v2", config: { volumes: three.slice(1) } } });
      refusedWith(v2, /quota of 2 volumes/);
      assert.equal((await call("getApp", { cookie: owner.cookie, params: { team, app: "v2" } })).status, 404);
      // Positive control: a second volume fits.
      const ok = await call("createApp", { cookie: owner.cookie, params: { team }, body: { name: "v3", config: { volumes: three.slice(2) } } });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
    });
  });
});

describe("the concurrent builds quota", () => {
  const slow = `FROM ${BASE_IMAGE}\nRUN echo quota-${rand()} && sleep 60\n`;
  const builds: { app: string; id: string }[] = [];
  let team: string;

  before(async () => {
    team = await teamWith(owner);
    for (const name of ["b1", "b2"]) assert.equal((await call("createApp", { cookie: owner.cookie, params: { team }, body: { name } })).status, 201);
  });

  after(async () => {
    for (const b of builds) {
      await call("cancelDeployment", { cookie: owner.cookie, params: { team, app: b.app, id: b.id } });
      await waitForDeployment({ cookie: owner.cookie }, team, b.app, b.id, 60_000).catch(() => {});
    }
  });

  it("refuses a build while the team's builds fill the quota, creating no build; within it, builds start", async () => {
    await withQuota("maxConcurrentBuilds", 1, async () => {
      const first = await uploadBuild({ cookie: owner.cookie }, team, "b1", tarOf(EXAMPLE, { Dockerfile: slow }));
      assert.equal(first.status, 201, JSON.stringify(first.body));
      builds.push({ app: "b1", id: first.body.id });
      const second = await uploadBuild({ cookie: owner.cookie }, team, "b2", tarOf(EXAMPLE, { Dockerfile: slow }));
      refusedWith(second, /quota of 1 concurrent build \(1 queued or running\)/);
      const rows = await sql<{ n: number }>(
        `SELECT (SELECT count(*)::int FROM deployment d JOIN app a ON a.id = d."appId" WHERE a.name = 'b2' AND a."teamId" = t.id)
              + (SELECT count(*)::int FROM build b JOIN app a ON a.id = b."appId" WHERE a.name = 'b2' AND a."teamId" = t.id) AS n
           FROM team t WHERE t.slug = $1`,
        [team],
      );
      assert.equal(rows[0]?.n, 0, "no deployment and no build row for the refused build");
    });
    // Positive control: with the quota back, the same build starts.
    const again = await uploadBuild({ cookie: owner.cookie }, team, "b2", tarOf(EXAMPLE, { Dockerfile: slow }));
    assert.equal(again.status, 201, JSON.stringify(again.body));
    builds.push({ app: "b2", id: again.body.id });
  });
});

describe("the storage quota", () => {
  const docker = dockerCli();
  const local: string[] = [];
  let team: string;

  before(async () => {
    team = await teamWith(owner);
  });

  after(async () => {
    for (const image of local) await docker.run(["rmi", "-f", image]);
  });

  /** The token endpoint as `docker push` asks it, with the owner's password. */
  const token = async (scope: string) => {
    const res = await fetch(`${stack.webUrl}/api/registry/token?service=${stack.registryService}&scope=${encodeURIComponent(scope)}`, {
      headers: { authorization: `Basic ${Buffer.from(`${owner.username}:${owner.password}`).toString("base64")}`, "x-forwarded-for": fakeIp() },
    });
    return { status: res.status, body: (await res.json()) as { token?: string; errors?: { code: string; message: string }[] } };
  };

  it("refuses pushes (docker, skopeo, a build) once the team is over it, naming the quota; pulls still work", async () => {
    // ~1.02 MiB: the base image's layer and config.
    await pushImage({ user: owner, image: `${team}/first:v1` });
    await withQuota("maxStorageMiB", 1, async () => {
      const denied = await token(`repository:${team}/second:pull,push`);
      assert.equal(denied.status, 403);
      assert.equal(denied.body.errors?.[0]?.code, "DENIED");
      assert.match(denied.body.errors?.[0]?.message ?? "", new RegExp(`team ${team} is over its storage quota \\(1\\.02 of 1 MiB\\)`));

      const copy = await skopeoCopy(`${team}/second:v1`, `${owner.username}:${owner.password}`);
      assert.notEqual(copy.code, 0, "skopeo's push is refused");
      // skopeo prints only the token endpoint's status; docker (below) prints its message.
      assert.match(copy.out, /403 \(Forbidden\)|over its storage quota/);

      const login = await docker.run(["login", registryHost, "-u", owner.username, "--password-stdin"], owner.password);
      assert.equal(login.code, 0, login.out);
      const image = `${registryHost}/${team}/third:v1`;
      assert.equal((await docker.run(["pull", BASE_IMAGE])).code, 0);
      assert.equal((await docker.run(["tag", BASE_IMAGE, image])).code, 0);
      local.push(image);
      const push = await docker.run(["push", image]);
      assert.notEqual(push.code, 0, push.out);
      assert.match(push.out, new RegExp(`denied: team ${team} is over its storage quota \\(1\\.02 of 1 MiB\\)`), push.out);

      assert.equal((await call("createApp", { cookie: owner.cookie, params: { team }, body: { name: "built" } })).status, 201);
      const build = await uploadBuild({ cookie: owner.cookie }, team, "built", tarOf(EXAMPLE, { Dockerfile: `FROM ${BASE_IMAGE}\n` }));
      refusedWith(build, /over its storage quota/);

      for (const repo of ["second", "third"]) assert.equal(await tagRow(`${team}/${repo}`, "v1"), undefined, `${repo} was not stored`);
      // Pulls and deletes are not pushes: a team over its quota can still read and clean up.
      const pull = await token(`repository:${team}/first:pull`);
      assert.equal(pull.status, 200, JSON.stringify(pull.body));
    });
    // Positive control: with the quota back, the same push goes through.
    const copy = await skopeoCopy(`${team}/second:v1`, `${owner.username}:${owner.password}`);
    assert.equal(copy.code, 0, copy.out);
  });
});
