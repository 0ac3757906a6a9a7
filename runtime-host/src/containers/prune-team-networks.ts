// Remove team networks no container uses any more (a stopped container still counts: it would
// not start again without its network). Networks younger than MIN_AGE_MS are left alone, since
// a container may be about to join one (see ensureTeamNetwork). This is also how a deleted team's
// network goes, and the slug-named networks of an older Berth once their containers are replaced.
// First, given the fence (and the engine lock), it heals team networks made more than once
// (team-network.ts healTeamNetwork), whatever their age: each one makes the Engine refuse the team's
// containers until healed.
import { LEGACY_TEAM_NETWORK_PREFIX } from "@berth/core/apps";
import { LABELS } from "@berth/core/host-jobs";
import type { Logger } from "@berth/core/logger";
import type Docker from "dockerode";
import { healTeamNetwork, type NetworkDeps } from "./team-network.ts";

const TEAM_NETWORK_PREFIX = "berth_net_";

const MIN_AGE_MS = 5 * 60_000;

type Opts = { now?: number; prefix?: string; heal?: NetworkDeps & { log?: Pick<Logger, "info" | "warn"> } };

/** `prefix` narrows the sweep to some teams' networks (tests share the engine with the stack). */
export async function pruneTeamNetworks(docker: Docker, opts: Opts = {}): Promise<string[]> {
  const { now = Date.now() } = opts;
  const prefixes = opts.prefix ? [opts.prefix] : [TEAM_NETWORK_PREFIX, LEGACY_TEAM_NETWORK_PREFIX];
  const ours = async () =>
    (await docker.listNetworks({ filters: { label: [`${LABELS.managed}=true`] } })).filter((n) => prefixes.some((p) => n.Name.startsWith(p)));
  if (opts.heal) await healDuplicates(docker, await ours(), opts.heal);
  const networks = (await ours()).filter((n) => now - Date.parse(n.Created) > MIN_AGE_MS);
  if (networks.length === 0) return [];
  const inUse = new Set<string>();
  for (const c of await docker.listContainers({ all: true })) {
    inUse.add(c.HostConfig.NetworkMode);
    for (const [name, endpoint] of Object.entries(c.NetworkSettings?.Networks ?? {})) {
      inUse.add(name);
      if (endpoint.NetworkID) inUse.add(endpoint.NetworkID);
    }
  }
  const removed: string[] = [];
  for (const n of networks) {
    if (inUse.has(n.Name) || inUse.has(n.Id)) continue;
    try {
      await docker.getNetwork(n.Id).remove();
      removed.push(n.Name);
    } catch (err) {
      // 403: a container joined after the listing; 404: someone else removed it. Both are fine.
      const status = (err as { statusCode?: number }).statusCode;
      if (status !== 403 && status !== 404) throw err;
    }
  }
  return removed;
}

async function healDuplicates(docker: Docker, networks: Docker.NetworkInspectInfo[], heal: NonNullable<Opts["heal"]>) {
  const count = new Map<string, number>();
  for (const n of networks) count.set(n.Name, (count.get(n.Name) ?? 0) + 1);
  for (const [name, made] of count) {
    if (made < 2) continue;
    try {
      const healed = await healTeamNetwork(docker, name, heal);
      if (healed)
        heal.log?.info({ network: name, kept: healed.kept.Id, removed: healed.removed, moved: healed.moved }, "healed a team network made more than once");
    } catch (err) {
      heal.log?.warn({ err, network: name }, "healing a team network made more than once failed");
    }
  }
}
