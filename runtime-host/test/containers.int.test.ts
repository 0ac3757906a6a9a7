// Container lifecycle through a runtime-host's own queue, against the real Docker Engine:
// a fresh agent process, jobs enqueued the way the worker will, results and `docker inspect`
// checked. Containers and images made here are removed afterwards.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { generateHostKey, sealToHost } from "@berth/core/host-seal";
import { BUSYBOX, docker, NODE, spec, useAgent } from "./agent.ts";

const suffix = randomBytes(3).toString("hex");
const { run, made, sealKey } = useAgent();
made.images.push(`berth-test/commit-${suffix}:v1`);
made.networks.push(`berth_net_t${suffix}`);

const NODE_SERVER = "require('http').createServer((q,s)=>s.end('hi from '+process.env.GREETING)).listen(8080)";

describe("container lifecycle on a runtime-host", () => {
  const name = `berth-test-web-${suffix}`;

  it("runs a container with limits, no privileges, and its port on 127.0.0.1 only", async () => {
    made.containers.push(name);
    const res = await run("containerRun", {
      version: 1,
      spec: {
        name,
        image: NODE,
        cmd: ["node", "-e", NODE_SERVER],
        env: { GREETING: "berth" },
        labels: { team: `t${suffix}`, teamId: `t${suffix}`, app: "web", release: "1" },
        port: 8080,
        limits: { memoryBytes: 64 * 1024 * 1024, nanoCpus: 500_000_000, pids: 128 },
        restart: "unless-stopped",
        binds: [],
        volumes: [],
      },
    });
    assert.ok(res.hostPort && res.hostPort > 0);
    const info = await docker.getContainer(name).inspect();
    assert.equal(info.HostConfig.Memory, 64 * 1024 * 1024);
    assert.equal(info.HostConfig.NanoCpus, 500_000_000);
    assert.equal(info.HostConfig.PidsLimit, 128);
    assert.equal(info.HostConfig.Privileged, false);
    assert.deepEqual(info.HostConfig.CapDrop, ["ALL"]);
    assert.ok(info.HostConfig.SecurityOpt?.includes("no-new-privileges:true"));
    // The team's network, joined by id (a name could be carried by two networks).
    const network = await docker.getNetwork(`berth_net_t${suffix}`).inspect();
    assert.equal(info.HostConfig.NetworkMode, network.Id);
    assert.equal(info.NetworkSettings.Networks[`berth_net_t${suffix}`]?.NetworkID, network.Id);
    // The engine keeps a bounded copy of the output (rotated), so a flood cannot fill the disk.
    assert.deepEqual(info.HostConfig.LogConfig, { Type: "json-file", Config: { "max-size": "20m", "max-file": "3" } });
    assert.deepEqual(info.HostConfig.PortBindings?.["8080/tcp"]?.[0]?.HostIp, "127.0.0.1");
    assert.equal(info.Config.Labels?.["berth.team"], `t${suffix}`);

    let body = "";
    for (let i = 0; i < 50 && !body; i++) {
      // docker-proxy accepts before the app listens; never wait on one attempt for long.
      body = await fetch(`http://127.0.0.1:${res.hostPort}/`, { signal: AbortSignal.timeout(1_000) }).then(
        (r) => r.text(),
        () => "",
      );
      if (!body) await sleep(100);
    }
    assert.equal(body, "hi from berth");
  });

  it("stops, starts, restarts and kills it, reporting the state", async () => {
    assert.equal((await run("containerAction", { version: 1, name, action: "stop" })).state, "exited");
    assert.equal((await run("containerAction", { version: 1, name, action: "stop" })).state, "exited", "stopping twice is fine");
    assert.equal((await run("containerAction", { version: 1, name, action: "start" })).state, "running");
    assert.equal((await run("containerAction", { version: 1, name, action: "restart" })).state, "running");
    assert.equal((await run("containerAction", { version: 1, name, action: "kill" })).state, "exited");
  });

  it("commits the container to a new image", async () => {
    const { imageId, digest } = await run("containerCommit", { version: 1, name, repo: `berth-test/commit-${suffix}`, tag: "v1" });
    assert.match(imageId, /^sha256:/);
    assert.equal(digest, null, "nothing pushed without push credentials");
    const image = await docker.getImage(`berth-test/commit-${suffix}:v1`).inspect();
    assert.equal(image.Id, imageId);
  });

  it("removes it, and refuses to touch a container Berth does not manage", async () => {
    assert.equal((await run("containerAction", { version: 1, name, action: "remove" })).state, "removed");
    await assert.rejects(docker.getContainer(name).inspect(), /no such container/i);

    const foreign = `berth-test-foreign-${suffix}`;
    made.containers.push(foreign);
    await docker.createContainer({ name: foreign, Image: BUSYBOX, Cmd: ["sleep", "60"] });
    await assert.rejects(run("containerAction", { version: 1, name: foreign, action: "remove" }), /not managed by Berth/);
    assert.ok(await docker.getContainer(foreign).inspect(), "still there");
  });

  it("reports a process that allocates past its memory limit as OOM-killed", async () => {
    const hog = `berth-test-oom-${suffix}`;
    made.containers.push(hog);
    await run("containerRun", {
      version: 1,
      spec: {
        name: hog,
        image: NODE,
        cmd: ["node", "-e", "const a=[];for(;;)a.push(Buffer.alloc(8*1024*1024,1))"],
        env: {},
        labels: { team: `t${suffix}`, teamId: `t${suffix}` },
        limits: { memoryBytes: 48 * 1024 * 1024, pids: 64 },
        restart: "no",
        binds: [],
        volumes: [],
      },
    });
    let state = await docker.getContainer(hog).inspect();
    for (let i = 0; i < 100 && state.State.Running; i++) {
      await sleep(100);
      state = await docker.getContainer(hog).inspect();
    }
    assert.equal(state.State.OOMKilled, true);
  });

  it("opens secret env sealed to its own key into the container, and redacts it from a one-off's output", async () => {
    const secret = `s3cret-${randomBytes(8).toString("hex")}`;
    const sealedEnv = sealToHost(await sealKey(), JSON.stringify({ API_KEY: secret }));
    const team = `t${suffix}`;
    const res = await run("containerOneOff", {
      version: 1,
      spec: spec(`berth-oneoff-test-${suffix}`, team, {
        cmd: ["sh", "-c", 'echo "key=$API_KEY plain=$PLAIN"'],
        env: { PLAIN: "visible" },
        sealedEnv,
        labels: { team, teamId: team, secretKeys: ["API_KEY"] },
      }),
      timeoutS: 30,
    });
    assert.equal(res.exitCode, 0);
    assert.equal(res.output.trim(), "key=[redacted] plain=visible");
    const name = `berth-test-sealed-${suffix}`;
    made.containers.push(name);
    await run("containerRun", {
      version: 1,
      spec: spec(name, team, { cmd: ["sleep", "30"], sealedEnv, labels: { team, teamId: team, secretKeys: ["API_KEY"] } }),
    });
    const info = await docker.getContainer(name).inspect();
    assert.ok(info.Config.Env?.includes(`API_KEY=${secret}`), "the engine got the opened value");
  });

  it("refuses secret env sealed to another host's key, with a clear reason", async () => {
    const other = generateHostKey();
    const sealedEnv = sealToHost(other.publicKey, JSON.stringify({ API_KEY: "x" }));
    await assert.rejects(
      run("containerRun", { version: 1, spec: spec(`berth-test-wrongkey-${suffix}`, `t${suffix}`, { cmd: ["true"], sealedEnv }) }),
      (err: Error) => /sealed to another key of this host/.test(err.message),
    );
  });
});
