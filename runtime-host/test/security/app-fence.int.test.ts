// A hostile tenant's app container on the second local host (its own engine and iptables, in the
// namespace berth-stack-2, fenced in by its agent runtime-host-2): it probes another team's port
// published on that host, another team's container directly, and the first host (a listener on
// every address of this machine stands in for its services). Each probe is refused, while a
// same-team replica answers on the team network, the proxy's path (this machine to the published
// port) works, and a container on a network Berth does not manage reaches the listener (so the
// probe itself works and the test can fail). Busybox is copied from the first engine; nothing is pulled.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:net";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { LABELS } from "@berth/core/host-jobs";
import Docker from "dockerode";
import { stack } from "../../../web/test/config.ts";
import { bridgeName } from "../../src/firewall/app-fence.ts";

const IMAGE = "127.0.0.1:5000/berth/busybox:1";
const HOST2 = "10.231.0.2";
const HOST1 = "10.231.0.1";
const docker1 = new Docker({ socketPath: process.env.DOCKER_SOCKET ?? "/var/run/docker.sock" });
const docker2 = new Docker({ socketPath: stack.docker2Socket });
const id = randomBytes(4).toString("hex");
const made: { containers: Docker.Container[]; networks: Docker.Network[] } = { containers: [], networks: [] };

const accepted: string[] = [];
let listener: Server;
let port = 0;

async function network(name: string, team?: string): Promise<Docker.NetworkInspectInfo> {
  const labels: Record<string, string> = team ? { [LABELS.managed]: "true", [LABELS.team]: team } : {};
  const n = await docker2.createNetwork({ Name: `${name}-${id}`, Driver: "bridge", Labels: labels });
  made.networks.push(n);
  return n.inspect();
}

async function serve(net: string, publish: boolean): Promise<{ ip: string; port: number }> {
  const c = await docker2.createContainer({
    Image: IMAGE,
    Cmd: ["httpd", "-f", "-p", "8080"],
    ExposedPorts: { "8080/tcp": {} },
    HostConfig: { NetworkMode: net, ...(publish ? { PortBindings: { "8080/tcp": [{ HostIp: HOST2, HostPort: "" }] } } : {}) },
  });
  made.containers.push(c);
  await c.start();
  const info = await c.inspect();
  return { ip: info.NetworkSettings.Networks[net]?.IPAddress ?? "", port: Number(info.NetworkSettings.Ports["8080/tcp"]?.[0]?.HostPort ?? 0) };
}

/** Runs the probes in a container on `net`: "REACHED t" or "REFUSED t" for each. */
async function probe(net: string, targets: string[]): Promise<string[]> {
  const script = `for t in ${targets.join(" ")}; do if echo x | nc -w 3 \${t%:*} \${t#*:} >/dev/null 2>&1; then echo "REACHED $t"; else echo "REFUSED $t"; fi; done`;
  const c = await docker2.createContainer({ Image: IMAGE, Cmd: ["sh", "-c", script], HostConfig: { NetworkMode: net } });
  made.containers.push(c);
  await c.start();
  await c.wait();
  const out = (await c.logs({ stdout: true, stderr: true })).toString("latin1");
  return [...out.matchAll(/(REACHED|REFUSED) (\d+\.\d+\.\d+\.\d+:\d+)/g)].map((m) => `${m[1]} ${m[2]}`);
}

async function readToEnd(stream: NodeJS.ReadableStream): Promise<void> {
  for await (const _ of stream as AsyncIterable<Buffer>);
}

const fenced = (bridge: string) =>
  execFileSync("nsenter", ["--net=/var/run/netns/berth-stack-2", "iptables", "-w", "-S", "BERTH-APPS-FWD"], { encoding: "utf8" }).includes(`-i ${bridge} `);

before(async () => {
  // The image, copied from the first engine (what a pull from Berth's registry would bring). The load's
  // answer is read to its end: left unread, its keep-alive socket to the engine held this file's process
  // open after its tests, and `node --test` (one file at a time here) never got to the next file.
  await readToEnd(await docker2.loadImage(await docker1.getImage(IMAGE).get()));
  listener = createServer((s) => {
    accepted.push(s.remoteAddress ?? "?");
    s.end("hello\n");
  });
  await new Promise<void>((r) => listener.listen(0, "0.0.0.0", r));
  port = (listener.address() as { port: number }).port;
});

after(async () => {
  for (const c of made.containers) await c.remove({ force: true }).catch(() => {});
  for (const n of made.networks) await n.remove().catch(() => {});
  listener.close();
});

describe("an app container on the second host", () => {
  it("reaches its own team's replica, but not another team's published port or container, nor the first host", async () => {
    const a = await network("berth-fence-a", `fence-a-${id}`);
    const b = await network("berth-fence-b", `fence-b-${id}`);
    const loose = await network("berth-fence-loose");
    // The agent fences a new Berth network in as soon as the engine announces it.
    for (let i = 0; i < 50 && !(fenced(bridgeName(a)) && fenced(bridgeName(b))); i++) await sleep(200);
    assert.ok(fenced(bridgeName(a)) && fenced(bridgeName(b)), "runtime-host-2 fenced both team networks in");
    assert.ok(!fenced(bridgeName(loose)), "a network Berth does not manage is left alone");

    const replica = await serve(a.Name, false);
    const other = await serve(b.Name, true);
    assert.ok(other.port > 0);
    // The proxy's path: this machine reaches the published port.
    const status = await fetch(`http://${HOST2}:${other.port}/`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.status);
    assert.ok(status === 404 || status === 200, `the published port answers the proxy (${status})`);

    // Positive control: from a network Berth does not fence, the probe reaches this machine.
    assert.deepEqual(await probe(loose.Name, [`${HOST1}:${port}`]), [`REACHED ${HOST1}:${port}`]);
    const before = accepted.length;
    assert.ok(before >= 1);

    const targets = [`${replica.ip}:8080`, `${HOST2}:${other.port}`, `${other.ip}:8080`, `${HOST1}:${port}`];
    assert.deepEqual(await probe(a.Name, targets), [
      `REACHED ${replica.ip}:8080`,
      `REFUSED ${HOST2}:${other.port}`,
      `REFUSED ${other.ip}:8080`,
      `REFUSED ${HOST1}:${port}`,
    ]);
    assert.equal(accepted.length, before, "nothing reached the first host's listener");
  });
});
