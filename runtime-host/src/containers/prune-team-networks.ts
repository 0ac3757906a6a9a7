// Remove team networks no container uses any more (a stopped container still counts: it would
// not start again without its network). Networks younger than MIN_AGE_MS are left alone, since
// a container may be about to join one (see ensureTeamNetwork). This is also how a deleted team's
// network goes, and the slug-named networks of an older Berth once their containers are replaced.
import { LEGACY_TEAM_NETWORK_PREFIX } from "@berth/core/apps";
import { LABELS } from "@berth/core/host-jobs";
import type Docker from "dockerode";

const TEAM_NETWORK_PREFIX = "berth_net_";

const MIN_AGE_MS = 5 * 60_000;

/** `prefix` narrows the sweep to some teams' networks (tests share the engine with the stack). */
export async function pruneTeamNetworks(docker: Docker, opts: { now?: number; prefix?: string } = {}): Promise<string[]> {
  const { now = Date.now() } = opts;
  const prefixes = opts.prefix ? [opts.prefix] : [TEAM_NETWORK_PREFIX, LEGACY_TEAM_NETWORK_PREFIX];
  const networks = (await docker.listNetworks({ filters: { label: [`${LABELS.managed}=true`] } })).filter(
    (n) => prefixes.some((p) => n.Name.startsWith(p)) && now - Date.parse(n.Created) > MIN_AGE_MS,
  );
  if (networks.length === 0) return [];
  const inUse = new Set<string>();
  for (const c of await docker.listContainers({ all: true })) {
    inUse.add(c.HostConfig.NetworkMode);
    for (const name of Object.keys(c.NetworkSettings?.Networks ?? {})) inUse.add(name);
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
