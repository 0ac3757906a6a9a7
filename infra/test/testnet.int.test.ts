// The test network (infra/testnet): namespace hosts with their own Docker Engines, the test DNS,
// stand-in registries and recording listeners for the internet, a LAN service and cloud metadata.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type Docker from "dockerode";
import { readJsonStream } from "../seed/base-images.ts";
import { BRIDGE, STACK_NAMESPACE_PREFIX, STACK_VETH_PREFIX, VETH_PREFIX } from "../testnet/constants.ts";
import { isAlive, run } from "../testnet/processes.ts";
import { cleanupTestNetwork, defaultDir, type NamespaceHost, type TestNetwork, testNetwork } from "../testnet/testnet.ts";

const isRoot = process.getuid?.() === 0;
const dir = defaultDir();
let net: TestNetwork;
let h1: NamespaceHost;
// The image the first test pulled onto h1; the later ones run it.
let image = "";

before(async () => {
  if (!isRoot) return;
  net = await testNetwork({ dir });
  h1 = await net.host("h1");
});
// Idempotent: after the last test has already cleaned up, this finds nothing to do.
after(() => (isRoot ? cleanupTestNetwork(dir) : undefined));

/** Runs `cmd` in a fresh container on `docker` and returns its exit code and output. */
async function runContainer(docker: Docker, image: string, cmd: string[]): Promise<{ code: number; output: string }> {
  const container = await docker.createContainer({ Image: image, Cmd: cmd, Labels: { "berth.test": "testnet" } });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = await container.logs({ stdout: true, stderr: true });
    // Without a TTY the log stream is multiplexed: 8-byte frame headers before each chunk.
    let output = "";
    for (let i = 0; i + 8 <= logs.length; ) {
      const size = logs.readUInt32BE(i + 4);
      output += logs.subarray(i + 8, i + 8 + size).toString();
      i += 8 + size;
    }
    return { code: StatusCode, output };
  } finally {
    await container.remove({ force: true });
  }
}

/** The ports on a bridge whose names start with `prefix` (none when the bridge is gone). */
async function portsOn(bridge: string, prefix: string): Promise<string[]> {
  const { stdout } = await run(["ip", "-o", "link", "show", "master", bridge]);
  return stdout
    .split("\n")
    .map((line) => line.split(": ")[1]?.split("@")[0] ?? "")
    .filter((name) => name.startsWith(prefix))
    .sort();
}

async function answer(url: string, timeoutMs = 2_000): Promise<string | Error> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return await res.text();
  } catch (err) {
    return err as Error;
  }
}

