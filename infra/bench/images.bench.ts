// Deploying an image from another registry through the pull-through cache (issue 15): the docker.io
// cache is pointed at a stand-in upstream (infra/testnet, 10.231.0.200), which alone has the image
// (busybox plus a layer of random bytes, new every round, so nothing is warm anywhere). Per round:
// the first deploy of it by its short name in one team (cold: the cache fills from the upstream,
// Berth copies it into the team's namespace, a host pulls from Berth), a second deploy in another
// team (served by the cache), and raw `docker pull` + `docker run` of the same image from the
// upstream on a fresh engine (a test-network host). Each figure runs until the app answers
// (Berth: its deployment is live, i.e. health-checked; raw: busybox httpd answers).
// Bounded: ROUNDS rounds, each wait at most WAIT_MS. Uses the test network: do not run beside the
// tests that use it (`flock /tmp/berth-testnet.lock npm run bench -- images`). Settings are restored.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { testNetwork } from "../testnet/testnet.ts";
import { registryHost, signInAdmin } from "./admin.ts";
import { api } from "./deploy.bench.ts";
import { summary } from "./stats.ts";

const run = promisify(execFile);
const ROUNDS = 3;
const PAYLOAD_MIB = 64;
const WAIT_MS = 180_000;
const DEFAULT_CACHES = [{ registry: "docker.io", upstream: "https://registry-1.docker.io" }];
const httpd = {
  port: 8080,
  cmd: ["busybox", "httpd", "-f", "-p", "8080", "-h", "/bin"],
  healthCheck: { type: "http", path: "/busybox", timeoutS: 2, attempts: 200, intervalMs: 100 },
};

