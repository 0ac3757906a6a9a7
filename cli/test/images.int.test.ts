// `berth images ...` against the running stack: a real push with skopeo, then the CLI lists,
// shows, publishes and deletes, with the exit codes it promises.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { call, signUp, type TestUser, teamWith } from "../../web/test/api.ts";
import { pushImage } from "../../web/test/registry.ts";
import { runBerth } from "./run-cli.ts";

const scratch = mkdtempSync(join(tmpdir(), "berth-cli-images-"));
let owner: TestUser;
let viewer: TestUser;
let team: string;

const berth = (args: string[], token: string) => runBerth(scratch, args, token);

const tokenFor = async (u: TestUser) => (await call("createToken", { cookie: u.cookie, body: { name: "cli", scopes: ["admin"] } })).body.secret as string;

before(async () => {
  owner = await signUp();
  viewer = await signUp();
  team = await teamWith(owner, [{ user: viewer, role: "viewer" }]);
  await pushImage({ user: owner, image: `${team}/app:v1` });
  await pushImage({ user: owner, image: `${team}/app:v2` });
});

describe("berth images", () => {
  it("lists repositories and tags as tables and JSON", async () => {
    const token = await tokenFor(owner);
    const list = await berth(["images", "list", team], token);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`${team}/app\\s+private\\s+2`));
    const tags = await berth(["images", "tags", `${team}/app`, "--json"], token);
    assert.equal(tags.code, 0, tags.stderr);
    const body = JSON.parse(tags.stdout);
    assert.deepEqual(body.tags.map((t: { name: string }) => t.name).sort(), ["v1", "v2"]);
    assert.ok(body.tags.every((t: { sizeBytes: number }) => t.sizeBytes > 100_000));
  });

  it("makes a repository public, and refuses a viewer with exit 4", async () => {
    const made = await berth(["images", "visibility", `${team}/app`, "public"], await tokenFor(owner));
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /is now public/);
    const refused = await berth(["images", "visibility", `${team}/app`, "private"], await tokenFor(viewer));
    assert.equal(refused.code, 4, refused.stderr);
    const found = await berth(["images", "explore", "--query", team, "--json"], await tokenFor(viewer));
    assert.ok(JSON.parse(found.stdout).repositories.some((r: { fullName: string }) => r.fullName === `${team}/app`));
  });

  it("deletes one tag only with --yes, keeping the other tag of the same image", async () => {
    const token = await tokenFor(owner);
    const unconfirmed = await berth(["images", "delete-tag", `${team}/app`, "v1"], token);
    assert.equal(unconfirmed.code, 2);
    const deleted = await berth(["images", "delete-tag", `${team}/app`, "v1", "--yes"], token);
    assert.equal(deleted.code, 0, deleted.stderr);
    const tags = JSON.parse((await berth(["images", "tags", `${team}/app`, "--json"], token)).stdout);
    assert.deepEqual(
      tags.tags.map((t: { name: string }) => t.name),
      ["v2"],
    );
  });

  it("answers a missing repository with exit 5 and a malformed one with exit 2", async () => {
    const token = await tokenFor(owner);
    assert.equal((await berth(["images", "tags", `${team}/nope`], token)).code, 5);
    assert.equal((await berth(["images", "tags", "no-slash"], token)).code, 2);
  });
});
