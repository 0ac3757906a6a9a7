// The network builds run on: a bridge of Berth's own (label berth.builds) on which step containers
// cannot see each other (no inter-container traffic), fenced in (core/src/fence) so they reach the
// public internet (a build's `apk add`, `npm install`) but neither this host (the control plane,
// Postgres, Redis, the registry, the proxy and its admin API, on any of the host's addresses), nor
// private, link-local or CGNAT ranges (other hosts, cloud metadata), nor published ports.

import { AppError } from "@berth/core";
import { applyFence, fenceInstalled } from "@berth/core/fence/apply-fence";
import type Docker from "dockerode";

export const BUILD_FENCE = "BERTH-BUILDS";
export const BUILD_NETWORK_LABEL = "berth.builds";

let ready: Promise<void> | undefined;

/** Makes the network and its fence once per process; afterwards only checks the fence is still jumped to. */
export async function ensureBuildNetwork(docker: Docker, opts: { name: string; allow: string[] }): Promise<string> {
  if (ready && (await ready.then(() => true).catch(() => false)) && (await fenceInstalled(BUILD_FENCE))) return opts.name;
  ready = install(docker, opts);
  ready.catch(() => {
    ready = undefined;
  });
  await ready;
  return opts.name;
}

async function install(docker: Docker, opts: { name: string; allow: string[] }): Promise<void> {
  let network = await find(docker, opts.name);
  if (!network) {
    try {
      await docker.createNetwork({
        Name: opts.name,
        Driver: "bridge",
        CheckDuplicate: true,
        Labels: { [BUILD_NETWORK_LABEL]: "true" },
        // Its Linux bridge carries the same name, so the fence names it without asking the engine.
        Options: { "com.docker.network.bridge.name": opts.name, "com.docker.network.bridge.enable_icc": "false" },
      });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 409) throw err;
    }
    network = await find(docker, opts.name);
  }
  if (!network) throw new Error(`the build network ${opts.name} could not be created`);
  const options = network.Options ?? {};
  if (network.Labels?.[BUILD_NETWORK_LABEL] !== "true" || options["com.docker.network.bridge.enable_icc"] !== "false" || network.Driver !== "bridge") {
    throw new AppError("CONFLICT", `a Docker network named ${opts.name} exists that Berth did not make for builds: remove it, or set BERTH_BUILD_NETWORK`);
  }
  await applyFence({ name: BUILD_FENCE, interfaces: [options["com.docker.network.bridge.name"] ?? `br-${network.Id.slice(0, 12)}`], allow: opts.allow });
}

async function find(docker: Docker, name: string): Promise<Docker.NetworkInspectInfo | undefined> {
  const found = await docker.listNetworks({ filters: { name: [name] } });
  return found.find((n) => n.Name === name);
}
