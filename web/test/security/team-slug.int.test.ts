// Issue 14, item 8: the registry names repositories by team slug, so a deleted team's images must
// be gone before someone else can take the slug. A team pushes an image, is deleted; another user
// creates a team with the same slug and finds nothing: not by tag, not by digest, not a blob.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { call, fakeIp, rand, signUp } from "../api.ts";
import { stack } from "../config.ts";
import { pushImage, registryHost, skopeo } from "../registry.ts";
import { sql } from "../sql.ts";

/** A registry bearer token for `scope` as a user (Basic credentials at Berth's token server). */
async function registryToken(user: { username: string; password: string }, scope: string): Promise<string> {
  const res = await fetch(`${stack.webUrl}/api/registry/token?service=${encodeURIComponent(stack.registryService)}&scope=${encodeURIComponent(scope)}`, {
    headers: { authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString("base64")}`, "x-forwarded-for": fakeIp() },
  });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { token: string }).token;
}

const registryGet = (path: string, token: string) =>
  fetch(`http://${registryHost}/v2/${path}`, {
    headers: { authorization: `Bearer ${token}`, accept: "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json" },
  });

/** Pushes the base image's blobs and manifest to `repo` with a given token, as a client would; returns the manifest's digest. */
async function pushBaseImageWith(user: { username: string; password: string }, repo: string, token: string): Promise<string> {
  const baseToken = await registryToken(user, "repository:berth/busybox:pull");
  const base = await registryGet("berth/busybox/manifests/latest", baseToken);
  assert.equal(base.status, 200);
  const mediaType = base.headers.get("content-type") ?? "";
  const raw = Buffer.from(await base.arrayBuffer());
  const manifest = JSON.parse(raw.toString()) as { config: { digest: string }; layers: { digest: string }[] };
  for (const digest of [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) {
    const blob = Buffer.from(await (await registryGet(`berth/busybox/blobs/${digest}`, baseToken)).arrayBuffer());
    const started = await fetch(`http://${registryHost}/v2/${repo}/blobs/uploads/`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    assert.equal(started.status, 202, await started.text());
    const location = new URL(started.headers.get("location") ?? "", `http://${registryHost}`);
    location.searchParams.set("digest", digest);
    const put = await fetch(location, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" }, body: blob });
    assert.equal(put.status, 201, await put.text());
  }
  const put = await fetch(`http://${registryHost}/v2/${repo}/manifests/1`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": mediaType },
    body: raw,
  });
  assert.equal(put.status, 201, await put.text());
  return put.headers.get("docker-content-digest") ?? "";
}

describe("a deleted team's slug", () => {
  it("passes to a new owner without the old team's images", async () => {
    const [first, second] = await Promise.all([signUp(), signUp()]);
    const slug = `t-${rand()}`;
    const repo = `${slug}/secret`;
    assert.equal((await call("createTeam", { cookie: first.cookie, body: { slug, name: "First" } })).status, 201);
    await pushImage({ user: first, image: `${repo}:1` });
    await pushImage({ user: first, image: `${repo}:stable` });

    // What the first team's member knows of the image: its digest and its blobs.
    const firstToken = await registryToken(first, `repository:${repo}:pull`);
    const manifestRes = await registryGet(`${repo}/manifests/1`, firstToken);
    assert.equal(manifestRes.status, 200);
    const digest = manifestRes.headers.get("docker-content-digest") ?? "";
    const manifest = (await manifestRes.json()) as { config: { digest: string }; layers: { digest: string }[] };
    const blobs = [manifest.config.digest, ...manifest.layers.map((l) => l.digest)];
    assert.equal((await registryGet(`${repo}/blobs/${blobs[0]}`, firstToken)).status, 200, "the blob is readable before");

    // A push already under way when the team goes: its token was issued before the deletion.
    const late = `${slug}/late`;
    const lateToken = await registryToken(first, `repository:${late}:pull,push`);

    const deleted = await call("deleteTeam", { cookie: first.cookie, params: { team: slug } });
    assert.equal(deleted.status, 204, JSON.stringify(deleted.body));

    const lateDigest = await pushBaseImageWith(first, late, lateToken);
    // The registry tells Berth of the push; a push into a deleted team's namespace is deleted.
    let lateStatus = 200;
    for (let i = 0; i < 60 && lateStatus !== 404; i++) {
      await sleep(250);
      lateStatus = (await registryGet(`${late}/manifests/${lateDigest}`, lateToken)).status;
    }
    assert.equal(lateStatus, 404, "the late push was removed");

    const created = await call("createTeam", { cookie: second.cookie, body: { slug, name: "Second" } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const creds = `${second.username}:${second.password}`;
    for (const ref of [`${repo}:1`, `${repo}:stable`, `${repo}@${digest}`, `${late}:1`]) {
      const inspected = await skopeo(["inspect", "--tls-verify=false", "--creds", creds, `docker://${registryHost}/${ref}`]);
      assert.notEqual(inspected.code, 0, `${ref} is still pullable: ${inspected.out}`);
      assert.match(inspected.out, /manifest unknown|not found|404/i, ref);
    }
    // The new owner may pull from the namespace (it is theirs now), and still finds nothing.
    const secondToken = await registryToken(second, `repository:${repo}:pull`);
    assert.equal((await registryGet(`${repo}/manifests/${digest}`, secondToken)).status, 404);
    for (const blob of blobs) assert.equal((await registryGet(`${repo}/blobs/${blob}`, secondToken)).status, 404, `blob ${blob}`);
    const tags = await registryGet(`${repo}/tags/list`, secondToken);
    const tagList = tags.status === 200 ? (((await tags.json()) as { tags: string[] | null }).tags ?? []) : [];
    assert.deepEqual(tagList, []);

    const repos = await call("listRepositories", { cookie: second.cookie, params: { team: slug } });
    assert.equal(repos.status, 200);
    assert.deepEqual(repos.body.repositories, []);
    const rows = await sql(`SELECT r.name FROM image_repository r JOIN team t ON t.id = r."teamId" WHERE t.slug = $1`, [slug]);
    assert.deepEqual(rows, []);
    await call("deleteTeam", { cookie: second.cookie, params: { team: slug } });
  });
});
