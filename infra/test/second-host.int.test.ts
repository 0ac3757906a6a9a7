// The second local host: its own dockerd (infra/services/docker2.sh) and runtime-host-2. Both hosts
// heartbeat, and containers published on 127.0.0.1 answer on both engines at once.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import { signIn, stack } from "../../web/test/config.ts";
import { readJsonStream } from "../seed/base-images.ts";

const enabled = process.env.BERTH_LOCAL_HOSTS !== "1";
// The ids berth.sh gives the two runtime-hosts (the first as runtime-host/src/config.ts derives it).
const firstId =
  process.env.BERTH_HOST_ID ??
  (hostname()
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/^-+/, "")
    .slice(0, 63) ||
    "host");
const secondId = `${firstId.slice(0, 61)}-2`;
const engines = {
  first: new Docker({ socketPath: stack.dockerSocket }),
  second: new Docker({ socketPath: stack.docker2Socket }),
};
const image = `${stack.registryHost}/berth/busybox:latest`;
const containers: Docker.Container[] = [];

after(async () => {
  for (const c of containers) await c.remove({ force: true }).catch(() => {});
});

/** Runs busybox httpd serving `body` on a port of 127.0.0.1 that the engine picks; returns that port. */
async function serve(docker: Docker, body: string): Promise<{ port: number; ip: string }> {
  await readJsonStream(await docker.pull(image));
  const container = await docker.createContainer({
    name: `berth-test-host2-${randomBytes(4).toString("hex")}`,
    Image: image,
    Labels: { "berth.test": "second-host" },
    Cmd: ["sh", "-c", `mkdir -p /www && echo ${body} > /www/index.html && exec busybox httpd -f -p 80 -h /www`],
    ExposedPorts: { "80/tcp": {} },
    HostConfig: { PortBindings: { "80/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] } },
  });
  containers.push(container);
  await container.start();
  const info = await container.inspect();
  const binding = info.NetworkSettings.Ports["80/tcp"]?.[0];
  assert.equal(binding?.HostIp, "127.0.0.1");
  return { port: Number(binding.HostPort), ip: info.NetworkSettings.IPAddress };
}

// docker-proxy accepts connections before httpd listens: retry briefly.
async function text(url: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return (await res.text()).trim();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms: ${String((err as Error).cause ?? err)}`);
      await sleep(100);
    }
  }
}

describe("the second local host", { skip: enabled ? false : "BERTH_LOCAL_HOSTS=1" }, () => {
  it("heartbeats beside this machine's host: the hosts API lists both online", { timeout: 30_000 }, async () => {
    const cookie = await signIn(stack.adminEmail, stack.adminPassword);
    type Host = { id: string; online: boolean; dockerVersion: string };
    let hosts: Host[] = [];
    // A heartbeat is at most 5 s old; allow for one missed beat.
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(500)) {
      const res = await fetch(`${stack.webUrl}/api/v1/hosts`, { headers: { cookie } });
      assert.equal(res.status, 200);
      hosts = ((await res.json()) as { hosts: Host[] }).hosts;
      if ([firstId, secondId].every((id) => hosts.some((h) => h.id === id && h.online))) break;
    }
    for (const id of [firstId, secondId]) {
      const h = hosts.find((x) => x.id === id);
      assert.ok(h?.online, `${id} online (hosts: ${JSON.stringify(hosts.map((x) => [x.id, x.online]))})`);
      assert.match(h.dockerVersion, /^\d+\.\d+/);
    }
  });

  it("runs a container on each engine, both published on 127.0.0.1 and answering at the same time", { timeout: 120_000 }, async () => {
    const tokens = { first: `first-${randomBytes(4).toString("hex")}`, second: `second-${randomBytes(4).toString("hex")}` };
    const first = await serve(engines.first, tokens.first);
    const second = await serve(engines.second, tokens.second);
    // The second engine's containers live on its own bridge (berth1, 10.199.0.0/16 by default).
    assert.match(second.ip, new RegExp(`^${(process.env.BERTH_DOCKER2_BRIDGE_CIDR ?? "10.199.0.1/16").split(".").slice(0, 2).join("\\.")}\\.`));
    assert.notEqual(first.port, second.port);
    assert.equal(await text(`http://127.0.0.1:${second.port}/`), tokens.second);
    assert.equal(await text(`http://127.0.0.1:${first.port}/`), tokens.first);
    // Each engine knows only its own container.
    const ids = await Promise.all(
      [engines.first, engines.second].map(async (d) => (await d.listContainers({ filters: { label: ["berth.test=second-host"] } })).map((c) => c.Id)),
    );
    const [own1, own2] = [await containers[0]?.inspect(), await containers[1]?.inspect()];
    assert.ok(ids[0]?.includes(own1?.Id ?? "") && !ids[0]?.includes(own2?.Id ?? ""));
    assert.ok(ids[1]?.includes(own2?.Id ?? "") && !ids[1]?.includes(own1?.Id ?? ""));
  });
});
