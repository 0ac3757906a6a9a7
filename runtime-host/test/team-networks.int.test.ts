// Team networks on a shared engine (issue 16): made once per engine however many replicas start at
// once and however many agents drive it, joined by id, and healed when an earlier Berth made one
// twice. Real agents (separate processes on one engine), the real engine and Redis; networks and
// containers made here are removed afterwards.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { teamNetworkName } from "@berth/core/apps";
import { LABELS } from "@berth/core/host-jobs";
import Docker from "dockerode";
import { Redis } from "ioredis";
import { stack } from "../../web/test/config.ts";
import { createEngineLock, engineLockKey } from "../src/containers/engine-lock.ts";
import { pruneTeamNetworks } from "../src/containers/prune-team-networks.ts";
import { ensureTeamNetwork } from "../src/containers/team-network.ts";
import { BUSYBOX, docker, spec, useAgent } from "./agent.ts";

const suffix = randomBytes(3).toString("hex");
const agentA = useAgent();
const agentB = useAgent();
const made = agentA.made;

const redisA = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
const redisB = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
after(() => {
  redisA.disconnect();
  redisB.disconnect();
});

/** Every network of exactly that name, as the Engine lists them (its name filter matches substrings). */
async function named(name: string): Promise<Docker.NetworkInspectInfo[]> {
  return (await docker.listNetworks({ filters: { name: [name] } })).filter((n) => n.Name === name);
}

/**
 * How many networks of that name the Engine made between `since` and now (its event log): a network made
 * twice and healed at once leaves one behind, but not one event.
 */
async function createdSince(name: string, sinceMs: number): Promise<number> {
  const stream = await docker.getEvents({
    since: Math.floor(sinceMs / 1000) - 1,
    until: Math.ceil(Date.now() / 1000) + 1,
    filters: { type: ["network"], event: ["create"] },
  });
  const chunks: Buffer[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Buffer>) chunks.push(chunk);
  const events = Buffer.concat(chunks).toString("utf8").split("\n").filter(Boolean);
  return events.map((line) => JSON.parse(line) as { Actor?: { Attributes?: { name?: string } } }).filter((e) => e.Actor?.Attributes?.name === name).length;
}

const berthLabels = (teamId: string) => ({ [LABELS.managed]: "true", [LABELS.teamId]: teamId, [LABELS.team]: teamId });

/** A second network of a name the Engine already has: what the Engine 20.10 allows when asked not to check. */
async function makeNetwork(name: string, labels: Record<string, string>): Promise<Docker.NetworkInspectInfo> {
  const { id } = await docker.createNetwork({ Name: name, Driver: "bridge", CheckDuplicate: false, Labels: labels });
  made.networks.push(id);
  return docker.getNetwork(id).inspect();
}

/** A test container on one network of that name, by id, with an alias (not through Berth). */
async function onNetwork(container: string, net: Docker.NetworkInspectInfo, alias: string, start = true): Promise<Docker.Container> {
  made.containers.push(container);
  const c = await docker.createContainer({
    name: container,
    Image: BUSYBOX,
    Cmd: ["sleep", "300"],
    HostConfig: { NetworkMode: net.Id },
    NetworkingConfig: { EndpointsConfig: { [net.Name]: { NetworkID: net.Id, Aliases: [alias] } } },
  });
  if (start) await c.start();
  return c;
}

const networkIdOf = async (container: string, name: string) => (await docker.getContainer(container).inspect()).NetworkSettings.Networks[name]?.NetworkID;

/** Runs `sh -c script` in a throw-away container on the network (by id); its exit code. ping's own -W bounds it. */
async function probe(net: Docker.NetworkInspectInfo, script: string): Promise<number> {
  const name = `berth-test-probe-${suffix}-${randomBytes(2).toString("hex")}`;
  made.containers.push(name);
  const c = await docker.createContainer({
    name,
    Image: BUSYBOX,
    Cmd: ["sh", "-c", script],
    HostConfig: { NetworkMode: net.Id },
    NetworkingConfig: { EndpointsConfig: { [net.Name]: { NetworkID: net.Id } } },
  });
  await c.start();
  const { StatusCode } = (await c.wait()) as { StatusCode: number };
  return StatusCode;
}

