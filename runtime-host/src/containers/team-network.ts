// One bridge network per team, so containers of different teams cannot reach each other. It is
// named from the team's id (core's teamNetworkName) and labelled with it; a network of that name
// with another owner's labels (or none) is never joined nor touched.
// The Engine (20.10) accepts two networks of the same name and its duplicate check is best effort,
// so the network is made (and healed) under the engine lock (engine-lock.ts): one at a time per
// engine, whichever agent asks. Containers then refer to it by id (create-container.ts), and
// networks made twice before (an older Berth) are healed here and by the inventory's sweep
// (heal-team-network.ts): one kept, the others' containers moved to it, the others removed.
// The network is in the app fence (firewall/app-fence.ts) before it is handed out: a container that
// joins it right after it is made is fenced in from its first packet.
import { AppError } from "@berth/core";
import { teamNetworkName } from "@berth/core/apps";
import { LABELS } from "@berth/core/host-jobs";
import type Docker from "dockerode";
import type { AppFence } from "../firewall/app-fence.ts";
import type { EngineLock } from "./engine-lock.ts";
import { type Healed, healTeamNetworks } from "./heal-team-network.ts";
import { oneAtATime } from "./one-at-a-time.ts";

export type NetworkOwner = { teamId: string; team: string };
/** A team's network as containers join it: by id (the name may be carried by another network too). */
export type TeamNetwork = { id: string; name: string };
/** The fence that must cover the network first; the engine lock (without it, one at a time in this process only). */
export type NetworkDeps = { fence: Pick<AppFence, "cover">; engineLock?: EngineLock };

const underLock = <T>(deps: NetworkDeps, name: string, work: () => Promise<T>): Promise<T> =>
  deps.engineLock ? deps.engineLock.run(`network:${name}`, work) : oneAtATime(`network:${name}`, work);

/** Every network of exactly that name (the engine's name filter matches substrings). */
export async function networksNamed(docker: Docker, name: string): Promise<Docker.NetworkInspectInfo[]> {
  return (await docker.listNetworks({ filters: { name: [name] } })).filter((n) => n.Name === name);
}

const berthsFor = (n: Docker.NetworkInspectInfo, teamId: string) => n.Labels?.[LABELS.managed] === "true" && n.Labels?.[LABELS.teamId] === teamId;

export function ensureTeamNetwork(docker: Docker, owner: NetworkOwner, deps: NetworkDeps): Promise<TeamNetwork> {
  const name = teamNetworkName(owner.teamId);
  return underLock(deps, name, async () => {
    let found = await networksNamed(docker, name);
    if (found.length === 0) {
      try {
        await docker.createNetwork({
          Name: name,
          Driver: "bridge",
          CheckDuplicate: true,
          Labels: { [LABELS.managed]: "true", [LABELS.teamId]: owner.teamId, [LABELS.team]: owner.team },
        });
      } catch (err) {
        // An agent that does not take the engine lock (an older Berth) may have made it meanwhile.
        if ((err as { statusCode?: number }).statusCode !== 409) throw err;
      }
      found = await networksNamed(docker, name);
    }
    if (found.length === 0 || found.some((n) => !berthsFor(n, owner.teamId))) {
      throw new AppError(
        "CONFLICT",
        `network ${name} on this host was not made by Berth for team ${owner.team}; Berth does not join it (an instance admin must remove it)`,
      );
    }
    let kept = found[0] as Docker.NetworkInspectInfo;
    if (found.length > 1) kept = (await healTeamNetworks(docker, found, deps.fence)).kept;
    else await deps.fence.cover(kept);
    return { id: kept.Id, name };
  });
}

/**
 * For the inventory's sweep: heals a team network made more than once, under the engine lock. Undefined when
 * there is nothing to heal, or when a network of that name is not Berth's for one team (left alone).
 */
export function healTeamNetwork(docker: Docker, name: string, deps: NetworkDeps): Promise<Healed | undefined> {
  return underLock(deps, name, async () => {
    const found = await networksNamed(docker, name);
    const teamId = found[0]?.Labels?.[LABELS.teamId];
    if (found.length < 2 || !teamId || found.some((n) => !berthsFor(n, teamId))) return undefined;
    return healTeamNetworks(docker, found, deps.fence);
  });
}
