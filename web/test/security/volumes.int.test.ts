// Issue 14, item 1: named volumes of different tenants are never the same volume. They were named
// `berth-<team>-<app>-<volume>`, so team "x-bb" app "cc" and team "x" app "bb-cc" shared one. Now they
// are named from the app's id and labelled with their owner; a volume with another owner's labels
// (or none) is refused; an older Berth's volume is moved to the new name with its data; deleting
// an app removes its volumes. Played against the real stack, on every online host's engine.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { LABELS } from "@berth/core/host-jobs";
import { call, rand, signInAs, signUp, type TestUser } from "../api.ts";
import { stack } from "../config.ts";
import { appHost, dockerFor, waitForApp, waitForDeployment } from "../deploys.ts";
import { sql } from "../sql.ts";

const IMAGE = `${stack.registryHost}/berth/busybox:latest`;
const httpd = (root: string, healthPath?: string) => ({
  port: 8080,
  memoryMb: 32,
  volumes: [{ name: "data", target: "/data" }],
  cmd: ["sh", "-c", `mkdir -p ${root} && exec busybox httpd -f -p 8080 -h ${root}`],
  healthCheck: healthPath
    ? { type: "http", path: healthPath, timeoutS: 2, attempts: 20, intervalMs: 250 }
    : { type: "tcp", path: "/", timeoutS: 2, attempts: 20, intervalMs: 250 },
});

const docker = (hostId: string, args: string[]) => execFileSync("docker", [...dockerFor(hostId), ...args], { stdio: ["ignore", "pipe", "pipe"] }).toString();
const volumeOn = (hostId: string, name: string): { Labels: Record<string, string> | null } | null => {
  try {
    return JSON.parse(docker(hostId, ["volume", "inspect", name]))[0];
  } catch {
    return null;
  }
};

let admin: string;
let hosts: string[];
const r = rand();
// Look-alikes: `berth-<team>-<app>-data` was the same for both (team A's app "bb-cc", team B's app "cc").
const teamA = `sa-${r}`;
const teamB = `sa-${r}-bb`;
const made: { user: TestUser; team: string; app: string }[] = [];
const volumesMade: { hostId: string; name: string }[] = [];
/** Team B's apps whose volumes Berth made on some host, for the team's deletion at the end. */
const teamBApps: string[] = [];
let squatted = "";

