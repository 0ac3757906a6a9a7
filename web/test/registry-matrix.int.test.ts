// Registry access with the real docker CLI and skopeo, through Berth's token auth:
// roles x public/private x pull/push/delete -> allowed, or a clean "denied" that changes nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, rand, signUp, type TestUser, teamWith } from "./api.ts";
import { dockerCli, pushImage, registryHost, skopeo, skopeoCopy, tagRow } from "./registry.ts";

type Actor = "owner" | "developer" | "viewer" | "outsider" | "anonymous";
const ACTORS: Actor[] = ["owner", "developer", "viewer", "outsider", "anonymous"];
let users: Record<Exclude<Actor, "anonymous">, TestUser>;
let team: string;
const docker = dockerCli();
const localImages: string[] = [];

const creds = (a: Actor) => (a === "anonymous" ? undefined : `${users[a].username}:${users[a].password}`);
const expected = {
  pull: { private: ["owner", "developer", "viewer"], public: ACTORS },
  push: { private: ["owner", "developer"], public: ["owner", "developer"] },
  delete: { private: ["owner"], public: ["owner"] },
} as const;

async function liveTags(repo: string): Promise<string[]> {
  const res = await skopeo(["list-tags", "--tls-verify=false", "--creds", creds("owner") as string, `docker://${registryHost}/${team}/${repo}`]);
  return res.code === 0 ? (JSON.parse(res.out.slice(res.out.indexOf("{"))) as { Tags: string[] }).Tags : [];
}

before(async () => {
  const [owner, developer, viewer, outsider] = await Promise.all([signUp(), signUp(), signUp(), signUp()]);
  users = { owner, developer, viewer, outsider };
  team = await teamWith(owner, [
    { user: developer, role: "developer" },
    { user: viewer, role: "viewer" },
  ]);
  await pushImage({ user: owner, image: `${team}/private:v1` });
  await pushImage({ user: owner, image: `${team}/public:v1` });
  const res = await call("updateRepository", { cookie: owner.cookie, params: { team, repo: "public" }, body: { public: true } });
  assert.equal(res.status, 200);
});

after(async () => {
  for (const image of localImages) await docker.run(["rmi", "-f", image]);
});

describe("docker login", () => {
  it("accepts a password and an access token, and refuses a wrong one with a readable error", async () => {
    const ok = await docker.run(["login", registryHost, "-u", users.owner.username, "--password-stdin"], users.owner.password);
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /Login Succeeded/);

    const token = await call("createToken", { cookie: users.developer.cookie, body: { name: "docker", scopes: ["registry:write"] } });
    const withToken = await docker.run(["login", registryHost, "-u", users.developer.email, "--password-stdin"], token.body.secret);
    assert.equal(withToken.code, 0, withToken.out);

    const bad = await docker.run(["login", registryHost, "-u", users.viewer.username, "--password-stdin"], "wrong-password-123");
    assert.notEqual(bad.code, 0);
    assert.match(bad.out, /incorrect username or password|unauthorized/i);
    await docker.run(["logout", registryHost]);
  });
});

for (const visibility of ["private", "public"] as const) {
  describe(`${visibility} repository`, () => {
    for (const actor of ACTORS) {
      it(`${actor}: pull with docker and skopeo`, async () => {
        const allowed = (expected.pull[visibility] as readonly Actor[]).includes(actor);
        await docker.run(["logout", registryHost]);
        if (actor !== "anonymous") await docker.run(["login", registryHost, "-u", users[actor].username, "--password-stdin"], users[actor].password);
        const image = `${registryHost}/${team}/${visibility}:v1`;
        const pulled = await docker.run(["pull", image]);
        localImages.push(image);
        assert.equal(pulled.code === 0, allowed, pulled.out);
        if (!allowed) assert.match(pulled.out, /denied|unauthorized/i);

        const inspected = await skopeo([
          "inspect",
          "--tls-verify=false",
          ...(creds(actor) ? ["--creds", creds(actor) as string] : ["--no-creds"]),
          `docker://${image}`,
        ]);
        assert.equal(inspected.code === 0, allowed, inspected.out);
      });

      it(`${actor}: push a new tag`, async () => {
        const allowed = (expected.push[visibility] as readonly Actor[]).includes(actor);
        const tag = `push-${actor}-${rand()}`;
        const res = await skopeoCopy(`${team}/${visibility}:${tag}`, creds(actor));
        assert.equal(res.code === 0, allowed, res.out);
        const tags = await liveTags(visibility);
        assert.equal(tags.includes(tag), allowed, `registry has ${tag}: ${tags}`);
        if (!allowed) {
          assert.match(res.out, /denied|unauthorized|authentication required/i);
          assert.equal(await tagRow(`${team}/${visibility}`, tag), undefined, "nothing recorded");
        }
      });

      it(`${actor}: delete`, async () => {
        const allowed = (expected.delete[visibility] as readonly Actor[]).includes(actor);
        // A repository of its own: the registry deletes by digest, and every copy of the base
        // image shares one digest, so deleting in the shared repository would drop v1 as well.
        const repo = `del-${visibility}-${actor}-${rand()}`;
        await pushImage({ user: users.owner, image: `${team}/${repo}:v1` });
        if (visibility === "public") await call("updateRepository", { cookie: users.owner.cookie, params: { team, repo }, body: { public: true } });
        const res = await skopeo([
          "delete",
          "--tls-verify=false",
          ...(creds(actor) ? ["--creds", creds(actor) as string] : ["--no-creds"]),
          `docker://${registryHost}/${team}/${repo}:v1`,
        ]);
        assert.equal(res.code === 0, allowed, res.out);
        assert.equal((await liveTags(repo)).includes("v1"), !allowed, "the tag is gone exactly when the delete was allowed");
      });
    }
  });
}

