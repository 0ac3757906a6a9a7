// Issue 14, item 1, on one agent and the real engine: an older Berth's volume moved to its
// id-named successor while several containers of the app start at once; a copy left half-way made
// again; a volume another app's container uses never moved; volumes and networks of another owner
// refused; an app's volumes removed by their label, and no one else's.
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { after, describe, it } from "node:test";
import { legacyVolumeName, teamNetworkName, volumeName } from "@berth/core/apps";
import { LABELS } from "@berth/core/host-jobs";
import { BUSYBOX, docker, spec, useAgent } from "../agent.ts";

const suffix = randomBytes(3).toString("hex");
const team = `tv${suffix}`;
const teamId = randomUUID();
const { run, made } = useAgent();
made.networks.push(teamNetworkName(teamId));
const volumes: string[] = [];
after(async () => {
  for (const v of volumes)
    await docker
      .getVolume(v)
      .remove({ force: true })
      .catch(() => {});
});

const ownerLabels = (appId: string) => ({ [LABELS.managed]: "true", [LABELS.teamId]: teamId, [LABELS.appId]: appId, [LABELS.volume]: "data" });

/** A volume as an older Berth left it (no labels), with files written by a container that is then removed. */
async function legacyVolume(name: string, script: string): Promise<void> {
  volumes.push(name);
  const c = await docker.createContainer({ Image: BUSYBOX, Cmd: ["sh", "-c", script], HostConfig: { NetworkMode: "none", Binds: [`${name}:/d`] } });
  try {
    await c.start();
    assert.equal((await c.wait()).StatusCode, 0);
  } finally {
    await c.remove({ force: true });
  }
}

let n = 0;
function oneOff(app: string, appId: string, cmd: string, teamLabels = { team, teamId }, legacyShared?: true) {
  const name = `berth-test-vol-${suffix}-${++n}`;
  made.containers.push(name);
  return run(
    "containerOneOff",
    {
      version: 1,
      spec: spec(name, team, {
        cmd: ["sh", "-c", cmd],
        labels: { ...teamLabels, app, appId },
        volumes: [{ name: "data", target: "/data", legacyName: legacyVolumeName(team, app, "data"), ...(legacyShared ? { legacyShared } : {}) }],
      }),
      timeoutS: 30,
    },
    90_000,
  );
}

const inspect = async (name: string) => {
  try {
    return await docker.getVolume(name).inspect();
  } catch {
    return null;
  }
};

