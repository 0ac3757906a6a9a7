// A namespace host: a network namespace on the test bridge (no route beyond the test subnet, except
// the metadata address routed to berth-tn-meta), a mount namespace of its own (its /etc/docker,
// /etc/hosts and /etc/resolv.conf, the resolver being the test DNS) kept by a holder process, and
// optionally its own dockerd. Commands run in it with nsenter into both namespaces.
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import Docker from "dockerode";
import { BRIDGE, GATEWAY, HOST_DOCKER_BIP, HOST_DOCKER_POOL, METADATA_ADDRESS, NAMESPACE_PREFIX, PREFIX, STAND_INS, SUBNET, VETH_PREFIX } from "./constants.ts";
import { NETNS_SH, netns, netnsPath } from "./netns.ts";
import { type RunResult, run, startTracked, type Tracked, waitFor } from "./processes.ts";

export type HostOptions = {
  /** Start a dockerd in the host (default true). */
  docker?: boolean;
  /** daemon.json's insecure-registries; default: the whole test subnet, so registries there are reached by name over HTTP. */
  insecureRegistries?: string[];
};

export type SpawnedProcess = { pid: number; logfile: string; exited: Promise<void>; stop(): Promise<void> };

export type NamespaceHost = {
  name: string;
  namespace: string;
  address: string;
  /** The host's Docker Engine socket, in the state directory (undefined with docker: false). */
  dockerSocket: string | undefined;
  docker: Docker | undefined;
  /** Runs a command in the host's namespaces (its working directory is /; use absolute paths). */
  exec(cmd: readonly string[], opts?: { timeoutMs?: number; env?: NodeJS.ProcessEnv; input?: string }): Promise<RunResult>;
  /** Starts a long-running process in the host; its output goes to `logfile`. `env` replaces the environment (PATH is kept unless given). */
  spawn(cmd: readonly string[], env?: NodeJS.ProcessEnv): Promise<SpawnedProcess>;
  /** Takes the host off the network (its link on the bridge down); restore() puts it back. */
  cut(): Promise<void>;
  restore(): Promise<void>;
  destroy(): Promise<void>;
};

export async function createHost(opts: { dir: string; name: string; address: string; options: HostOptions }): Promise<NamespaceHost> {
  const { dir, name, address } = opts;
  const namespace = `${NAMESPACE_PREFIX}${name}`;
  const veth = `${VETH_PREFIX}${name}`;
  const hostDir = join(dir, "hosts", name);
  const pid = (what: string) => join(dir, "pids", `${what}-${name}.pid`);
  // Recorded before anything exists, so that cleanup finds a half-made host too.
  await writeFile(join(dir, "netns", name), `${namespace} ${veth}\n`);
  await writeFile(join(dir, "cgroups", name), `berth-tn-${name}\n`);

  // A host that fails half-way is taken down again before the error goes on.
  let holder: Tracked | undefined;
  let dockerd: Tracked | undefined;
  const undo = async () => {
    await netns(["cgroups-kill", `berth-tn-${name}`]);
    await dockerd?.stop(40_000);
    await holder?.stop();
    await netns(["ns-del", namespace, veth]);
    await netns(["cgroups-clear", `berth-tn-${name}`]);
    await rm(hostDir, { recursive: true, force: true });
    await rm(join(dir, "netns", name), { force: true });
    await rm(join(dir, "cgroups", name), { force: true });
  };
  let enter: string[];
  let dockerSocket: string | undefined;
  let docker: Docker | undefined;
  try {
    await netns(["ns-add", BRIDGE, namespace, veth, `${address}/${PREFIX}`, "--route", `${METADATA_ADDRESS}/32`, STAND_INS.meta.address]);
    await mkdir(join(hostDir, "etc", "docker"), { recursive: true });
    const daemon = { "insecure-registries": opts.options.insecureRegistries ?? [SUBNET] };
    await writeFile(join(hostDir, "etc", "docker", "daemon.json"), `${JSON.stringify(daemon, null, 2)}\n`);
    await writeFile(join(hostDir, "etc", "hosts"), `127.0.0.1 localhost\n::1 localhost\n${address} ${name}\n`);
    await writeFile(join(hostDir, "etc", "resolv.conf"), `nameserver ${GATEWAY}\noptions timeout:1 attempts:2\n`);

    holder = await startTracked({
      argv: ["nsenter", `--net=${netnsPath(namespace)}`, "unshare", "--mount", "--propagation", "private", "bash", NETNS_SH, "holder-init", hostDir],
      pidfile: pid("holder"),
      logfile: join(hostDir, "holder.log"),
    });
    await waitFor(`${name}: mount namespace`, 10_000, () => (existsSync(join(hostDir, "holder.ready")) ? true : undefined));
    enter = ["nsenter", `--net=${netnsPath(namespace)}`, `--mount=/proc/${holder.pid}/ns/mnt`];
    if (opts.options.docker ?? true) {
      dockerSocket = join(hostDir, "docker.sock");
      const started = await startTracked({
        argv: [
          ...enter,
          "dockerd",
          ...["--data-root", join(hostDir, "data"), "--exec-root", join(hostDir, "exec")],
          ...["--pidfile", join(hostDir, "dockerd.pid"), "-H", `unix://${dockerSocket}`],
          ...["--containerd-namespace", namespace, "--containerd-plugins-namespace", `${namespace}p`],
          ...["--bip", HOST_DOCKER_BIP, "--default-address-pool", `base=${HOST_DOCKER_POOL},size=24`],
          // Its containers are ended through their cgroup before it stops (netns.sh cgroups-kill).
          ...["--cgroup-parent", `/berth-tn-${name}`, "--shutdown-timeout", "2", "--log-level", "warn"],
        ],
        pidfile: pid("dockerd"),
        logfile: join(hostDir, "dockerd.log"),
      });
      dockerd = started;
      const engine = new Docker({ socketPath: dockerSocket });
      await waitFor(`${name}: dockerd on ${dockerSocket} (log: ${join(hostDir, "dockerd.log")})`, 60_000, async () => {
        if (started.child.exitCode !== null) throw new Error(`dockerd exited ${started.child.exitCode}`);
        return (await engine.ping()) ? true : undefined;
      });
      docker = engine;
    }
  } catch (err) {
    await undo().catch(() => {});
    throw err;
  }

  const spawned = new Set<SpawnedProcess>();
  let count = 0;
  let destroyed: Promise<void> | undefined;
  const host: NamespaceHost = {
    name,
    namespace,
    address,
    dockerSocket,
    docker,
    exec: (cmd, o = {}) => run([...enter, "--", ...cmd], { ...o, env: withPath(o.env) }),
    async spawn(cmd, env) {
      const n = ++count;
      const logfile = join(hostDir, `spawn-${n}.log`);
      const t = await startTracked({ argv: [...enter, "--", ...cmd], pidfile: pid(`spawn${n}`), logfile, env: withPath(env) });
      const p: SpawnedProcess = { pid: t.pid, logfile, exited: t.exited, stop: () => t.stop().then(() => void spawned.delete(p)) };
      spawned.add(p);
      return p;
    },
    cut: () => netns(["link", veth, "down"]).then(() => {}),
    restore: () => netns(["link", veth, "up"]).then(() => {}),
    destroy() {
      destroyed ??= (async () => {
        await Promise.all([...spawned].map((p) => p.stop()));
        await undo();
      })();
      return destroyed;
    },
  };
  return host;
}

// A caller's environment replaces the test process's, but nsenter and the command are still found on PATH.
function withPath(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv | undefined {
  return env && { PATH: process.env.PATH, ...env };
}
