// A hostile tenant's build steps, against the real engine: they probe this host's services (a
// listener on every address of the host stands in for web, Postgres, Redis, Caddy's admin API…:
// those listen on loopback here, which no container can reach anyway) and another build's step
// container, then run into the memory and time limits and try Berth's labels.
// Each probe is refused, and the same probe from an unfenced network reaches its target, so the
// test can fail. Runs on the worker's engine with busybox from Berth's registry; nothing is pulled.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type { DeployLog } from "@berth/control/deployments/deploy-log";
import Docker from "dockerode";
import { BuildFailure } from "../../src/builds/build-errors.ts";
import { buildImage } from "../../src/builds/build-image.ts";
import { ensureBuildNetwork } from "../../src/builds/build-network.ts";
import { dockerfileLabelRefusal } from "../../src/builds/check-labels.ts";
import { parseDockerfile } from "../../src/builds/parse-dockerfile.ts";
import { loadConfig } from "../../src/config.ts";

const run = promisify(execFile);
const config = loadConfig({ BERTH_ENCRYPTION_KEY: "x".repeat(40), ...process.env });
const docker = new Docker({ socketPath: config.DOCKER_SOCKET });
const BASE = `127.0.0.1:${config.BERTH_REGISTRY_PORT}/berth/busybox:1`;
const BRIDGE_ADDRESS = "10.231.0.1";
const work = await mkdtemp(join(tmpdir(), "berth-build-fence-"));
const tag = `fence-${randomBytes(4).toString("hex")}`;

// Every connection the host's listener accepts.
const accepted: string[] = [];
let listener: Server;
let port = 0;
let network = "";
let gateway = "";
let peer: Docker.Container | undefined;
let peerIp = "";

async function context(dockerfile: string): Promise<string> {
  const dir = await mkdtemp(join(work, "ctx-"));
  await writeFile(join(dir, "Dockerfile"), dockerfile);
  await run("tar", ["-C", dir, "-cf", `${dir}.tar`, "."]);
  return `${dir}.tar`;
}

/** Builds straight through the engine on `networkmode`, returning the output. */
async function rawBuild(dockerfile: string, networkmode: string): Promise<string> {
  const stream = await docker.buildImage(createReadStream(await context(dockerfile)), {
    t: `${tag}:raw`,
    pull: false,
    rm: true,
    forcerm: true,
    nocache: true,
    networkmode,
  });
  let out = "";
  for await (const chunk of stream as AsyncIterable<Buffer>) out += chunk.toString();
  return out;
}

const probeScript = (targets: string[]) =>
  `FROM ${BASE}\nRUN for t in ${targets.join(" ")}; do if echo x | nc -w 3 \${t%:*} \${t#*:} >/dev/null 2>&1; then echo "REACHED $t"; else echo "REFUSED $t"; fi; done\n`;

const lines = (out: string) => [...out.matchAll(/(REACHED|REFUSED) (\d+\.\d+\.\d+\.\d+:\d+)/g)].map((m) => `${m[1]} ${m[2]}`);

function memoryLog(): DeployLog & { lines: string[] } {
  const out: string[] = [];
  return { lines: out, write: async (...l: string[]) => void out.push(...l) } as unknown as DeployLog & { lines: string[] };
}

/** The build cgroups of these tests still on the machine (a build removes its own in every hierarchy, whatever its outcome). */
const leftCgroups = () => ["", ...readdirSync("/sys/fs/cgroup")].map((h) => join("/sys/fs/cgroup", h, "berth-builds", tag)).filter((d) => existsSync(d));

const limits = { memoryBytes: 64 * 1024 ** 2, cpus: 1, pids: 256 };
const build = async (dockerfile: string, timeoutMs = 60_000) =>
  buildImage({
    docker,
    contextPath: await context(dockerfile),
    repo: `127.0.0.1:${config.BERTH_REGISTRY_PORT}/fence-test/app`,
    tag,
    registry: async () => {
      throw new Error("nothing is pushed by these builds");
    },
    log: memoryLog(),
    signal: new AbortController().signal,
    timeoutMs,
    network,
    limits,
  });

