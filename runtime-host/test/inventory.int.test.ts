// What a runtime-host reports about its engine: container.list finds the containers this host
// manages and nothing else; the host.inventory job carries them; the sweep removes only team
// networks that no container uses and that are old enough.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, describe, it } from "node:test";
import { JOBS, QUEUE_PREFIX } from "@berth/core";
import { LABELS } from "@berth/core/host-jobs";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { HOST_LABEL } from "../src/containers/create-container.ts";
import { pruneTeamNetworks } from "../src/containers/prune-team-networks.ts";
import { reportInventory } from "../src/inventory.ts";
import { BUSYBOX, docker, spec, useAgent } from "./agent.ts";

const suffix = randomBytes(3).toString("hex");
const team = `ti${suffix}`;
const { run, made, hostId } = useAgent();
made.networks.push(`berth_net_${team}`);
// A queue of this file's own, so the worker does not reconcile what the test reports.
const connection = new Redis(process.env.REDIS_URL as string, { maxRetriesPerRequest: null });
const control = new Queue(`test-control-${suffix}`, { connection, prefix: QUEUE_PREFIX });
after(async () => {
  await control.obliterate({ force: true }).catch(() => {});
  await control.close();
  connection.disconnect();
});

describe("inventory", () => {
  const mine = `berth-test-mine-${suffix}`;
  const foreign = `berth-test-foreign-${suffix}`;
  const otherHost = `berth-test-otherhost-${suffix}`;

  it("lists this host's managed containers, in every state, and nothing else", async () => {
    made.containers.push(mine, foreign, otherHost);
    const { hostPort } = await run("containerRun", {
      version: 1,
      spec: spec(mine, team, { cmd: ["sleep", "300"], port: 8080, labels: { team, teamId: team, app: "web", release: "4" } }),
    });
    await docker.createContainer({ name: foreign, Image: BUSYBOX, Cmd: ["sleep", "300"] });
    await docker.createContainer({ name: otherHost, Image: BUSYBOX, Cmd: ["true"], Labels: { [LABELS.managed]: "true", [HOST_LABEL]: "another-host" } });

    const { containers } = await run("containerList", { version: 1 });
    const names = containers.map((c) => c.name);
    assert.ok(!names.includes(foreign), "not a container Berth does not manage");
    assert.ok(!names.includes(otherHost), "not a container another runtime-host made");
    const found = containers.find((c) => c.name === mine);
    assert.deepEqual(found && { ...found, dockerId: typeof found.dockerId }, {
      dockerId: "string",
      name: mine,
      team,
      app: "web",
      release: "4",
      state: "running",
      hostPort,
    });

    await run("containerAction", { version: 1, name: mine, action: "stop" });
    const stopped = (await run("containerList", { version: 1 })).containers.find((c) => c.name === mine);
    assert.equal(stopped?.state, "exited");
    assert.equal(stopped?.hostPort, null, "a stopped container publishes nothing");
  });

  it("sends the list as a host.inventory job", async () => {
    await reportInventory({ docker, control, hostId, reason: "start" });
    const [job] = await control.getJobs(["waiting"]);
    assert.equal(job?.name, JOBS.hostInventory.name);
    const payload = JOBS.hostInventory.schema.parse(job?.data);
    assert.equal(payload.hostId, hostId);
    assert.equal(payload.reason, "start");
    assert.deepEqual(
      payload.containers.map((c) => c.name),
      [mine],
    );
  });

  it("removes old team networks no container uses, and keeps the others", async () => {
    const prefix = `berth-team-tn${suffix}`;
    const [empty, used] = [`${prefix}-empty`, `${prefix}-used`];
    made.networks.push(empty, used);
    for (const name of [empty, used]) await docker.createNetwork({ Name: name, Driver: "bridge", Labels: { [LABELS.managed]: "true" } });
    // A stopped container still needs its network to start again.
    const user = `berth-test-netuser-${suffix}`;
    made.containers.push(user);
    await docker.createContainer({ name: user, Image: BUSYBOX, Cmd: ["true"], HostConfig: { NetworkMode: used } });

    assert.deepEqual(await pruneTeamNetworks(docker, { prefix }), [], "young networks are left alone");
    const later = Date.now() + 6 * 60_000;
    assert.deepEqual(await pruneTeamNetworks(docker, { prefix, now: later }), [empty]);
    const left = (await docker.listNetworks({ filters: { name: [prefix] } })).map((n) => n.Name);
    assert.deepEqual(left, [used]);
  });
});