describe("deleting a tag through Berth", () => {
  it("keeps the other tags that pointed at the same image", async () => {
    const repo = `multi-${rand()}`;
    await pushImage({ user: users.owner, image: `${team}/${repo}:a` });
    await pushImage({ user: users.owner, image: `${team}/${repo}:b` });
    const res = await call("deleteTag", { cookie: users.owner.cookie, params: { team, repo, tag: "a" } });
    assert.equal(res.status, 204, JSON.stringify(res.body));
    assert.deepEqual(await liveTags(repo), ["b"]);
    const pulled = await skopeo(["inspect", "--tls-verify=false", "--creds", creds("owner") as string, `docker://${registryHost}/${team}/${repo}:b`]);
    assert.equal(pulled.code, 0, pulled.out);
  });

  it("counts a pull and shows size and layers of a tag", async () => {
    const repo = `stats-${rand()}`;
    await pushImage({ user: users.owner, image: `${team}/${repo}:v1` });
    await skopeo(["inspect", "--tls-verify=false", "--creds", creds("viewer") as string, `docker://${registryHost}/${team}/${repo}:v1`]);
    const detail = await call("getTag", { cookie: users.owner.cookie, params: { team, repo, tag: "v1" } });
    assert.equal(detail.status, 200);
    assert.ok(detail.body.sizeBytes > 100_000, `compressed size ${detail.body.sizeBytes}`);
    assert.equal(detail.body.os, "linux");
    assert.ok(detail.body.layers.length >= 1);
    assert.ok(detail.body.layers.every((l: { size: number; digest: string }) => l.size > 0 && l.digest.startsWith("sha256:")));
    let count = 0;
    for (let i = 0; i < 50 && count === 0; i++) {
      count = (await tagRow(`${team}/${repo}`, "v1"))?.pullCount ?? 0;
      if (count === 0) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(count, 1, "one GET of the manifest counted as one pull");
  });
});

describe("stars and storage usage", () => {
  it("counts stars per repository and shows whether I starred it", async () => {
    const repo = `starred-${rand()}`;
    await pushImage({ user: users.owner, image: `${team}/${repo}:v1` });
    assert.deepEqual((await call("starRepository", { cookie: users.owner.cookie, params: { team, repo } })).body, { starred: true, stars: 1 });
    assert.deepEqual((await call("starRepository", { cookie: users.viewer.cookie, params: { team, repo } })).body, { starred: true, stars: 2 });
    assert.deepEqual((await call("starRepository", { cookie: users.viewer.cookie, params: { team, repo } })).body, { starred: true, stars: 2 }, "idempotent");
    const detail = await call("getRepository", { cookie: users.viewer.cookie, params: { team, repo } });
    assert.equal(detail.body.starred, true);
    assert.equal(detail.body.stars, 2);
    assert.deepEqual((await call("unstarRepository", { cookie: users.viewer.cookie, params: { team, repo } })).body, { starred: false, stars: 1 });
  });

  it("reports the team's storage as the sum of unique layers", async () => {
    const usage = await call("teamUsage", { cookie: users.owner.cookie, params: { team } });
    assert.equal(usage.status, 200);
    // Every tag here is a copy of the same base image: one layer and one config, counted once.
    assert.equal(usage.body.layers, 2);
    assert.ok(usage.body.bytes > 100_000 && usage.body.bytes < 5_000_000, `${usage.body.bytes} bytes`);
    assert.ok(usage.body.tags > usage.body.repositories);
  });
});