describe("moving an older Berth's volume", () => {
  it("moves it once while several containers of the app start at once, each seeing the data", async () => {
    const [app, appId] = ["moved", randomUUID()];
    const legacy = legacyVolumeName(team, app, "data");
    volumes.push(volumeName(appId, "data"));
    await legacyVolume(legacy, `echo hello-${suffix} > /d/hello && mkdir /d/dir && head -c 100000 /dev/urandom > /d/dir/blob && ln /d/dir/blob /d/hard`);
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => oneOff(app, appId, "cat /data/hello; md5sum /data/dir/blob /data/hard | cut -c1-32 | uniq | wc -l")),
    );
    for (const r of results) {
      assert.equal(r.exitCode, 0, r.output);
      assert.match(r.output, new RegExp(`hello-${suffix}\\s+1\\s*$`), "the data, and the hard link to the same content");
    }
    assert.equal(await inspect(legacy), null, "the old volume is gone");
    const moved = await inspect(volumeName(appId, "data"));
    assert.deepEqual(moved?.Labels, { ...ownerLabels(appId), [LABELS.migratedFrom]: legacy });
  });

  it("makes a copy left half-way again from the old volume", async () => {
    const [app, appId] = ["halfway", randomUUID()];
    const legacy = legacyVolumeName(team, app, "data");
    const name = volumeName(appId, "data");
    await legacyVolume(legacy, "echo whole > /d/whole");
    volumes.push(name);
    await docker.createVolume({ Name: name, Labels: { ...ownerLabels(appId), [LABELS.migratedFrom]: legacy } });
    const r = await oneOff(app, appId, "ls /data");
    assert.equal(r.exitCode, 0, r.output);
    assert.equal(r.output.trim(), "whole");
    assert.equal(await inspect(legacy), null);
  });

  it("refuses to move a volume another app's container uses, and changes nothing", async () => {
    const [app, appId] = ["shared", randomUUID()];
    const legacy = legacyVolumeName(team, app, "data");
    await legacyVolume(legacy, "echo theirs > /d/f");
    const user = `berth-test-vol-user-${suffix}`;
    made.containers.push(user);
    await docker.createContainer({
      name: user,
      Image: BUSYBOX,
      Cmd: ["true"],
      Labels: { [LABELS.managed]: "true", [LABELS.team]: "other", [LABELS.appId]: randomUUID() },
      HostConfig: { NetworkMode: "none", Binds: [`${legacy}:/d`] },
    });
    await assert.rejects(oneOff(app, appId, "cat /data/f"), (err: Error & { code?: string }) => {
      assert.equal(err.code, "CONFLICT");
      assert.match(err.message, new RegExp(`volume ${legacy} \\(named by an older Berth\\) is also used by 1 container\\(s\\) that are not app ${app}'s`));
      return true;
    });
    assert.ok(await inspect(legacy), "the old volume is kept");
    assert.equal(await inspect(volumeName(appId, "data")), null, "no new volume was made");
    assert.equal((await docker.getContainer(user).inspect()).Name, `/${user}`, "the other app's container is left alone");
  });

  it("refuses to move a volume whose old name another app's could have had, and changes nothing", async () => {
    const [app, appId] = ["look-alike", randomUUID()];
    const legacy = legacyVolumeName(team, app, "data");
    await legacyVolume(legacy, "echo whose > /d/f");
    await assert.rejects(oneOff(app, appId, "cat /data/f", { team, teamId }, true), (err: Error & { code?: string }) => {
      assert.equal(err.code, "CONFLICT");
      assert.match(err.message, new RegExp(`volume ${legacy} \\(named by an older Berth\\) could be app ${app}'s or another app's`));
      return true;
    });
    assert.ok(await inspect(legacy), "the old volume is kept");
    assert.equal(await inspect(volumeName(appId, "data")), null, "no new volume was made");
  });
});

describe("what another owner has", () => {
  it("refuses a team network of the id-made name that Berth did not make for the team", async () => {
    const otherTeamId = randomUUID();
    const name = teamNetworkName(otherTeamId);
    made.networks.push(name);
    await docker.createNetwork({ Name: name, Driver: "bridge", Labels: { [LABELS.managed]: "true", [LABELS.teamId]: teamId } });
    await assert.rejects(
      oneOff("net", randomUUID(), "true", { team: "squatted", teamId: otherTeamId }),
      /network .* was not made by Berth for team squatted; Berth does not join it/,
    );
  });

  it("removes an app's volumes by their label, and no other app's", async () => {
    const [mine, theirs] = [randomUUID(), randomUUID()];
    for (const appId of [mine, theirs]) {
      volumes.push(volumeName(appId, "data"), volumeName(appId, "cache"));
      await docker.createVolume({ Name: volumeName(appId, "data"), Labels: ownerLabels(appId) });
      await docker.createVolume({ Name: volumeName(appId, "cache"), Labels: { ...ownerLabels(appId), [LABELS.volume]: "cache" } });
    }
    const res = await run("volumesRemove", { version: 1, appId: mine });
    assert.deepEqual(res.removed.sort(), [volumeName(mine, "cache"), volumeName(mine, "data")].sort());
    assert.deepEqual(res.inUse, []);
    assert.equal(await inspect(volumeName(mine, "data")), null);
    assert.ok(await inspect(volumeName(theirs, "data")));
    assert.ok(await inspect(volumeName(theirs, "cache")));
  });
});
