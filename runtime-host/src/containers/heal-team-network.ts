// A team network made more than once on one engine (an older Berth, or agents racing before
// engine-lock.ts) makes the Engine refuse every container that names it ("network … is ambiguous").
// Healing keeps one: the network with the most containers, then the oldest. It is covered by the
// app fence first (nothing joins a network the fence does not cover), then each container of the
// others is disconnected and connected to it with the same aliases (a running one is off the
// network for the moment in between), and the others are removed.
// The caller holds the engine lock for the name and has checked that every network of that name is
// Berth's for the team: this never touches another owner's network.
import type Docker from "dockerode";
import type { AppFence } from "../firewall/app-fence.ts";

export type Healed = { kept: Docker.NetworkInspectInfo; moved: string[]; removed: string[] };

const statusOf = (err: unknown) => (err as { statusCode?: number }).statusCode;

/** Ids of the containers (any state) on a network: by endpoint, by the network they were created on, or as the engine lists them. */
async function members(docker: Docker, network: Docker.NetworkInspectInfo, all: Docker.ContainerInfo[]): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const c of all) {
    const onIt = Object.values(c.NetworkSettings?.Networks ?? {}).some((e) => e.NetworkID === network.Id);
    if (onIt || c.HostConfig?.NetworkMode === network.Id) ids.add(c.Id);
  }
  const inspected = await docker
    .getNetwork(network.Id)
    .inspect()
    .catch(() => undefined);
  for (const id of Object.keys(inspected?.Containers ?? {})) ids.add(id);
  return ids;
}

async function move(docker: Docker, containerId: string, from: Docker.NetworkInspectInfo, to: Docker.NetworkInspectInfo): Promise<string | undefined> {
  let info: Docker.ContainerInspectInfo;
  try {
    info = await docker.getContainer(containerId).inspect();
  } catch (err) {
    if (statusOf(err) === 404) return undefined; // removed meanwhile
    throw err;
  }
  const endpoint = info.NetworkSettings.Networks[from.Name];
  // The engine adds the container's short id itself.
  const aliases = (endpoint?.Aliases ?? []).filter((a: string) => a !== info.Id.slice(0, 12));
  const config = {
    ...(aliases.length ? { Aliases: aliases } : {}),
    ...(endpoint?.Links?.length ? { Links: endpoint.Links } : {}),
    // By id: the container starts on this network whatever else carries its name.
    NetworkID: to.Id,
  };
  try {
    await docker.getNetwork(from.Id).disconnect({ Container: info.Id });
  } catch (err) {
    if (statusOf(err) !== 404) throw err; // 404: no longer connected
  }
  try {
    await docker.getNetwork(to.Id).connect({ Container: info.Id, EndpointConfig: config });
  } catch (err) {
    // Never leave it on no network: back where it was, and the next heal tries again.
    await docker
      .getNetwork(from.Id)
      .connect({ Container: info.Id, EndpointConfig: { ...config, NetworkID: from.Id } })
      .catch(() => {});
    throw err;
  }
  return info.Name.replace(/^\//, "");
}

export async function healTeamNetworks(docker: Docker, networks: Docker.NetworkInspectInfo[], fence: Pick<AppFence, "cover">): Promise<Healed> {
  const all = await docker.listContainers({ all: true });
  const counted = await Promise.all(networks.map(async (n) => ({ n, ids: await members(docker, n, all) })));
  counted.sort((a, b) => b.ids.size - a.ids.size || Date.parse(a.n.Created) - Date.parse(b.n.Created) || a.n.Id.localeCompare(b.n.Id));
  const [keep, ...others] = counted;
  if (!keep) throw new Error("no network to keep");
  await fence.cover(keep.n);
  const moved: string[] = [];
  const removed: string[] = [];
  for (const { n, ids } of others) {
    for (const id of ids) {
      const name = await move(docker, id, n, keep.n);
      if (name) moved.push(name);
    }
    try {
      await docker.getNetwork(n.Id).remove();
      removed.push(n.Id);
    } catch (err) {
      // 403/409: a container joined it meanwhile (the next heal moves it); 404: someone else removed it.
      const status = statusOf(err);
      if (status !== 403 && status !== 404 && status !== 409) throw err;
    }
  }
  return { kept: keep.n, moved, removed };
}
