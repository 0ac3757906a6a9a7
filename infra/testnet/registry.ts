// A stand-in for an outside registry (Docker Hub, a company's registry): Debian's distribution 2.8 in
// the berth-tn-internet namespace, its own port and storage, optionally behind a login (htpasswd,
// bcrypt), seeded with a busybox image (busybox-image.ts) as library/busybox:1.
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { netnsPath } from "./netns.ts";
import { mustRun, startTracked, waitFor } from "./processes.ts";

export type RegistryOptions = {
  /** Require a login (a random password for user "tester"). */
  auth?: boolean;
  /** Push library/busybox:1 into it (default true). */
  seed?: boolean;
};

export type StandInRegistry = {
  ip: string;
  port: number;
  /** ip:port, reachable from the root namespace and from every namespace host. */
  address: string;
  username: string | undefined;
  password: string | undefined;
  /** The seeded repository and tag, relative to the registry (pull it as `<name>:<port>/library/busybox:1`). */
  seeded: string | undefined;
  stop(): Promise<void>;
};

export async function startRegistry(opts: {
  dir: string;
  id: string;
  namespace: string;
  ip: string;
  port: number;
  options: RegistryOptions;
  /** The skopeo source of the seed image (made once per network). */
  seedSource: () => Promise<string>;
}): Promise<StandInRegistry> {
  const { dir, id, ip, port } = opts;
  const regDir = join(dir, "registries", id);
  await mkdir(join(regDir, "data"), { recursive: true });
  const username = opts.options.auth ? "tester" : undefined;
  const password = opts.options.auth ? randomBytes(12).toString("hex") : undefined;
  if (username && password) await writeFile(join(regDir, "htpasswd"), `${username}:${bcrypt.hashSync(password, 8)}\n`, { mode: 0o600 });
  const config = {
    version: 0.1,
    log: { level: "warn", formatter: "text" },
    storage: { filesystem: { rootdirectory: join(regDir, "data") }, delete: { enabled: true } },
    http: { addr: `0.0.0.0:${port}`, secret: randomBytes(16).toString("hex") },
    ...(username ? { auth: { htpasswd: { realm: "berth-testnet", path: join(regDir, "htpasswd") } } } : {}),
  };
  // JSON is YAML.
  await writeFile(join(regDir, "config.yml"), JSON.stringify(config, null, 2), { mode: 0o600 });
  const tracked = await startTracked({
    argv: ["nsenter", `--net=${netnsPath(opts.namespace)}`, "docker-registry", "serve", join(regDir, "config.yml")],
    pidfile: join(dir, "pids", `registry-${id}.pid`),
    logfile: join(regDir, "registry.log"),
  });
  const address = `${ip}:${port}`;
  // Generous: on a busy 2-core machine, a registry started right after the previous test network went away was seen
  // to take more than 20 s to answer.
  await waitFor(`registry ${address} (log: ${join(regDir, "registry.log")})`, 60_000, async () => {
    if (tracked.child.exitCode !== null) throw new Error(`docker-registry exited ${tracked.child.exitCode}`);
    const res = await fetch(`http://${address}/v2/`, { signal: AbortSignal.timeout(2_000) });
    return res.status === 200 || res.status === 401 ? true : undefined;
  });

  let seeded: string | undefined;
  if (opts.options.seed ?? true) {
    const source = await opts.seedSource();
    const args = ["copy", "--quiet", "--format", "v2s2", "--dest-tls-verify=false"];
    if (username && password) {
      // An auth file keeps the password off the command line.
      const authfile = join(regDir, "auth.json");
      await writeFile(authfile, JSON.stringify({ auths: { [address]: { auth: Buffer.from(`${username}:${password}`).toString("base64") } } }), { mode: 0o600 });
      args.push("--dest-authfile", authfile);
    }
    seeded = "library/busybox:1";
    await mustRun(["skopeo", ...args, source, `docker://${address}/${seeded}`], { timeoutMs: 60_000 });
  }

  return {
    ip,
    port,
    address,
    username,
    password,
    seeded,
    stop: async () => {
      await tracked.stop();
      await rm(regDir, { recursive: true, force: true });
    },
  };
}
