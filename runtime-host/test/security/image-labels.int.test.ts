// A hostile tenant pushes an image straight to Berth's registry (no Berth build, so no build-time label
// check) carrying Berth's own labels with another team's app id, then deploys it: a container inherits
// its image's labels for every key Berth leaves unset, and the runtime-host reads ownership from them.
// The deploy is refused with a clear reason, and nothing changed: no container of the image exists on
// any engine, and the other app's containers are exactly what they were.
// The image is built with the Engine API from busybox in Berth's registry and pushed with the docker CLI.
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import Docker from "dockerode";
import { call, signUp, type TestUser, teamWith } from "../../../web/test/api.ts";
import { stack } from "../../../web/test/config.ts";
import { waitForDeployment } from "../../../web/test/deploys.ts";
import { dockerCli } from "../../../web/test/registry.ts";

const run = promisify(execFile);
const BASE = `${stack.registryHost}/berth/busybox:latest`;
const httpd = {
  port: 8080,
  cmd: ["busybox", "httpd", "-f", "-p", "8080", "-h", "/etc"],
  healthCheck: { type: "http", path: "/passwd", timeoutS: 2, attempts: 20, intervalMs: 250 },
};
const engines = [stack.dockerSocket, stack.docker2Socket];

let victim: TestUser;
let attacker: TestUser;
let victimTeam = "";
let attackerTeam = "";
let victimAppId = "";
let work = "";
let image = "";
const cli = dockerCli();

/** Every container on every engine with this label, as "name=value of the label". */
function labelled(label: string): string[] {
  return engines
    .flatMap((socket) =>
      execFileSync("docker", ["-H", `unix://${socket}`, "ps", "-a", "--filter", `label=${label}`, "--format", "{{.Names}}"], { encoding: "utf8" })
        .split("\n")
        .filter(Boolean),
    )
    .sort();
}

/** The victim app's containers as Berth counts them: which container, where, of which release, in which state. */
async function victimContainers(): Promise<string[]> {
  const r = await call("listContainers", { cookie: victim.cookie, params: { team: victimTeam }, query: { app: "site" } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.containers.map((c: { name: string; hostId: string; appName: string; releaseVersion: number; state: string }) =>
    [c.name, c.hostId, c.appName, c.releaseVersion, c.state].join(" "),
  );
}

before(async () => {
  [victim, attacker] = await Promise.all([signUp(), signUp()]);
  [victimTeam, attackerTeam] = await Promise.all([teamWith(victim), teamWith(attacker)]);
  const made = await call("createApp", {
    cookie: victim.cookie,
    params: { team: victimTeam },
    body: { name: "site", image: BASE, config: httpd, deploy: true },
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  victimAppId = made.body.app.id;
  const done = await waitForDeployment({ cookie: victim.cookie }, victimTeam, "site", made.body.deployment.id, 120_000);
  assert.equal(done.status, "live", done.reason);

  // The attacker's image, built straight through the engine (no Berth build) and pushed as a registry client would.
  work = await mkdtemp(join(tmpdir(), "berth-image-labels-"));
  await writeFile(
    join(work, "Dockerfile"),
    `FROM ${BASE}\nLABEL berth.app-id=${victimAppId} berth.app=site berth.release=1\nCMD ["busybox", "httpd", "-f", "-p", "8080", "-h", "/etc"]\n`,
  );
  image = `${stack.registryHost}/${attackerTeam}/evil:1`;
  const docker = new Docker({ socketPath: stack.dockerSocket });
  const build = await docker.buildImage({ context: work, src: ["Dockerfile"] }, { t: image, pull: false, rm: true, forcerm: true });
  await new Promise((resolve, reject) => docker.modem.followProgress(build, (err) => (err ? reject(err) : resolve(undefined))));
  const login = await cli.run(["login", stack.registryHost, "-u", attacker.username, "--password-stdin"], attacker.password);
  assert.equal(login.code, 0, login.out);
  const push = await cli.run(["push", image]);
  assert.equal(push.code, 0, push.out);
});

after(async () => {
  if (attackerTeam) await call("deleteTeam", { cookie: attacker.cookie, params: { team: attackerTeam } });
  if (victimTeam) await call("deleteTeam", { cookie: victim.cookie, params: { team: victimTeam } });
  if (image) await run("docker", ["rmi", "-f", image]).catch(() => {});
  if (work) await rm(work, { recursive: true, force: true });
  await rm(cli.config, { recursive: true, force: true });
});

describe("an image pushed with Berth's own labels", () => {
  it("is refused at deploy with a clear reason; no container of it exists and the other app's containers are unchanged", async () => {
    const before = labelled(`berth.app-id=${victimAppId}`);
    assert.equal(before.length, 1, `the victim's replica runs (${before.join(", ")})`);
    const listed = await victimContainers();
    assert.equal(listed.length, 1);

    const made = await call("createApp", {
      cookie: attacker.cookie,
      params: { team: attackerTeam },
      body: { name: "evil", image, config: { port: 8080, healthCheck: httpd.healthCheck }, deploy: true },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const done = await waitForDeployment({ cookie: attacker.cookie }, attackerTeam, "evil", made.body.deployment.id, 120_000);
    assert.equal(done.status, "failed", done.reason);
    assert.match(
      done.reason,
      /image \S+\/evil@sha256:[0-9a-f]{64} carries Berth's own labels berth\.app, berth\.app-id, berth\.release; Berth refuses images that set berth\.\* labels/,
    );

    // Nothing changed: the image ran nowhere, and the victim's app has the same one container.
    assert.deepEqual(labelled(`berth.app-id=${victimAppId}`), before);
    assert.deepEqual(labelled(`berth.team=${attackerTeam}`), []);
    assert.deepEqual(await victimContainers(), listed);
  });
});