async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${WAIT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An image only the upstream has: `bench/payload:<tag>` (busybox + PAYLOAD_MIB of random bytes). */
async function pushPayload(upstream: string, tag: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "berth-bench-img-"));
  const local = `berth-bench-payload:${tag}`;
  try {
    writeFileSync(join(dir, "payload"), randomBytes(PAYLOAD_MIB * 1024 * 1024));
    writeFileSync(join(dir, "Dockerfile"), `FROM ${registryHost}/berth/busybox:1\nCOPY payload /payload\n`);
    await run("docker", ["build", "-q", "-t", local, dir], { maxBuffer: 16 * 1024 * 1024 });
    await run("skopeo", ["copy", "--quiet", "--dest-tls-verify=false", `docker-daemon:${local}`, `docker://${upstream}/bench/payload:${tag}`]);
  } finally {
    await run("docker", ["rmi", "-f", local]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The worker runs the docker.io cache for `remoteurl` (it polls the settings every few seconds). */
async function cacheRunning(remoteurl: string): Promise<void> {
  const dir = join(process.env.BERTH_HOME ?? ".berth", "registry-caches", "docker.io");
  const answers = () =>
    new Promise<boolean>((resolve) => {
      const req = request({ socketPath: join(dir, "registry.sock"), path: "/v2/", headers: { host: "cache" } }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on("error", () => resolve(false));
      req.end();
    });
  await until("the docker.io cache", async () => {
    const config = (() => {
      try {
        return readFileSync(join(dir, "config.yml"), "utf8");
      } catch {
        return "";
      }
    })();
    return config.includes(remoteurl) && (await answers()) ? true : undefined;
  });
}

async function berthDeploy(cookie: string, team: string, image: string): Promise<number> {
  const t0 = performance.now();
  const res = await api(cookie, "POST", `/api/v1/teams/${team}/apps`, { name: "img", image, config: httpd, deploy: true });
  if (res.status !== 201) throw new Error(`create app: ${res.status} ${JSON.stringify(res.json)}`);
  const id = (res.json.deployment as { id: string }).id;
  await until(`deployment of ${image} in ${team}`, async () => {
    const d = await api(cookie, "GET", `/api/v1/teams/${team}/apps/img/deployments/${id}`);
    const status = d.json.status as string;
    if (status === "live") return true;
    if (["failed", "cancelled", "superseded", "replaced"].includes(status)) throw new Error(`deployment ${status}: ${String(d.json.reason)}`);
    return undefined;
  });
  return performance.now() - t0;
}

async function rawDeploy(dockerSocket: string, exec: (cmd: string[]) => Promise<{ stdout: string; code: number | null }>, image: string): Promise<number> {
  const docker = (...args: string[]) => run("docker", ["-H", `unix://${dockerSocket}`, ...args], { maxBuffer: 16 * 1024 * 1024 });
  const t0 = performance.now();
  await docker("pull", "-q", image);
  const { stdout } = await docker("run", "-d", "-p", "127.0.0.1::8080", image, "busybox", "httpd", "-f", "-p", "8080", "-h", "/bin");
  const port = (await docker("port", stdout.trim(), "8080/tcp")).stdout.trim().split(":").pop();
  await until(`raw ${image}`, async () => {
    const r = await exec(["curl", "-sf", "-o", "/dev/null", `http://127.0.0.1:${port}/busybox`]);
    return r.code === 0 ? true : undefined;
  });
  return performance.now() - t0;
}

export async function benchImages(): Promise<void> {
  const { cookie } = await signInAdmin();
  const net = await testNetwork();
  const teams: string[] = [];
  const before = await api(cookie, "GET", "/api/v1/admin/settings");
  const savedAllow = before.json.outboundAllow as string[];
  try {
    const upstream = await net.registry({ seed: false });
    const host = await net.host("bench-raw");
    if (!host.dockerSocket) throw new Error("the test host has no engine");
    const settings = await api(cookie, "PATCH", "/api/v1/admin/settings", {
      outboundAllow: [...savedAllow, upstream.address],
      registryCaches: [{ registry: "docker.io", upstream: `http://${upstream.address}` }],
    });
    if (settings.status !== 200) throw new Error(`settings: ${settings.status} ${JSON.stringify(settings.json)}`);
    await cacheRunning(`http://${upstream.address}`);
    const cold: number[] = [];
    const warm: number[] = [];
    const raw: number[] = [];
    for (let i = 1; i <= ROUNDS; i++) {
      const tag = `r${i}-${randomBytes(3).toString("hex")}`;
      await pushPayload(upstream.address, tag);
      for (const list of [cold, warm]) {
        const team = `bench-img-${randomBytes(3).toString("hex")}`;
        const created = await api(cookie, "POST", "/api/v1/teams", { slug: team, name: "Images bench" });
        if (created.status !== 201) throw new Error(`create team: ${created.status} ${JSON.stringify(created.json)}`);
        teams.push(team);
        list.push(await berthDeploy(cookie, team, `bench/payload:${tag}`));
      }
      raw.push(await rawDeploy(host.dockerSocket, (cmd) => host.exec(cmd), `${upstream.address}/bench/payload:${tag}`));
    }
    const s = (n: number) => `${(n / 1000).toFixed(2)} s`;
    const line = (label: string, samples: number[]) => {
      const x = summary(samples);
      console.log(`    ${label} p50 ${s(x.p50)}, min ${s(x.min)}, max ${s(x.max)}  [${samples.map(s).join(", ")}]`);
    };
    console.log(`  deploy of an image only the upstream has (busybox + ${PAYLOAD_MIB} MiB layer), ${ROUNDS} rounds, until it answers:`);
    line("berth, first deploy (cold: upstream → cache → Berth's registry → host):", cold);
    line("berth, second deploy, another team (served by the cache):             ", warm);
    line("raw docker pull + docker run from the upstream (fresh engine):        ", raw);
  } finally {
    for (const team of teams) {
      await api(cookie, "DELETE", `/api/v1/teams/${team}/apps/img`).catch(() => undefined);
      await api(cookie, "DELETE", `/api/v1/teams/${team}`).catch(() => undefined);
    }
    await api(cookie, "PATCH", "/api/v1/admin/settings", { outboundAllow: savedAllow, registryCaches: DEFAULT_CACHES }).catch(() => undefined);
    // The copies the hosts pulled (64 MiB each): the stack's engines keep an image after its app is gone.
    const home = process.env.BERTH_HOME ?? ".berth";
    for (const socket of [process.env.DOCKER_SOCKET ?? "/var/run/docker.sock", join(home, "hosts/stack-2/docker.sock")]) {
      const listed = await run("docker", ["-H", `unix://${socket}`, "images", "--digests", "--format", "{{.Repository}}@{{.Digest}}"]).catch(() => ({
        stdout: "",
      }));
      const refs = listed.stdout.split("\n").filter((r) => teams.some((t) => r.startsWith(`${registryHost}/${t}/`)));
      if (refs.length > 0) await run("docker", ["-H", `unix://${socket}`, "rmi", ...refs]).catch(() => undefined);
    }
    await net.destroy();
  }
}