async function createApp(user: TestUser, team: string, app: string, config: Record<string, unknown>, deploy = true) {
  const res = await call("createApp", { cookie: user.cookie, params: { team }, body: { name: app, image: IMAGE, config, deploy } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  made.push({ user, team, app });
  const [ids] = await sql<{ appId: string; teamId: string }>(
    `SELECT a.id AS "appId", t.id AS "teamId" FROM app a JOIN team t ON t.id = a."teamId" WHERE t.slug = $1 AND a.name = $2`,
    [team, app],
  );
  assert.ok(ids);
  return { ...ids, deploymentId: res.body.deployment?.id as string | undefined };
}

async function containersOf(user: TestUser, team: string, app: string): Promise<{ hostId: string; name: string }[]> {
  const res = await call("listContainers", { cookie: user.cookie, params: { team }, query: { app } });
  assert.equal(res.status, 200);
  return res.body.containers;
}

const runIn = (user: TestUser, team: string, app: string, script: string) =>
  call("runCommand", { cookie: user.cookie, params: { team, app }, body: { cmd: ["sh", "-c", script], timeoutS: 30 } });

let userA: TestUser;
let userB: TestUser;

before(async () => {
  [userA, userB] = await Promise.all([signUp(), signUp()]);
  admin = await signInAs(stack.adminEmail, stack.adminPassword);
  const listed = await call("listHosts", { cookie: admin });
  hosts = (listed.body.hosts as { id: string; online: boolean; draining: boolean }[]).filter((h) => h.online && !h.draining).map((h) => h.id);
  assert.ok(hosts.length >= 1, "an online host");
  assert.equal((await call("createTeam", { cookie: userA.cookie, body: { slug: teamA, name: "A" } })).status, 201);
  assert.equal((await call("createTeam", { cookie: userB.cookie, body: { slug: teamB, name: "B" } })).status, 201);
});

after(async () => {
  for (const m of made) await call("deleteApp", { cookie: m.user.cookie, params: { team: m.team, app: m.app } });
  for (const v of volumesMade) {
    try {
      docker(v.hostId, ["volume", "rm", "-f", v.name]);
    } catch {}
  }
  for (const [user, team] of [
    [userA, teamA],
    [userB, teamB],
  ] as const) {
    if (user) await call("deleteTeam", { cookie: user.cookie, params: { team } });
  }
});

describe("named volumes of look-alike teams", () => {
  let victim: { appId: string; teamId: string };
  const secret = `s3cret-${rand()}`;

  it("keeps a secret one app wrote to its volume out of the look-alike app's volume", async () => {
    // The victim runs a replica on every host, each writing the secret into its volume there.
    const cfg = httpd("/data");
    victim = await createApp(userA, teamA, "bb-cc", {
      ...cfg,
      replicas: hosts.length,
      cmd: ["sh", "-c", `echo ${secret} > /data/secret && exec busybox httpd -f -p 8080 -h /data`],
    });
    const done = await waitForDeployment({ cookie: userA.cookie }, teamA, "bb-cc", victim.deploymentId ?? "", 120_000);
    assert.equal(done.status, "live", done.reason);
    const victimHosts = new Set((await containersOf(userA, teamA, "bb-cc")).map((c) => c.hostId));
    assert.deepEqual([...victimHosts].sort(), [...hosts].sort(), "the victim's volume holds the secret on every host");
    // The victim reads its own secret back (so the attacker's read below could see it if shared).
    const own = await runIn(userA, teamA, "bb-cc", "cat /data/secret");
    assert.equal(own.status, 200, JSON.stringify(own.body));
    assert.match(own.body.output, new RegExp(secret));

    const attacker = await createApp(userB, teamB, "cc", httpd("/data"));
    teamBApps.push(attacker.appId);
    const live = await waitForDeployment({ cookie: userB.cookie }, teamB, "cc", attacker.deploymentId ?? "", 120_000);
    assert.equal(live.status, "live", live.reason);
    const peek = await runIn(userB, teamB, "cc", "ls -la /data; cat /data/secret");
    assert.equal(peek.status, 200, JSON.stringify(peek.body));
    assert.doesNotMatch(peek.body.output, new RegExp(secret), "the look-alike app reads the victim's secret");
    assert.notEqual(peek.body.exitCode, 0, "there is no /data/secret in the look-alike's volume");
    // Nor does it reach it through its own replica's web server.
    const web = await waitForApp(appHost("cc", teamB), (x) => x.status !== 502 && x.status !== 503, 10_000, "/secret");
    assert.equal(web.status, 404);

    // Each host: two volumes, each named from its app's id and labelled with its owner; the old name is not there.
    for (const hostId of hosts) {
      for (const [owner, teamId] of [
        [victim, victim.teamId],
        [attacker, attacker.teamId],
      ] as const) {
        const v = volumeOn(hostId, `berth_vol_${owner.appId}_data`);
        if (owner === attacker && !(await containersOf(userB, teamB, "cc")).some((c) => c.hostId === hostId)) continue;
        assert.ok(v, `volume of ${owner.appId} on ${hostId}`);
        assert.equal(v.Labels?.[LABELS.appId], owner.appId);
        assert.equal(v.Labels?.[LABELS.teamId], teamId);
        assert.equal(v.Labels?.[LABELS.volume], "data");
      }
      assert.equal(volumeOn(hostId, `berth-${teamA}-bb-cc-data`), null, "no slug-named volume is made");
    }
  });

  it("removes an app's volumes on every host when the app is deleted", async () => {
    assert.ok(victim, "the first test made the app");
    const before = hosts.filter((h) => volumeOn(h, `berth_vol_${victim.appId}_data`));
    assert.ok(before.length > 0);
    const del = await call("deleteApp", { cookie: userA.cookie, params: { team: teamA, app: "bb-cc" } });
    assert.equal(del.status, 204, JSON.stringify(del.body));
    const until = Date.now() + 45_000;
    let left = before;
    while (left.length > 0 && Date.now() < until) {
      await new Promise((res) => setTimeout(res, 500));
      left = before.filter((h) => volumeOn(h, `berth_vol_${victim.appId}_data`));
    }
    assert.deepEqual(left, [], "the deleted app's volumes are gone");
  });
});

describe("a volume that is not the app's own", () => {
  for (const kind of ["another team's labels", "no labels"] as const) {
    it(`is refused when it carries ${kind}, with a clear error, and left as it was`, async () => {
      const app = kind === "no labels" ? "bare" : "squat";
      const { appId } = await createApp(userB, teamB, app, httpd("/data"), false);
      if (kind !== "no labels") squatted = appId;
      const [other] = await sql<{ id: string }>(`SELECT id FROM team WHERE slug = $1`, [teamA]);
      const name = `berth_vol_${appId}_data`;
      for (const hostId of hosts) {
        const labels =
          kind === "no labels"
            ? []
            : [
                "--label",
                `${LABELS.managed}=true`,
                "--label",
                `${LABELS.teamId}=${other?.id}`,
                "--label",
                `${LABELS.appId}=not-${appId}`,
                "--label",
                `${LABELS.volume}=data`,
              ];
        docker(hostId, ["volume", "create", ...labels, name]);
        volumesMade.push({ hostId, name });
      }
      const dep = await call("createDeployment", { cookie: userB.cookie, params: { team: teamB, app }, body: { image: IMAGE } });
      assert.equal(dep.status, 201, JSON.stringify(dep.body));
      const done = await waitForDeployment({ cookie: userB.cookie }, teamB, app, dep.body.id, 120_000);
      assert.equal(done.status, "failed");
      const why = kind === "no labels" ? "was not made by Berth" : "is labelled as another app's";
      assert.match(done.reason ?? "", new RegExp(`volume ${name} on this host ${why}; Berth does not mount it`), done.reason);
      assert.deepEqual(await containersOf(userB, teamB, app), [], "no container of the app runs");
      for (const hostId of hosts) {
        const v = volumeOn(hostId, name);
        assert.ok(v, "the volume is left alone");
        assert.equal(v.Labels?.[LABELS.appId] ?? null, kind === "no labels" ? null : `not-${appId}`);
      }
    });
  }
});

describe("a volume made by an older Berth", () => {
  it("is moved to the new name with its data on the next deploy, and the old one removed", async () => {
    const app = "legacy";
    const { appId, teamId } = await createApp(userB, teamB, app, { ...httpd("/data", "/hello.txt"), replicas: hosts.length }, false);
    teamBApps.push(appId);
    const legacy = `berth-${teamB}-${app}-data`;
    const big = 300_000;
    for (const hostId of hosts) {
      // The image is on each host's engine from the deploys above; `-v` makes the volume as an older Berth did (no labels).
      const image = busyboxOn(hostId);
      docker(hostId, [
        "run",
        "--rm",
        "--network",
        "none",
        "-v",
        `${legacy}:/d`,
        image,
        "sh",
        "-c",
        `echo hello-${r} > /d/hello.txt && mkdir -p /d/sub/deeper && head -c ${big} /dev/urandom > /d/sub/deeper/blob && ln -s ../hello.txt /d/sub/link && chmod 640 /d/hello.txt && chown 1234:5678 /d/sub/deeper/blob`,
      ]);
      volumesMade.push({ hostId, name: legacy });
    }
    const sums = Object.fromEntries(hosts.map((h) => [h, checksums(h, legacy)]));
    const dep = await call("createDeployment", { cookie: userB.cookie, params: { team: teamB, app }, body: { image: IMAGE } });
    assert.equal(dep.status, 201, JSON.stringify(dep.body));
    // Its health check reads /hello.txt from the volume: it passes only with the data moved.
    const done = await waitForDeployment({ cookie: userB.cookie }, teamB, app, dep.body.id, 120_000);
    assert.equal(done.status, "live", done.reason);
    const got = await waitForApp(appHost(app, teamB), (x) => x.status === 200, 10_000, "/hello.txt");
    assert.equal(got.body.trim(), `hello-${r}`);
    const served = new Set((await containersOf(userB, teamB, app)).map((c) => c.hostId));
    assert.ok(served.size > 0);
    for (const hostId of served) {
      const name = `berth_vol_${appId}_data`;
      const v = volumeOn(hostId, name);
      assert.ok(v, `${name} on ${hostId}`);
      assert.equal(v.Labels?.[LABELS.appId], appId);
      assert.equal(v.Labels?.[LABELS.teamId], teamId);
      assert.equal(v.Labels?.[LABELS.migratedFrom], legacy);
      assert.equal(volumeOn(hostId, legacy), null, "the old volume is gone once the copy is verified");
      assert.equal(checksums(hostId, name), sums[hostId], "same files, modes, owners and contents");
    }
  });
});

describe("an older Berth's volume whose name two apps could have had", () => {
  it("is moved to neither, with a clear error, and left as it was", async () => {
    // `berth-<teamA>-bb-sh-data` is team A's app "bb-sh" and team B's app "sh" alike.
    await createApp(userA, teamA, "bb-sh", httpd("/data"), false);
    await createApp(userB, teamB, "sh", httpd("/data"), false);
    const legacy = `berth-${teamA}-bb-sh-data`;
    for (const hostId of hosts) {
      docker(hostId, ["run", "--rm", "--network", "none", "-v", `${legacy}:/d`, busyboxOn(hostId), "sh", "-c", `echo whose-${r} > /d/f`]);
      volumesMade.push({ hostId, name: legacy });
    }
    const dep = await call("createDeployment", { cookie: userB.cookie, params: { team: teamB, app: "sh" }, body: { image: IMAGE } });
    assert.equal(dep.status, 201, JSON.stringify(dep.body));
    const done = await waitForDeployment({ cookie: userB.cookie }, teamB, "sh", dep.body.id, 120_000);
    assert.equal(done.status, "failed");
    assert.match(done.reason ?? "", new RegExp(`volume ${legacy} \\(named by an older Berth\\) could be app sh's or another app's`), done.reason);
    for (const hostId of hosts) assert.match(checksums(hostId, legacy), /\.\/f regular file/, "the old volume is kept with its data");
  });
});

describe("deleting a team", () => {
  it("removes its apps' volumes on every host, and not a volume labelled as someone else's", async () => {
    assert.ok(teamBApps.length === 2 && squatted, "the tests above made the apps");
    const mine = (h: string) => teamBApps.map((id) => `berth_vol_${id}_data`).filter((v) => volumeOn(h, v));
    assert.ok(hosts.some((h) => mine(h).length > 0));
    const del = await call("deleteTeam", { cookie: userB.cookie, params: { team: teamB } });
    assert.equal(del.status, 204, JSON.stringify(del.body));
    const until = Date.now() + 45_000;
    let left = hosts.flatMap(mine);
    while (left.length > 0 && Date.now() < until) {
      await new Promise((res) => setTimeout(res, 500));
      left = hosts.flatMap(mine);
    }
    assert.deepEqual(left, [], "the deleted team's volumes are gone");
    // It carried another app's labels under this team's app's name: not the team's to remove.
    for (const h of hosts) assert.ok(volumeOn(h, `berth_vol_${squatted}_data`), `the squatted volume is kept on ${h}`);
  });
});

/** Every path in a volume with its type, mode, owner, size and checksum, read by a throwaway container. */
function checksums(hostId: string, volume: string): string {
  const image = busyboxOn(hostId);
  return docker(hostId, [
    "run",
    "--rm",
    "--network",
    "none",
    "-v",
    `${volume}:/d:ro`,
    image,
    "sh",
    "-c",
    'cd /d && find . | sort | while read -r f; do echo "$f $(stat -c \'%F %a %u:%g %s\' "$f") $( [ -f "$f" ] && [ ! -L "$f" ] && md5sum < "$f" | cut -c1-32)"; done',
  ]);
}

/** The id of Berth's busybox image on a host's engine (pulled there by the deploys, possibly by digest only). */
function busyboxOn(hostId: string): string {
  const repo = IMAGE.replace(/:latest$/, "");
  const lines = docker(hostId, ["images", "--no-trunc", "--format", "{{.Repository}} {{.ID}}"]).split("\n");
  const id = lines.find((l) => l.startsWith(`${repo} `))?.split(" ")[1];
  if (!id) throw new Error(`${repo} is not on ${hostId}'s engine`);
  return id;
}