describe("team networks on a shared engine", () => {
  it("20 concurrent first replicas of one team on one host make exactly one network", async () => {
    const team = `tc${suffix}`;
    const names = Array.from({ length: 20 }, (_, i) => `berth-test-net20-${suffix}-${i}`);
    made.containers.push(...names);
    made.networks.push(teamNetworkName(team));
    const since = Date.now();
    await Promise.all(names.map((n) => agentA.run("containerRun", { version: 1, spec: spec(n, team, { cmd: ["sleep", "300"] }) })));
    const nets = await named(teamNetworkName(team));
    assert.equal(nets.length, 1, `one network, not ${nets.length}`);
    assert.equal(await createdSince(teamNetworkName(team), since), 1, "made once (not made several times and healed)");
    for (const n of names) assert.equal(await networkIdOf(n, teamNetworkName(team)), nets[0]?.Id, `${n} joined it by id`);
  });

  it("two agents on one engine racing make one network", async () => {
    const team = `td${suffix}`;
    const names = Array.from({ length: 16 }, (_, i) => `berth-test-net2a-${suffix}-${i}`);
    made.containers.push(...names);
    made.networks.push(teamNetworkName(team));
    const since = Date.now();
    await Promise.all(names.map((n, i) => (i % 2 ? agentA : agentB).run("containerRun", { version: 1, spec: spec(n, team, { cmd: ["sleep", "300"] }) })));
    const nets = await named(teamNetworkName(team));
    assert.equal(nets.length, 1, `one network, not ${nets.length}`);
    assert.equal(await createdSince(teamNetworkName(team), since), 1, "made once");
  });

  it("eight independent lock clients (as eight agents would) ensuring one team's network at once make it once", async () => {
    const team = `tl${suffix}`;
    const name = teamNetworkName(team);
    made.networks.push(name);
    const since = Date.now();
    const fence = { cover: async () => {} };
    const clients = Array.from({ length: 8 }, (_, i) => createEngineLock({ redis: i % 2 ? redisA : redisB, docker }));
    const got = await Promise.all(clients.map((engineLock) => ensureTeamNetwork(docker, { teamId: team, team }, { fence, engineLock })));
    const nets = await named(name);
    assert.equal(nets.length, 1);
    assert.deepEqual(new Set(got.map((n) => n.id)), new Set([nets[0]?.Id]), "every caller got its id");
    assert.equal(await createdSince(name, since), 1, "made once");
  });

  it("the engine lock lets one holder in at a time across clients, per engine, and frees a dead holder's lock", async () => {
    const a = createEngineLock({ redis: redisA, docker });
    const b = createEngineLock({ redis: redisB, docker });
    const key = `test:${suffix}`;
    let inside = 0;
    let most = 0;
    const work = async () => {
      inside++;
      most = Math.max(most, inside);
      await sleep(15);
      inside--;
    };
    await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).run(key, work)));
    assert.equal(most, 1, "never two holders at once");

    // Another engine (the second local host's) has a lock of its own: held here, it is free there.
    const docker2 = new Docker({ socketPath: stack.docker2Socket });
    const engine2 = createEngineLock({ redis: redisB, docker: docker2 });
    let release = () => {};
    const held = a.run(key, () => new Promise<void>((r) => (release = r)));
    try {
      await sleep(50);
      const other = await Promise.race([engine2.run(key, async () => "ran"), sleep(10_000).then(() => "waited")]);
      assert.equal(other, "ran");
    } finally {
      release();
      await held;
    }

    // A holder that died (its key left in Redis, never released) holds it no longer than its TTL.
    const engineId = ((await docker.info()) as { ID: string }).ID;
    await redisA.set(engineLockKey(engineId, key), "dead-agent", "PX", 1_000);
    const short = createEngineLock({ redis: redisA, docker, waitMs: 10_000 });
    const started = Date.now();
    await short.run(key, async () => {});
    assert.ok(Date.now() - started >= 500, "it waited for the dead holder's key to expire");
  });

  it("heals a network made three times on the next ensure: one kept, the others' containers moved with their aliases", async () => {
    const team = `th${suffix}`;
    const name = teamNetworkName(team);
    made.networks.push(name);
    const [n1, n2, n3] = [await makeNetwork(name, berthLabels(team)), await makeNetwork(name, berthLabels(team)), await makeNetwork(name, berthLabels(team))];
    assert.ok(n1 && n2 && n3);
    assert.equal((await named(name)).length, 3);
    await onNetwork(`berth-test-db-${suffix}`, n1, "db");
    await onNetwork(`berth-test-cache-${suffix}`, n2, "cache");
    await onNetwork(`berth-test-cache2-${suffix}`, n2, "cache2");
    await onNetwork(`berth-test-idle-${suffix}`, n3, "idle", false); // created, never started

    const replica = `berth-test-heal-${suffix}`;
    made.containers.push(replica);
    await agentA.run("containerRun", { version: 1, spec: spec(replica, team, { cmd: ["sleep", "300"] }) });

    const left = await named(name);
    assert.deepEqual(
      left.map((n) => n.Id),
      [n2.Id],
      "the one with the most containers is kept",
    );
    for (const c of [`berth-test-db-${suffix}`, `berth-test-idle-${suffix}`, replica]) assert.equal(await networkIdOf(c, name), n2.Id, `${c} is on it`);
    await docker.getContainer(`berth-test-idle-${suffix}`).start();
    const db = await docker.getContainer(`berth-test-db-${suffix}`).inspect();
    assert.ok(db.NetworkSettings.Networks[name]?.Aliases?.includes("db"), "the alias came along");
    assert.equal(await probe(n2, "ping -c1 -W3 db && ping -c1 -W3 cache && ping -c1 -W3 idle"), 0, "moved containers answer on their aliases");
    assert.equal((await named(name)).length, 1, "still one");
  });

  it("the inventory's sweep heals duplicates too, covering the kept network before anything joins", async () => {
    // A prefix of its own: the stack's agent sweeps berth_net_* on this engine too.
    const prefix = `berthtest-net-${suffix}`;
    const team = `tp${suffix}`;
    const [older, newer] = [await makeNetwork(prefix, berthLabels(team)), await makeNetwork(prefix, berthLabels(team))];
    assert.ok(older && newer);
    await onNetwork(`berth-test-sweep-${suffix}`, newer, "api");
    const covered: string[] = [];
    const fence = { cover: async (n: Docker.NetworkInspectInfo) => void covered.push(n.Id) };
    const engineLock = createEngineLock({ redis: redisA, docker });
    await pruneTeamNetworks(docker, { prefix, heal: { fence, engineLock } });
    assert.deepEqual(
      (await named(prefix)).map((n) => n.Id),
      [newer.Id],
      "the one with a container is kept",
    );
    assert.deepEqual(covered, [newer.Id]);
    assert.equal(await networkIdOf(`berth-test-sweep-${suffix}`, prefix), newer.Id);
  });

  it("leaves a same-named network with other labels alone, and still refuses to join", async () => {
    const team = `tf${suffix}`;
    const name = teamNetworkName(team);
    made.networks.push(name);
    const ours = await makeNetwork(name, berthLabels(team));
    const foreign = await makeNetwork(name, { "com.example.owner": "someone" });
    await assert.rejects(
      agentA.run("containerRun", { version: 1, spec: spec(`berth-test-foreignnet-${suffix}`, team, { cmd: ["true"] }) }),
      /not made by Berth for team/,
    );
    const fence = { cover: async () => {} };
    await pruneTeamNetworks(docker, { prefix: name, heal: { fence, engineLock: createEngineLock({ redis: redisA, docker }) } });
    assert.deepEqual((await named(name)).map((n) => n.Id).sort(), [ours.Id, foreign.Id].sort(), "both left as they were");
  });
});
