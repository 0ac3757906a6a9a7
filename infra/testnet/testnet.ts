// The test network: a bridge on Berth's private test subnet, namespace hosts with their own Docker
// Engines, a programmable DNS server, stand-in registries and recording listeners that play the
// internet, a LAN service and cloud metadata. See README.md beside this file.
//
//   const net = await testNetwork({ dir });   // cleans up what a killed run left, then starts
//   const h1 = await net.host("h1");
//   await net.dns.set("registry.berth.test", reg.ip);
//   …
//   await net.destroy();
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeBusyboxLayout } from "./busybox-image.ts";
import {
  BRIDGE,
  DEFAULT_DIR,
  FIRST_HOST_OCTET,
  FIRST_REGISTRY_PORT,
  GATEWAY,
  LAST_HOST_OCTET,
  MAX_NAME_LENGTH,
  METADATA_ADDRESS,
  NAMESPACE_PREFIX,
  PREFIX,
  STAND_INS,
  type StandIn,
  VETH_PREFIX,
} from "./constants.ts";
import type { QueryRecord } from "./dns-server.ts";
import { createHost, type HostOptions, type NamespaceHost } from "./host.ts";
import { nodeScript, startJsonLinesChild } from "./jsonl-child.ts";
import { netns } from "./netns.ts";
import { type ListenerOptions, type RecordingListener, startRecordingListener } from "./recording-listener.ts";
import { type RegistryOptions, type StandInRegistry, startRegistry } from "./registry.ts";

export type { HostOptions, ListenerOptions, NamespaceHost, RecordingListener, RegistryOptions, StandIn, StandInRegistry };

export type TestDnsClient = {
  /** Where namespace hosts resolve: GATEWAY:53. */
  address: string;
  /** The same server on 127.0.0.1 for tools in the root namespace (`dig @127.0.0.1 -p PORT`). */
  loopbackPort: number;
  set(name: string, address: string): Promise<void>;
  remove(name: string): Promise<void>;
  queries(): Promise<QueryRecord[]>;
};

export type TestNetwork = {
  dir: string;
  dns: TestDnsClient;
  host(name: string, options?: HostOptions): Promise<NamespaceHost>;
  registry(options?: RegistryOptions): Promise<StandInRegistry>;
  listener(where: StandIn, options?: ListenerOptions): Promise<RecordingListener>;
  destroy(): Promise<void>;
};

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const STATE_DIRS = ["pids", "netns", "cgroups", "hosts", "registries", "certs", "images"];
const RESERVED = new Set<string>(Object.keys(STAND_INS));

export function defaultDir(): string {
  return resolve(ROOT, DEFAULT_DIR);
}

/** Removes everything a test network with this state directory made, even after a killed run. Idempotent. */
export async function cleanupTestNetwork(dir = defaultDir()): Promise<void> {
  await netns(["cleanup", resolve(dir), BRIDGE], 120_000);
}

export async function testNetwork(opts: { dir?: string; clean?: boolean } = {}): Promise<TestNetwork> {
  const dir = resolve(opts.dir ?? defaultDir());
  if (opts.clean ?? true) await cleanupTestNetwork(dir);
  // The marker first: cleanup touches only a directory that carries it.
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, ".berth-testnet"), "state of infra/testnet; netns.sh cleanup removes this directory\n");
  for (const sub of STATE_DIRS) await mkdir(join(dir, sub), { recursive: true });
  await netns(["bridge-up", BRIDGE, `${GATEWAY}/${PREFIX}`]);

  const dnsChild = await startJsonLinesChild({
    argv: nodeScript("./dns-server.ts", ["--listen", `${GATEWAY}:53`, "--listen", "127.0.0.1:0", "--owner", dir]),
    pidfile: join(dir, "pids", "dns.pid"),
  });
  const listening = dnsChild.ready.listening as { host: string; port: number }[];
  const dns: TestDnsClient = {
    address: `${GATEWAY}:53`,
    loopbackPort: listening.find((l) => l.host === "127.0.0.1")?.port ?? 0,
    set: (name, address) => dnsChild.call({ op: "set", name, address }).then(() => {}),
    remove: (name) => dnsChild.call({ op: "remove", name }).then(() => {}),
    queries: () => dnsChild.call({ op: "queries" }).then((r) => r.queries as QueryRecord[]),
  };

  const standIns = new Map<StandIn, Promise<string>>();
  const standIn = (where: StandIn) => {
    let made = standIns.get(where);
    if (!made) {
      const namespace = `${NAMESPACE_PREFIX}${where}`;
      const veth = `${VETH_PREFIX}${where}`;
      made = (async () => {
        await writeFile(join(dir, "netns", where), `${namespace} ${veth}\n`);
        const extra = where === "meta" ? ["--lo-addr", `${METADATA_ADDRESS}/32`] : [];
        await netns(["ns-add", BRIDGE, namespace, veth, `${STAND_INS[where].address}/${PREFIX}`, ...extra]);
        return namespace;
      })();
      standIns.set(where, made);
    }
    return made;
  };

  const hosts = new Map<string, NamespaceHost>();
  const registries: StandInRegistry[] = [];
  const listeners: RecordingListener[] = [];
  let nextOctet = FIRST_HOST_OCTET;
  let nextRegistry = 0;
  let seed: Promise<string> | undefined;

  return {
    dir,
    dns,
    async host(name, options = {}) {
      if (!new RegExp(`^[a-z0-9][a-z0-9-]{0,${MAX_NAME_LENGTH - 1}}$`).test(name))
        throw new Error(`host name ${name}: a-z, 0-9 and -, at most ${MAX_NAME_LENGTH}`);
      if (hosts.has(name) || RESERVED.has(name)) throw new Error(`host name ${name} is taken`);
      if (nextOctet > LAST_HOST_OCTET) throw new Error("no addresses left for namespace hosts");
      const address = `10.231.0.${nextOctet++}`;
      const host = await createHost({ dir, name, address, options });
      hosts.set(name, host);
      const destroy = host.destroy;
      host.destroy = () => destroy().then(() => void hosts.delete(name));
      return host;
    },
    async registry(options = {}) {
      const namespace = await standIn("internet");
      const n = nextRegistry++;
      seed ??= writeBusyboxLayout(join(dir, "images", "busybox"));
      const reg = await startRegistry({
        dir,
        id: `r${n}`,
        namespace,
        ip: STAND_INS.internet.address,
        port: FIRST_REGISTRY_PORT + n,
        options,
        seedSource: () => seed ?? Promise.reject(new Error("no seed")),
      });
      registries.push(reg);
      return reg;
    },
    async listener(where, options = {}) {
      const namespace = await standIn(where);
      const listener = await startRecordingListener({ dir, where, namespace, ip: STAND_INS[where].address, options });
      listeners.push(listener);
      return listener;
    },
    async destroy() {
      await Promise.allSettled([...hosts.values()].map((h) => h.destroy()));
      await Promise.allSettled([...registries, ...listeners].map((x) => x.stop()));
      await dnsChild.stop();
      // Whatever is left (stand-in namespaces, the bridge, the forward rule, the state directory).
      await cleanupTestNetwork(dir);
    },
  };
}