describe("the test network", { skip: isRoot ? false : "needs root (network namespaces, dockerd)" }, () => {
  it("a namespace host's dockerd pulls by a name the test DNS serves, from a registry with a login, and runs the image", { timeout: 90_000 }, async () => {
    const docker = h1.docker;
    assert.ok(docker, "h1 has an engine");
    const [locked, open] = await Promise.all([net.registry({ auth: true }), net.registry({ auth: false })]);
    await net.dns.set("registry.berth.test", locked.ip);
    await net.dns.set("mirror.berth.test", open.ip);
    const server = `registry.berth.test:${locked.port}`;
    const auth = { username: locked.username, password: locked.password, serveraddress: server };

    await assert.rejects(async () => readJsonStream(await docker.pull(`${server}/library/busybox:1`)), /no basic auth credentials|unauthorized/);
    assert.equal(((await docker.checkAuth(auth)) as { Status: string }).Status, "Login Succeeded");
    await readJsonStream(await docker.createImage(auth, { fromImage: `${server}/library/busybox`, tag: "1" }));
    image = `${server}/library/busybox:1`;
    const token = randomBytes(6).toString("hex");
    assert.deepEqual(await runContainer(docker, image, ["echo", token]), { code: 0, output: `${token}\n` });

    // The registry without a login serves the same image to anyone.
    await readJsonStream(await docker.pull(`mirror.berth.test:${open.port}/library/busybox:1`));
    // h1 found both registries through the test DNS, from its own address.
    const asked = (await net.dns.queries()).filter((q) => q.from === h1.address).map((q) => q.name);
    assert.ok(asked.includes("registry.berth.test") && asked.includes("mirror.berth.test"), JSON.stringify(asked));
  });

  it("recording listeners see exactly what a namespace host sent to the internet, and metadata answers at 169.254.169.254 inside the host", {
    timeout: 60_000,
  }, async () => {
    const docker = h1.docker;
    assert.ok(docker);
    const [internet, secure, meta] = await Promise.all([
      net.listener("internet", { body: "hello from the internet\n" }),
      net.listener("internet", { tls: true }),
      net.listener("meta", { body: "i-0123456789\n" }),
    ]);
    await net.dns.set("internet.berth.test", internet.ip);
    const token = randomBytes(6).toString("hex");

    // A container on h1 (busybox wget; its resolv.conf is the host's: the test DNS).
    assert.ok(image, "the first test pulled an image onto h1");
    const fromContainer = await runContainer(docker, image, ["wget", "-q", "-O", "-", `http://internet.berth.test/from-container?token=${token}`]);
    assert.deepEqual(fromContainer, { code: 0, output: "hello from the internet\n" });
    const got = await internet.waitForRequest((r) => r.path.includes(token));
    assert.equal(internet.requests().length, 1);
    assert.equal(got.method, "GET");
    assert.equal(got.path, `/from-container?token=${token}`);
    assert.equal(got.headers.host, "internet.berth.test");
    // Masqueraded by h1's engine: the request comes from h1's address on the test subnet.
    assert.equal(got.remoteAddress, h1.address);
    assert.equal(got.tls, false);

    // curl in h1's namespaces, over HTTPS with the listener's self-signed certificate.
    const posted = await h1.exec([
      "curl",
      "-sS",
      "--max-time",
      "10",
      "--cacert",
      secure.certificateFile ?? "",
      "-d",
      `token=${token}`,
      "https://internet.berth.test/hook",
    ]);
    assert.equal(posted.code, 0, posted.stderr);
    const hook = await secure.waitForRequest((r) => r.path === "/hook");
    assert.deepEqual(
      { method: hook.method, body: hook.body, tls: hook.tls, from: hook.remoteAddress, type: hook.headers["content-type"] },
      { method: "POST", body: `token=${token}`, tls: true, from: h1.address, type: "application/x-www-form-urlencoded" },
    );

    const md = await h1.exec(["curl", "-sS", "--max-time", "10", "http://169.254.169.254/latest/meta-data/instance-id"]);
    assert.deepEqual({ code: md.code, body: md.stdout }, { code: 0, body: "i-0123456789\n" });
    const mdRequest = await meta.waitForRequest((r) => r.path === "/latest/meta-data/instance-id");
    assert.equal(mdRequest.headers.host, "169.254.169.254");
    assert.equal(mdRequest.remoteAddress, h1.address);
    // The host has no route beyond the test subnet (asked of the routing table; no packet is sent).
    assert.equal((await h1.exec(["ip", "-4", "route", "show", "default"])).stdout, "");
    const beyond = await h1.exec(["ip", "route", "get", "10.9.9.9"]);
    assert.notEqual(beyond.code, 0);
    assert.match(beyond.stderr, /unreachable/i);
  });

  it("a cut host stops answering and answers again once restored", { timeout: 60_000 }, async () => {
    const www = join(net.dir, "www");
    await mkdir(www, { recursive: true });
    await writeFile(join(www, "index.html"), "h1 is up\n");
    const httpd = await h1.spawn(["busybox", "httpd", "-f", "-p", `${h1.address}:8080`, "-h", www]);
    const url = `http://${h1.address}:8080/`;
    let first: string | Error = new Error("not tried");
    for (let i = 0; i < 50 && typeof first !== "string"; i++) {
      first = await answer(url);
      if (typeof first !== "string") await sleep(100);
    }
    assert.equal(first, "h1 is up\n");

    await h1.cut();
    const whileCut = await answer(url);
    assert.ok(whileCut instanceof Error, `answered while cut: ${String(whileCut)}`);
    // The process itself kept running: only the network is gone.
    assert.ok(isAlive(httpd.pid));

    await h1.restore();
    let back: string | Error = new Error("not tried");
    for (let i = 0; i < 40 && typeof back !== "string"; i++) back = await answer(url);
    assert.equal(back, "h1 is up\n");
  });

  it("cleanup, as after a killed run, leaves no namespace, link, process, cgroup, mount, rule or state behind", { timeout: 120_000 }, async () => {
    const docker = h1.docker;
    assert.ok(docker);
    // A container still running (its sh ignores SIGTERM) and a spawned process.
    assert.ok(image, "the first test pulled an image onto h1");
    const sleeper = await docker.createContainer({ Image: image, Cmd: ["sleep", "600"] });
    await sleeper.start();
    await h1.spawn(["sleep", "600"]);
    // The stack's own namespace hosts (npm run up's second local host) share the bridge: cleanup leaves them.
    const stackPortsBefore = await portsOn(BRIDGE, STACK_VETH_PREFIX);
    const stackNamespacesBefore = (await run(["ip", "netns", "list"])).stdout.match(new RegExp(`${STACK_NAMESPACE_PREFIX}\\S+`, "g")) ?? [];
    const pids = readdirSync(join(dir, "pids")).map((f) => Number(readFileSync(join(dir, "pids", f), "utf8").split(" ")[0]));
    const containerdPidFile = join(dir, "hosts", "h1", "exec", "containerd", "containerd.pid");
    if (existsSync(containerdPidFile)) pids.push(Number(readFileSync(containerdPidFile, "utf8")));
    const containerPid = (await sleeper.inspect()).State.Pid;
    pids.push(containerPid);
    assert.ok(pids.length >= 9, `pids recorded: ${pids.join(" ")}`);
    assert.deepEqual(
      pids.filter((p) => !isAlive(p)),
      [],
    );

    // What the next test file does first: no destroy() in between, as if this process had been killed.
    await cleanupTestNetwork(dir);

    const namespaces = (await run(["ip", "netns", "list"])).stdout;
    assert.doesNotMatch(namespaces, /berth-tn-/);
    const links = (await run(["ip", "-o", "link", "show"])).stdout;
    assert.doesNotMatch(links, new RegExp(`: ${VETH_PREFIX}`));
    // The bridge stays exactly as long as a port of the stack is on it; the stack's namespaces stay too.
    assert.deepEqual(await portsOn(BRIDGE, STACK_VETH_PREFIX), stackPortsBefore);
    if (stackPortsBefore.length === 0) assert.doesNotMatch(links, new RegExp(`: ${BRIDGE}:`));
    for (const ns of stackNamespacesBefore) assert.match(namespaces, new RegExp(`^${ns}\\b`, "m"));
    assert.deepEqual(pids.filter(isAlive), []);
    const mounts = readFileSync("/proc/self/mountinfo", "utf8");
    assert.ok(!mounts.includes(dir), "no mount under the state directory");
    assert.ok(!existsSync(dir), "state directory removed");
    const rules = (await run(["iptables", "-S", "FORWARD"])).stdout;
    assert.doesNotMatch(rules, /berth-testnet/);
    const cgroups = ["/sys/fs/cgroup/pids", "/sys/fs/cgroup"].filter(existsSync).flatMap((d) => readdirSync(d));
    assert.deepEqual(
      cgroups.filter((d) => d.startsWith("berth-tn-")),
      [],
    );

    // Again: nothing to do, no error.
    await cleanupTestNetwork(dir);
  });
});
