// The second local host (infra/services/host2.sh): a network namespace on the bridge berthnet0 with
// its own dockerd and runtime-host-2, reaching Redis and the registry through its tunnel. Both hosts
// heartbeat; containers answer on both engines at once, the second's on its own address, reached from
// the root namespace over the bridge as the proxy reaches them.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { internalRegistryToken } from "@berth/core/registry/registry-client";
import { lazyTokenKeys } from "@berth/core/registry/token-keys";
import Docker from "dockerode";
import { signIn, stack } from "../../web/test/config.ts";
import { readJsonStream } from "../seed/base-images.ts";
import { BRIDGE, GATEWAY, STACK_HOST_DOCKER_BIP, STACK_NAMESPACE_PREFIX } from "../testnet/constants.ts";

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
const namespace = `${STACK_NAMESPACE_PREFIX}2`;
const run = promisify(execFile);
/** Runs a command in the second host's network namespace (only: its files are the machine's). */
const inHost = (cmd: string[]) => run("nsenter", [`--net=/var/run/netns/${namespace}`, ...cmd], { timeout: 15_000 });
const redisPort = Number(process.env.BERTH_REDIS_PORT ?? "56379");
const registryPort = Number(stack.registryHost.split(":")[1]);

/** Whether a TCP connection to host:port is accepted (within 2 s); a refusal is an answer, not an error. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

after(async () => {
  for (const c of containers) await c.remove({ force: true }).catch(() => {});
});

const keys = lazyTokenKeys(join(stack.home, "registry/token.key"), join(stack.home, "registry/token.crt"));

/** Runs busybox httpd serving `body` on a port of `address` that the engine picks; returns that port. */
async function serve(docker: Docker, body: string, address: string): Promise<{ port: number; ip: string }> {
  // With a token minted for the pull, as the worker sends one: the engine then never asks the token
  // endpoint (web, which a remote host does not reach; only Redis and the registry are tunnelled).
  const registrytoken = internalRegistryToken(keys(), stack.registryService, [{ type: "repository", name: "berth/busybox", actions: ["pull"] }]);
  await readJsonStream(await docker.pull(image, { authconfig: { serveraddress: stack.registryHost, registrytoken } }));
  const container = await docker.createContainer({
    name: `berth-test-host2-${randomBytes(4).toString("hex")}`,
    Image: image,
    Labels: { "berth.test": "second-host" },
    Cmd: ["sh", "-c", `mkdir -p /www && echo ${body} > /www/index.html && exec busybox httpd -f -p 80 -h /www`],
    ExposedPorts: { "80/tcp": {} },
    HostConfig: { PortBindings: { "80/tcp": [{ HostIp: address, HostPort: "" }] } },
  });
  containers.push(container);
  await container.start();
  const info = await container.inspect();
  const binding = info.NetworkSettings.Ports["80/tcp"]?.[0];
  assert.equal(binding?.HostIp, address);
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

  it("runs a container on each engine: the first's on 127.0.0.1, the second's on its host address over the bridge, both answering", {
    timeout: 120_000,
  }, async () => {
    const tokens = { first: `first-${randomBytes(4).toString("hex")}`, second: `second-${randomBytes(4).toString("hex")}` };
    const first = await serve(engines.first, tokens.first, "127.0.0.1");
    const second = await serve(engines.second, tokens.second, stack.host2Address);
    // The second engine's containers live on its own default bridge, inside its namespace.
    assert.ok(second.ip.startsWith(STACK_HOST_DOCKER_BIP.split(".").slice(0, 3).join(".")), `${second.ip} on ${STACK_HOST_DOCKER_BIP}`);
    assert.equal(await text(`http://${stack.host2Address}:${second.port}/`), tokens.second);
    assert.equal(await text(`http://127.0.0.1:${first.port}/`), tokens.first);
    // Each engine knows only its own container.
    const ids = await Promise.all(
      [engines.first, engines.second].map(async (d) => (await d.listContainers({ filters: { label: ["berth.test=second-host"] } })).map((c) => c.Id)),
    );
    const [own1, own2] = [await containers[0]?.inspect(), await containers[1]?.inspect()];
    assert.ok(ids[0]?.includes(own1?.Id ?? "") && !ids[0]?.includes(own2?.Id ?? ""));
    assert.ok(ids[1]?.includes(own2?.Id ?? "") && !ids[1]?.includes(own1?.Id ?? ""));
  });

  it("is a machine of its own: its agent runs in its namespace, which has the bridge's subnet and no route beyond it", { timeout: 30_000 }, async () => {
    const agentPid = readFileSync(join(stack.home, "run", "runtime-host-2.pid"), "utf8").trim();
    const [agentNet, hostNet] = await Promise.all([run("readlink", [`/proc/${agentPid}/ns/net`]), inHost(["readlink", "/proc/self/ns/net"])]);
    assert.equal(agentNet.stdout, hostNet.stdout, "runtime-host-2 runs in host-2's network namespace");
    assert.notEqual(agentNet.stdout, (await run("readlink", ["/proc/self/ns/net"])).stdout);
    assert.match((await inHost(["ip", "-4", "-o", "addr", "show", "dev", "eth0"])).stdout, new RegExp(` ${stack.host2Address.replaceAll(".", "\\.")}/24 `));
    assert.equal((await inHost(["ip", "-4", "route", "show", "default"])).stdout, "");
    const links = (await run("ip", ["-o", "link", "show", "master", BRIDGE])).stdout;
    assert.match(links, / bs-2@/);
  });

  it("reaches Redis and the registry only through its tunnel: on its own 127.0.0.1, never on the bridge", { timeout: 30_000 }, async () => {
    // Inside host-2: the registry and Redis answer on its loopback (through the tunnel) …
    const v2 = await inHost(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", `http://127.0.0.1:${registryPort}/v2/`]);
    assert.ok(["200", "401"].includes(v2.stdout), `registry from host-2: HTTP ${v2.stdout}`);
    const ping = await inHost([
      "bash",
      "-c",
      'exec 3<>"/dev/tcp/127.0.0.1/$1"; printf "PING\\r\\n" >&3; read -r -t 3 line <&3; echo "$line"',
      "_",
      String(redisPort),
    ]);
    assert.match(ping.stdout, /^(-NOAUTH|\+PONG)/, "Redis answers host-2 on its 127.0.0.1");
    // … and not on the root namespace's address on the bridge, from either side.
    for (const port of [redisPort, registryPort]) {
      assert.equal(await accepts(GATEWAY, port), false, `nothing listens on ${GATEWAY}:${port}`);
      const fromHost = await inHost(["bash", "-c", '( exec 3<>"/dev/tcp/$1/$2" ) 2>/dev/null && echo open || echo closed', "_", GATEWAY, String(port)]).catch(
        (e: { stdout: string }) => e,
      );
      assert.match(fromHost.stdout, /closed/, `host-2 does not reach ${GATEWAY}:${port}`);
    }
  });
});
