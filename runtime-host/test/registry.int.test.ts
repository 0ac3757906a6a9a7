// Pulls and pushes through Berth's registry with short-lived registry tokens handed to the
// engine (AuthConfig.RegistryToken): commit + push makes a tag the registry serves, a run with
// `pull` fetches it onto an engine that did not have it, and the registry's refusals and
// missing tags come back as clear errors.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { docker, registry, registryAuthFor, registryClient, spec, useAgent, waitForLog } from "./agent.ts";

const suffix = randomBytes(3).toString("hex");
const team = `tr${suffix}`;
const repo = `berth-test/r${suffix}`;
const image = `${registry}/${repo}`;
const { run, made } = useAgent();
made.networks.push(`berth_net_${team}`);
made.images.push(`${image}:v1`);

describe("registry pulls and pushes from a runtime-host", () => {
  let pushed = "";

  it("commits a container and pushes the tag; the registry serves it under the returned digest", async () => {
    const source = `berth-test-src-${suffix}`;
    made.containers.push(source);
    await run("containerRun", { version: 1, spec: spec(source, team, { cmd: ["sh", "-c", `echo marker-${suffix} > /marker && echo ready && sleep 300`] }) });
    assert.ok(await waitForLog(source, "ready"), "the marker is written");
    const res = await run("containerCommit", { version: 1, name: source, repo: image, tag: "v1", push: registryAuthFor(repo, ["pull", "push"]) });
    assert.match(res.imageId, /^sha256:/);
    assert.match(res.digest ?? "", /^sha256:[a-f0-9]{64}$/);
    made.tags.push({ repo, digest: res.digest as string });
    const manifest = await registryClient.getManifest(repo, "v1");
    assert.equal(manifest?.digest, res.digest);
    pushed = res.imageId;
  });

  it("pulls the image before running it when given credentials", async () => {
    assert.ok(pushed, "the push test ran");
    await docker.getImage(`${image}:v1`).remove({ force: true });
    await assert.rejects(docker.getImage(`${image}:v1`).inspect(), /no such image/i, "not on the engine any more");

    const name = `berth-test-pulled-${suffix}`;
    made.containers.push(name);
    const res = await run("containerRun", {
      version: 1,
      spec: spec(name, team, { image: `${image}:v1`, cmd: ["sh", "-c", "cat /marker; sleep 300"] }),
      pull: registryAuthFor(repo, ["pull"]),
    });
    const info = await docker.getContainer(res.dockerId).inspect();
    assert.equal(info.State.Running, true);
    assert.ok(await waitForLog(name, `marker-${suffix}`), "the pulled image has the committed file");
  });

  it("says so when the tag is not in the registry", async () => {
    const name = `berth-test-missing-${suffix}`;
    made.containers.push(name);
    await assert.rejects(
      run("containerRun", { version: 1, spec: spec(name, team, { image: `${image}:nope` }), pull: registryAuthFor(repo, ["pull"]) }),
      new RegExp(`image ${image}:nope not found in the registry`),
    );
  });

  it("says so when the token does not grant a pull of that repository", async () => {
    const name = `berth-test-denied-${suffix}`;
    made.containers.push(name);
    await assert.rejects(
      run("containerRun", { version: 1, spec: spec(name, team, { image: `${image}:v1` }), pull: registryAuthFor(`berth-test/other${suffix}`, ["pull"]) }),
      new RegExp(`not authorised to pull ${image}:v1`),
    );
  });

  it("fails a push with the registry's refusal when the token grants only pulls", async () => {
    const source = `berth-test-src-${suffix}`;
    made.images.push(`${image}:v2`); // the commit happens before the push is refused
    await assert.rejects(
      run("containerCommit", { version: 1, name: source, repo: image, tag: "v2", push: registryAuthFor(repo, ["pull"]) }),
      /the registry refused the push of .*:v2: .*(denied|unauthorized)/,
    );
    assert.equal(await registryClient.getManifest(repo, "v2"), null, "nothing was pushed");
  });
});