before(async () => {
  listener = createServer((s) => {
    accepted.push(s.remoteAddress ?? "?");
    s.end("HTTP/1.0 200 OK\r\n\r\nhello\n");
  });
  await new Promise<void>((r) => listener.listen(0, "0.0.0.0", r));
  port = (listener.address() as { port: number }).port;
  network = await ensureBuildNetwork(docker, { name: config.BERTH_BUILD_NETWORK, allow: config.BERTH_BUILD_EGRESS_ALLOW });
  gateway = (await docker.getNetwork(network).inspect()).IPAM?.Config?.[0]?.Gateway ?? "";
  assert.ok(gateway, "the build network has a gateway");
  // Another build's step container: a container on the build network, serving on :8080.
  peer = await docker.createContainer({ Image: BASE, Cmd: ["httpd", "-f", "-p", "8080"], HostConfig: { NetworkMode: network, AutoRemove: true } });
  await peer.start();
  peerIp = (await peer.inspect()).NetworkSettings.Networks[network]?.IPAddress ?? "";
  assert.ok(peerIp);
});

after(async () => {
  await peer?.remove({ force: true }).catch(() => {});
  for (const t of [`${tag}:raw`, `${tag}`])
    await docker
      .getImage(t)
      .remove({ force: true })
      .catch(() => {});
  listener.close();
  await rm(work, { recursive: true, force: true });
});

describe("a build step", () => {
  it("reaches neither this host's addresses nor another build's step container, where an unfenced step does", async () => {
    const targets = [`${gateway}:${port}`, `${BRIDGE_ADDRESS}:${port}`, `${peerIp}:8080`];
    // The other build's step answers where it may be reached (from the host).
    const answer = await fetch(`http://${peerIp}:8080/`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.status);
    assert.ok(answer === 404 || answer === 200, `the peer answers the host (${answer})`);
    // Positive control first: the same probes from the engine's default network reach the host.
    const control = lines(await rawBuild(probeScript([`${gateway}:${port}`, `${BRIDGE_ADDRESS}:${port}`]), "default"));
    assert.deepEqual(control, [`REACHED ${gateway}:${port}`, `REACHED ${BRIDGE_ADDRESS}:${port}`], "unfenced, the probe works");
    const before = accepted.length;
    assert.ok(before >= 2);

    const fenced = lines(await rawBuild(probeScript(targets), network));
    assert.deepEqual(
      fenced,
      targets.map((t) => `REFUSED ${t}`),
    );
    assert.equal(accepted.length, before, "nothing reached the host's listener");
  });

  it("fails with a clear message when it runs out of memory", async () => {
    const err = await build(`FROM ${BASE}\nRUN head -c 300m /dev/zero | tail > /dev/null\n`).catch((e: unknown) => e);
    assert.ok(err instanceof BuildFailure, String(err));
    assert.match(err.message, /^the build ran out of memory \(limit 64 MiB\)/);
    assert.deepEqual(leftCgroups(), []);
  });

  it("is stopped with a clear message when it takes too long", async () => {
    const err = await build(`FROM ${BASE}\nRUN sleep 60\n`, 4_000).catch((e: unknown) => e);
    assert.ok(err instanceof BuildFailure, String(err));
    assert.equal(err.message, "the build took longer than 4 s");
    assert.deepEqual(leftCgroups(), [], "the stopped build's cgroup is gone");
  });

  it("cannot set Berth's own labels", async () => {
    assert.match(
      dockerfileLabelRefusal(parseDockerfile(`FROM x\nLABEL a=1 "Berth.managed"=true\n`)) ?? "",
      /line 2: LABEL Berth\.managed: labels starting with "berth\." are reserved/,
    );
    assert.match(dockerfileLabelRefusal(parseDockerfile(`FROM x\nARG P=berth\nLABEL \${P}.managed=true\n`)) ?? "", /build arguments/);
    assert.match(dockerfileLabelRefusal(parseDockerfile(`FROM x\nONBUILD LABEL berth.app=web\n`)) ?? "", /ONBUILD LABEL berth\.app/);
    assert.equal(dockerfileLabelRefusal(parseDockerfile(`FROM x\nLABEL org.opencontainers.image.title=web\n`)), undefined);
    // Whatever way the label gets there, the built image is refused and removed.
    const err = await build(`FROM ${BASE}\nLABEL berth.managed=true\n`).catch((e: unknown) => e);
    assert.ok(err instanceof BuildFailure, String(err));
    assert.match(err.message, /the built image sets labels reserved for Berth \(berth\.managed\)/);
    await assert.rejects(docker.getImage(`127.0.0.1:${config.BERTH_REGISTRY_PORT}/fence-test/app:${tag}`).inspect(), /no such image/i);
  });
});
